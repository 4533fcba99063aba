//! Making one AWS call: a bounded number in flight, throttling and
//! passing server faults backed off and retried, every page followed, and
//! a failure put in the words the AWS CLI would have printed.
//!
//! The SDK's own retries are turned off for collection calls so that the
//! attempts made can be counted and recorded; the number of attempts is the
//! one the user's AWS configuration sets (`AWS_MAX_ATTEMPTS`,
//! `max_attempts` in a profile), or three.

use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Error codes with which AWS says "too many requests, slow down".
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "BandwidthLimitExceeded",
    "ProvisionedThroughputExceededException",
];

/// Why a call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The AWS error code, when AWS sent one.
    pub code: Option<String>,
    /// What AWS or the connection said, on one line.
    pub message: String,
    /// The HTTP status of AWS's answer, when there was one.
    pub http_status: Option<u16>,
    /// The request never reached AWS, or no answer came in time.
    pub unreachable: bool,
}

impl Failure {
    /// Reads an SDK error into a failure.
    pub fn from_sdk<E>(err: SdkError<E, HttpResponse>) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let http_status = err.raw_response().map(|r| r.status().as_u16());
        let unreachable = matches!(
            err,
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)
        );
        let code = err.code().map(str::to_string);
        let message = match (err.message(), http_status) {
            (Some(message), _) if !message.trim().is_empty() => one_line(message),
            // An answer that is not an AWS error (an HTML page from a proxy
            // or an emulator): its status is all that can be said of it.
            (_, Some(status)) => format!("HTTP {status}, with no AWS error in the answer"),
            (_, None) => one_line(&sdk_text(&err)),
        };
        Failure {
            code,
            message,
            http_status,
            unreachable,
        }
    }

    /// A failure auditpack decided on itself, such as a listing whose
    /// pages never end.
    pub fn local(message: impl Into<String>) -> Failure {
        Failure {
            code: None,
            message: message.into(),
            http_status: None,
            unreachable: false,
        }
    }

    /// The HTTP status of an answer that carried no AWS error at all: a
    /// page from an intercepting proxy, or a server that is not AWS (a
    /// wrong `AWS_ENDPOINT_URL`). AWS always names its errors, so such an
    /// answer says nothing about the credentials.
    pub fn not_aws(&self) -> Option<u16> {
        match (&self.code, self.http_status) {
            (None, Some(status)) => Some(status),
            _ => None,
        }
    }

    pub fn is_throttling(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|code| THROTTLING.contains(&code))
            || self.http_status == Some(429)
    }

    /// Whether trying again may help: throttling, a server fault, a
    /// connection that dropped or timed out.
    pub fn is_transient(&self) -> bool {
        self.is_throttling()
            || self.unreachable
            || self.http_status.is_some_and(|status| status >= 500)
    }

    /// The text of the call's `.error` file, as the AWS CLI prints a failed
    /// call, so that live snapshots and exports read alike.
    pub fn cli_text(&self, operation: &str) -> String {
        let api_name = api_name(operation);
        match &self.code {
            Some(code) => format!(
                "An error occurred ({code}) when calling the {api_name} operation: {}\n",
                self.message
            ),
            None => format!("The {api_name} call failed: {}\n", self.message),
        }
    }
}

/// The SDK's whole error chain, which names the cause ("connection
/// refused") where its own display says only "dispatch failure".
fn sdk_text<E, R>(err: &SdkError<E, R>) -> String
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    chain(err)
}

/// An error and its causes on one line, each said once.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        let said = inner.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = inner.source();
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `describe-security-groups` as the API names it: `DescribeSecurityGroups`.
pub fn api_name(operation: &str) -> String {
    operation
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// How a call went, besides its answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effort {
    /// Pages fetched (1 for calls that do not page).
    pub pages: u32,
    /// Requests sent, retries included.
    pub attempts: u32,
    /// Requests AWS answered with throttling.
    pub throttled: u32,
    pub duration: Duration,
}

/// What every call shares: the limit on requests in flight and the
/// retry policy.
#[derive(Clone)]
pub struct Caller {
    in_flight: Arc<Semaphore>,
    /// What the user should hear about once collection is done: a report
    /// asked for that AWS does not list, a resource left out.
    warnings: Arc<std::sync::Mutex<Vec<String>>>,
    max_attempts: u32,
    backoff_base: Duration,
}

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Pages a listing may have before auditpack stops following it; far
/// beyond any account's, and a guard against an endpoint whose tokens
/// never end.
const MAX_PAGES: u32 = 100_000;

/// An SDK error, as every service's requests return it.
pub type SdkFailure<E> = SdkError<E, HttpResponse>;

impl Caller {
    /// [`Caller::once`] for an SDK request, its error read as a [`Failure`].
    pub async fn sdk<T, E, F, Fut>(&self, effort: &mut Effort, mut request: F) -> Result<T, Failure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkFailure<E>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.once(effort, || {
            let sent = request();
            async move { sent.await.map_err(Failure::from_sdk) }
        })
        .await
    }

    pub fn new(max_in_flight: usize, max_attempts: u32, backoff_base: Duration) -> Caller {
        Caller {
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
            warnings: Arc::default(),
            max_attempts: max_attempts.max(1),
            backoff_base,
        }
    }

    /// Notes something the user should hear about when collection ends.
    pub fn warn(&self, text: String) {
        tracing::debug!("{text}");
        self.warnings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(text);
    }

    /// What was noted with [`Caller::warn`], in order.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Sends one request, retrying transient failures with exponential
    /// backoff and jitter.
    pub async fn once<T, F, Fut>(&self, effort: &mut Effort, mut request: F) -> Result<T, Failure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let started = Instant::now();
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            let outcome = {
                // A closed semaphore is never made: acquiring cannot fail.
                let _permit = self.in_flight.acquire().await.expect("semaphore open");
                request().await
            };
            effort.attempts += 1;
            match outcome {
                Err(failure) if failure.is_transient() && attempt < self.max_attempts => {
                    if failure.is_throttling() {
                        effort.throttled += 1;
                    }
                    tracing::debug!(
                        attempt,
                        code = failure.code.as_deref().unwrap_or("none"),
                        "retrying: {}",
                        failure.message
                    );
                    tokio::time::sleep(self.backoff(attempt)).await;
                }
                Err(failure) => {
                    if failure.is_throttling() {
                        effort.throttled += 1;
                    }
                    break Err(failure);
                }
                Ok(value) => break Ok(value),
            }
        };
        effort.pages += 1;
        effort.duration += started.elapsed();
        result
    }

    /// Follows every page of a listing: `page` is called with the previous
    /// page's token and returns that page's items and the next token.
    pub async fn pages<T, F, Fut>(
        &self,
        effort: &mut Effort,
        mut page: F,
    ) -> Result<Vec<T>, Failure>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<String>), Failure>>,
    {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let asked = token.clone();
            let (mut page_items, next) = self.once(effort, || page(asked.clone())).await?;
            items.append(&mut page_items);
            match next.filter(|next| !next.is_empty()) {
                Some(next) if Some(&next) == token.as_ref() => {
                    return Err(Failure::local(format!(
                        "the listing returned the same page token twice (`{next}`); its pages never end"
                    )));
                }
                Some(_) if effort.pages >= MAX_PAGES => {
                    return Err(Failure::local(format!(
                        "the listing went on past {MAX_PAGES} pages; stopped following it"
                    )));
                }
                Some(next) => token = Some(next),
                None => return Ok(items),
            }
        }
    }

    /// Full jitter: a random wait up to base × 2^(attempt−1), capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .backoff_base
            .saturating_mul(1 << (attempt - 1).min(16))
            .min(MAX_BACKOFF);
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let fraction = (random % 1_000) as f64 / 1_000.0;
        ceiling.mul_f64(0.5 + fraction / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn throttled() -> Failure {
        Failure {
            code: Some("ThrottlingException".into()),
            message: "Rate exceeded".into(),
            http_status: Some(400),
            unreachable: false,
        }
    }

    fn caller() -> Caller {
        Caller::new(2, 4, Duration::from_millis(1))
    }

    #[tokio::test]
    async fn a_throttled_call_is_retried_until_it_answers() {
        let tries = AtomicU32::new(0);
        let mut effort = Effort::default();
        let answer = caller()
            .once(&mut effort, || async {
                if tries.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(throttled())
                } else {
                    Ok(42)
                }
            })
            .await;
        assert_eq!(answer, Ok(42));
        assert_eq!((effort.attempts, effort.throttled, effort.pages), (3, 2, 1));
    }

    #[tokio::test]
    async fn throttling_that_never_stops_gives_up_after_the_attempts_allowed() {
        let mut effort = Effort::default();
        let answer: Result<(), Failure> = caller()
            .once(&mut effort, || async { Err(throttled()) })
            .await;
        assert_eq!(answer, Err(throttled()));
        assert_eq!((effort.attempts, effort.throttled), (4, 4));
    }

    #[tokio::test]
    async fn access_denied_is_not_retried() {
        let denied = Failure {
            code: Some("AccessDeniedException".into()),
            message: "not authorized".into(),
            http_status: Some(400),
            unreachable: false,
        };
        let mut effort = Effort::default();
        let answer: Result<(), Failure> = caller()
            .once(&mut effort, || {
                let denied = denied.clone();
                async move { Err(denied) }
            })
            .await;
        assert!(answer.is_err());
        assert_eq!(effort.attempts, 1);
    }

    #[tokio::test]
    async fn every_page_is_followed_and_a_token_that_repeats_is_refused() {
        let mut effort = Effort::default();
        let items = caller()
            .pages(&mut effort, |token| async move {
                Ok(match token.as_deref() {
                    None => (vec![1, 2], Some("a".to_string())),
                    Some("a") => (vec![3], Some("b".to_string())),
                    _ => (vec![4], Some(String::new())),
                })
            })
            .await;
        assert_eq!(items, Ok(vec![1, 2, 3, 4]));
        assert_eq!(effort.pages, 3);

        let mut effort = Effort::default();
        let stuck = caller()
            .pages(&mut effort, |_| async {
                Ok((vec![1], Some("same".to_string())))
            })
            .await;
        assert!(stuck.unwrap_err().message.contains("same page token twice"));
    }

    #[test]
    fn failures_read_as_the_cli_prints_them() {
        assert_eq!(
            throttled().cli_text("describe-security-groups"),
            "An error occurred (ThrottlingException) when calling the DescribeSecurityGroups \
             operation: Rate exceeded\n"
        );
        let text = Failure::local("no answer").cli_text("list-users");
        assert_eq!(text, "The ListUsers call failed: no answer\n");
        let classified = crate::collect::classify::classify(&throttled().cli_text("x-y"), false);
        assert_eq!(
            classified.status,
            crate::snapshot::log::CallStatus::Throttled
        );
    }
}
