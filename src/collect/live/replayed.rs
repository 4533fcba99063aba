//! The services no emulator holds, answered through the SDK's own HTTP
//! seam. Each test gives the wire answers the real service sends (status,
//! headers, body, in its protocol: awsJson for Systems Manager and
//! Support, restJson for Security Hub, GuardDuty and Artifact); the SDK
//! parses them as it would AWS's, and the collection records what it would
//! record from AWS: the answer as the CLI prints it, or the failure, with
//! every attempt counted.

use super::call::Caller;
use super::{Record, Scope, monitoring, provider};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;
use serde_json::json;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One answer on the wire.
struct Answer {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: String,
}

fn ok_json(body: serde_json::Value) -> Answer {
    Answer {
        status: 200,
        headers: vec![("content-type", "application/x-amz-json-1.1")],
        body: body.to_string(),
    }
}

fn ok_rest(body: serde_json::Value) -> Answer {
    Answer {
        status: 200,
        headers: vec![("content-type", "application/json")],
        body: body.to_string(),
    }
}

/// An awsJson 1.1 error, as Systems Manager and Support send one.
fn json_error(status: u16, code: &'static str, message: &str) -> Answer {
    Answer {
        status,
        headers: vec![("content-type", "application/x-amz-json-1.1")],
        body: json!({ "__type": code, "message": message }).to_string(),
    }
}

/// A restJson error, with its code in `x-amzn-ErrorType`.
fn rest_error(status: u16, code: &'static str, message: &str) -> Answer {
    Answer {
        status,
        headers: vec![
            ("content-type", "application/json"),
            ("x-amzn-errortype", code),
        ],
        body: json!({ "message": message }).to_string(),
    }
}

/// Answers requests in turn from a script, and keeps what was asked.
#[derive(Clone, Default)]
struct Replay {
    answers: Arc<Mutex<VecDeque<Answer>>>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Replay")
    }
}

impl HttpConnector for Replay {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request
            .headers()
            .get("x-amz-target")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {}", request.method(), request.uri()));
        self.asked.lock().unwrap().push(target);
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("a request the test gave no answer for");
        let mut response = Response::new(
            StatusCode::try_from(answer.status).unwrap(),
            SdkBody::from(answer.body),
        );
        for (name, value) in answer.headers {
            response.headers_mut().insert(name, value);
        }
        HttpConnectorFuture::ready(Ok(response))
    }
}

impl Replay {
    fn new(answers: Vec<Answer>) -> Replay {
        Replay {
            answers: Arc::new(Mutex::new(answers.into())),
            asked: Arc::default(),
        }
    }

    /// An SDK configuration whose every request this replay answers,
    /// with the SDK's own retries off, as collection runs it.
    fn config(&self) -> SdkConfig {
        let replay = self.clone();
        SdkConfig::builder()
            .http_client(http_client_fn(move |_, _| {
                SharedHttpConnector::new(replay.clone())
            }))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDREPLAY",
                "replayed-secret",
                None,
                None,
                "replay",
            )))
            .region(Region::new("eu-west-2"))
            .behavior_version(BehaviorVersion::latest())
            .retry_config(RetryConfig::disabled())
            .build()
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    fn left(&self) -> usize {
        self.answers.lock().unwrap().len()
    }
}

/// Three attempts a call, as AWS's default, with waits short enough for
/// a test.
fn caller() -> Caller {
    Caller::new(4, 3, Duration::from_millis(1))
}

fn scope<'a>(caller: &'a Caller, config: &'a SdkConfig) -> Scope<'a> {
    Scope {
        caller,
        config,
        account: "111122223333",
        region: "eu-west-2",
    }
}

fn answered(record: &Record) -> &serde_json::Value {
    match &record.outcome {
        Ok(value) => value,
        Err(failure) => panic!("{}: {failure:?}", record.operation),
    }
}

#[tokio::test]
async fn managed_nodes_follow_every_page_as_the_cli_prints_them() {
    let replay = Replay::new(vec![
        ok_json(json!({
            "InstanceInformationList": [{
                "InstanceId": "i-0a1b2c3d4e5f60718", "PingStatus": "Online",
                "LastPingDateTime": 1796382804.0, "PlatformType": "Linux",
                "ResourceType": "EC2Instance", "AgentVersion": "3.3.987.0"
            }],
            "NextToken": "page-2"
        })),
        ok_json(json!({
            "InstanceInformationList": [{
                "InstanceId": "mi-07c486908c9edbf7f", "PingStatus": "ConnectionLost",
                "ResourceType": "ManagedInstance", "Name": "nbch-pas-integration-01"
            }]
        })),
    ]);
    let (caller, config) = (caller(), replay.config());
    let record = monitoring::managed_nodes(&scope(&caller, &config)).await;
    let nodes = answered(&record)["InstanceInformationList"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = nodes
        .iter()
        .map(|n| n["InstanceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["i-0a1b2c3d4e5f60718", "mi-07c486908c9edbf7f"]);
    assert_eq!(nodes[0]["LastPingDateTime"], "2026-12-04T11:13:24Z");
    assert_eq!(nodes[1]["PingStatus"], "ConnectionLost");
    assert_eq!((record.effort.pages, record.effort.attempts), (2, 2));
    assert_eq!(replay.asked(), ["AmazonSSM.DescribeInstanceInformation"; 2]);
}

#[tokio::test]
async fn a_throttled_call_is_retried_until_it_answers_and_the_throttling_counted() {
    let replay = Replay::new(vec![
        json_error(400, "ThrottlingException", "Rate exceeded"),
        json_error(400, "ThrottlingException", "Rate exceeded"),
        ok_json(json!({ "InstanceInformationList": [] })),
    ]);
    let (caller, config) = (caller(), replay.config());
    let record = monitoring::managed_nodes(&scope(&caller, &config)).await;
    assert_eq!(answered(&record)["InstanceInformationList"], json!([]));
    assert_eq!(record.effort.attempts, 3);
    assert_eq!(record.effort.throttled, 2);
}

#[tokio::test]
async fn throttling_that_does_not_stop_gives_up_after_three_attempts() {
    let replay = Replay::new(
        (0..3)
            .map(|_| json_error(400, "ThrottlingException", "Rate exceeded"))
            .collect(),
    );
    let (caller, config) = (caller(), replay.config());
    let record = monitoring::managed_nodes(&scope(&caller, &config)).await;
    let failure = record.outcome.as_ref().unwrap_err();
    assert_eq!(failure.code.as_deref(), Some("ThrottlingException"));
    assert_eq!((record.effort.attempts, record.effort.throttled), (3, 3));
    assert_eq!(replay.left(), 0);
}

#[tokio::test]
async fn a_denied_call_is_recorded_with_aws_s_words_and_not_retried() {
    let denied = "User: arn:aws:sts::111122223333:assumed-role/Audit/x is not authorized to \
                  perform: securityhub:GetEnabledStandards";
    let replay = Replay::new(vec![
        ok_rest(json!({
            "HubArn": "arn:aws:securityhub:eu-west-2:111122223333:hub/default",
            "SubscribedAt": "2024-03-01T10:00:00.000Z",
            "AutoEnableControls": true
        })),
        rest_error(403, "AccessDeniedException", denied),
    ]);
    let (caller, config) = (caller(), replay.config());
    let records = monitoring::security_hub(&scope(&caller, &config)).await;
    assert_eq!(
        answered(&records[0])["HubArn"],
        "arn:aws:securityhub:eu-west-2:111122223333:hub/default"
    );
    let failure = records[1].outcome.as_ref().unwrap_err();
    assert_eq!(failure.code.as_deref(), Some("AccessDeniedException"));
    assert_eq!(failure.http_status, Some(403));
    assert!(failure.message.contains(denied), "{}", failure.message);
    assert_eq!(records[1].effort.attempts, 1);
}

#[tokio::test]
async fn a_server_fault_is_retried() {
    let replay = Replay::new(vec![
        rest_error(500, "InternalServerErrorException", "internal error"),
        ok_rest(json!({ "detectorIds": [] })),
    ]);
    let (caller, config) = (caller(), replay.config());
    let records = monitoring::guardduty(&scope(&caller, &config)).await;
    assert_eq!(answered(&records[0])["DetectorIds"], json!([]));
    assert_eq!(records[0].effort.attempts, 2);
    assert_eq!(records.len(), 1, "no detector to describe");
}

#[tokio::test]
async fn artifact_reports_are_listed_with_their_version_period_and_series() {
    let replay = Replay::new(vec![ok_rest(json!({
        "reports": [{
            "id": "report-WPimYEf3DCafnEUv", "name": "ISO/IEC 27001:2022 Certification",
            "arn": "arn:aws:artifact:us-east-1::report/report-WPimYEf3DCafnEUv:5",
            "version": 5, "state": "PUBLISHED", "series": "ISO Certification",
            "category": "Certifications and Attestations",
            "periodStart": "2025-10-01T00:00:00Z", "periodEnd": "2026-09-30T00:00:00Z",
            "acceptanceType": "EXPLICIT"
        }]
    }))]);
    let (caller, config) = (caller(), replay.config());
    let records = provider::artifact(&scope(&caller, &config), &[]).await;
    let report = &answered(&records[0])["reports"][0];
    assert_eq!(report["version"], 5);
    assert_eq!(report["series"], "ISO Certification");
    assert_eq!(report["periodEnd"], "2026-09-30T00:00:00Z");
    assert_eq!(report["acceptanceType"], "EXPLICIT");
}

#[tokio::test]
async fn trusted_advisor_results_are_fetched_for_the_security_checks_only() {
    let check = |id: &str, category: &str| {
        json!({ "id": id, "name": format!("check {id}"), "description": "",
                "category": category, "metadata": ["Region", "Status", null] })
    };
    let replay = Replay::new(vec![
        ok_json(json!({ "checks": [
            check("HCP4007jGY", "security"),
            check("Qch7DwouX1", "cost_optimizing"),
        ] })),
        ok_json(json!({ "result": {
            "checkId": "HCP4007jGY", "timestamp": "2026-11-30T08:00:00Z", "status": "error",
            "resourcesSummary": { "resourcesProcessed": 3, "resourcesFlagged": 1,
                                  "resourcesIgnored": 0, "resourcesSuppressed": 0 },
            "categorySpecificSummary": { "costOptimizing": {
                "estimatedMonthlySavings": 0.0, "estimatedPercentMonthlySavings": 0.0 } },
            "flaggedResources": [{ "status": "error", "resourceId": "r-1",
                                   "metadata": ["eu-west-2", "Red", null] }]
        } })),
    ]);
    let (caller, config) = (caller(), replay.config());
    let records = provider::trusted_advisor(&scope(&caller, &config)).await;
    assert_eq!(records.len(), 2, "the checks, and one result");
    let result = answered(&records[1]);
    assert_eq!(result["result"]["checkId"], "HCP4007jGY");
    assert_eq!(result["result"]["status"], "error");
    assert_eq!(
        result["result"]["flaggedResources"][0]["metadata"],
        json!(["eu-west-2", "Red", null])
    );
    assert_eq!(
        replay.asked(),
        [
            "AWSSupport_20130415.DescribeTrustedAdvisorChecks",
            "AWSSupport_20130415.DescribeTrustedAdvisorCheckResult"
        ]
    );
}

#[tokio::test]
async fn an_audit_manager_assessment_not_found_is_recorded_for_that_assessment() {
    let replay = Replay::new(vec![rest_error(
        404,
        "ResourceNotFoundException",
        "The assessment was not found",
    )]);
    let (caller, config) = (caller(), replay.config());
    let id = "a1f3c5e7-2b4d-4f60-8a1c-3e5f7a9b0c2d".to_string();
    let records =
        provider::audit_manager(&scope(&caller, &config), std::slice::from_ref(&id)).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].resource.as_deref(), Some(id.as_str()));
    let failure = records[0].outcome.as_ref().unwrap_err();
    assert_eq!(failure.code.as_deref(), Some("ResourceNotFoundException"));
    assert_eq!(failure.http_status, Some(404));
}
