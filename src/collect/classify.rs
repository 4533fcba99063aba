//! Reading a failed call's error text (what the AWS CLI printed on standard
//! error) into a collection status.
//!
//! The CLI prints `An error occurred (CODE) when calling the OPERATION
//! operation: MESSAGE`. The code decides the status; where the code is
//! ambiguous, the message or the region's opt-in state does.

use crate::snapshot::log::CallStatus;

/// What a failed call's error text says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: CallStatus,
    /// The AWS error code, when the text has one.
    pub code: Option<String>,
    /// The first meaningful line of the text.
    pub message: String,
}

/// Classifies `text`, the content of an `.error` file. `region_not_opted_in`
/// says whether the call was made in an opt-in region the account has not
/// enabled, where AWS answers with authentication errors.
pub fn classify(text: &str, region_not_opted_in: bool) -> Failure {
    let message = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
        .to_string();
    let code = error_code(text);
    let status = match code.as_deref() {
        Some(code) => status_for_code(code, text, region_not_opted_in),
        None if text.contains("Could not connect to the endpoint URL") => CallStatus::Error,
        None if text.trim().is_empty() => CallStatus::Error,
        None => CallStatus::Error,
    };
    let message = if message.is_empty() {
        "the call failed and printed nothing".to_string()
    } else {
        message
    };
    Failure {
        status,
        code,
        message,
    }
}

/// The code between the first pair of parentheses after "An error occurred".
fn error_code(text: &str) -> Option<String> {
    let start = text.find("An error occurred (")? + "An error occurred (".len();
    let end = text[start..].find(')')? + start;
    let code = text[start..end].trim();
    (!code.is_empty()).then(|| code.to_string())
}

fn status_for_code(code: &str, text: &str, region_not_opted_in: bool) -> CallStatus {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnauthorizedAccess"
        | "AuthorizationError"
        | "Forbidden" => CallStatus::AccessDenied,
        "OptInRequired" => CallStatus::OptInRegion,
        "AuthFailure" | "UnrecognizedClientException" | "InvalidClientTokenId"
            if region_not_opted_in =>
        {
            CallStatus::OptInRegion
        }
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException"
        | "RequestThrottled"
        | "SlowDown" => CallStatus::Throttled,
        "SubscriptionRequiredException" => CallStatus::NotEnabled,
        // Security Hub says "not subscribed" with this code; other services
        // use it for plain permission problems.
        "InvalidAccessException" if text.contains("not subscribed") => CallStatus::NotEnabled,
        "InvalidAccessException" => CallStatus::AccessDenied,
        "NoSuchEntity"
        | "ReportNotPresent"
        | "ReportExpired"
        | "NoSuchPublicAccessBlockConfiguration"
        | "TrailNotFoundException"
        | "NoSuchConfigurationRecorderException"
        | "ResourceNotFoundException" => CallStatus::NotFound,
        // GuardDuty answers a vanished detector with a generic code.
        "BadRequestException" if text.contains("does not exist") => CallStatus::NotFound,
        _ if code.ends_with(".NotFound") => CallStatus::NotFound,
        _ => CallStatus::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(text: &str) -> CallStatus {
        classify(text, false).status
    }

    #[test]
    fn access_denied_in_its_several_spellings() {
        let cli = "\nAn error occurred (AccessDeniedException) when calling the ListReports operation: \
                   User: arn:aws:sts::1:assumed-role/R/s is not authorized to perform: artifact:ListReports\n";
        let failure = classify(cli, false);
        assert_eq!(failure.status, CallStatus::AccessDenied);
        assert_eq!(failure.code.as_deref(), Some("AccessDeniedException"));
        assert!(
            failure
                .message
                .starts_with("An error occurred (AccessDeniedException)")
        );
        assert_eq!(
            status("An error occurred (UnauthorizedOperation) when calling"),
            CallStatus::AccessDenied
        );
        assert_eq!(
            status("An error occurred (AccessDenied) when calling"),
            CallStatus::AccessDenied
        );
    }

    #[test]
    fn no_password_policy_is_not_found_not_an_error() {
        let text = "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: \
                    The Password Policy with domain name 210987654321 cannot be found.";
        assert_eq!(status(text), CallStatus::NotFound);
    }

    #[test]
    fn security_hub_off_is_not_enabled() {
        let text = "An error occurred (InvalidAccessException) when calling the DescribeHub operation: \
                    Account 210987654321 is not subscribed to AWS Security Hub";
        assert_eq!(status(text), CallStatus::NotEnabled);
    }

    #[test]
    fn no_business_support_plan_is_not_enabled() {
        let text = "An error occurred (SubscriptionRequiredException) when calling the \
                    DescribeTrustedAdvisorChecks operation: AWS Premium Support Subscription is required";
        assert_eq!(status(text), CallStatus::NotEnabled);
    }

    #[test]
    fn throttling_is_throttled() {
        assert_eq!(
            status(
                "An error occurred (ThrottlingException) when calling the X operation: Rate exceeded"
            ),
            CallStatus::Throttled
        );
        assert_eq!(
            status("An error occurred (RequestLimitExceeded) when calling"),
            CallStatus::Throttled
        );
    }

    #[test]
    fn authentication_failure_means_opt_in_only_in_a_region_not_opted_in() {
        let text = "An error occurred (AuthFailure) when calling the DescribeInstances operation: \
                    AWS was not able to validate the provided access credentials";
        assert_eq!(classify(text, true).status, CallStatus::OptInRegion);
        assert_eq!(classify(text, false).status, CallStatus::Error);
    }

    #[test]
    fn text_without_a_code_is_an_error_with_its_first_line_kept() {
        let failure = classify(
            "\n\nCould not connect to the endpoint URL: \"https://x\"\n",
            false,
        );
        assert_eq!(failure.status, CallStatus::Error);
        assert_eq!(failure.code, None);
        assert!(failure.message.starts_with("Could not connect"));
        assert_eq!(
            classify("", false).message,
            "the call failed and printed nothing"
        );
    }

    #[test]
    fn an_answer_that_is_not_aws_is_an_error_not_a_denial() {
        // The AWS CLI names the HTTP status where a proxy's page carried no
        // AWS error; live collection says so in its own words.
        for text in [
            "An error occurred (403) when calling the DescribeInstances operation: Forbidden",
            "The DescribeInstances call failed: HTTP 403, with no AWS error in the answer",
        ] {
            assert_eq!(status(text), CallStatus::Error, "{text}");
        }
    }

    #[test]
    fn missing_credential_report_is_not_found() {
        assert_eq!(
            status(
                "An error occurred (ReportNotPresent) when calling the GetCredentialReport operation"
            ),
            CallStatus::NotFound
        );
    }
}
