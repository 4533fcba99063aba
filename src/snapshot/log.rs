//! `collection-log.json`: every call a collection expected, and how it went.
//!
//! A failed call is evidence too: the log says what could not be seen, and a
//! check that needs it reports "not assessed", never "pass".

use serde::{Deserialize, Serialize};

/// How one expected call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallStatus {
    /// The call answered; its output is in the snapshot.
    Ok,
    /// The credentials were not allowed to make the call.
    AccessDenied,
    /// The thing asked for does not exist. For some calls that is the answer
    /// itself: no password policy, no S3 account-level public access block.
    NotFound,
    /// The service is not enabled or not subscribed (Security Hub off,
    /// no Business support plan for Trusted Advisor).
    NotEnabled,
    /// The region is an opt-in region this account has not enabled.
    OptInRegion,
    /// AWS kept throttling the call.
    Throttled,
    /// The call failed for another reason; `detail` says which.
    Error,
    /// The call was expected but the export holds no file for it.
    Missing,
    /// The call answered, but only its first page is present.
    Incomplete,
}

impl CallStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [CallStatus; 9] = [
        CallStatus::Ok,
        CallStatus::Incomplete,
        CallStatus::NotFound,
        CallStatus::NotEnabled,
        CallStatus::AccessDenied,
        CallStatus::OptInRegion,
        CallStatus::Throttled,
        CallStatus::Error,
        CallStatus::Missing,
    ];

    /// The name used in JSON and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Ok => "ok",
            CallStatus::AccessDenied => "access-denied",
            CallStatus::NotFound => "not-found",
            CallStatus::NotEnabled => "not-enabled",
            CallStatus::OptInRegion => "opt-in-region",
            CallStatus::Throttled => "throttled",
            CallStatus::Error => "error",
            CallStatus::Missing => "missing",
            CallStatus::Incomplete => "incomplete",
        }
    }

    /// Whether the call's full answer is in the snapshot.
    pub fn is_ok(self) -> bool {
        self == CallStatus::Ok
    }
}

impl std::fmt::Display for CallStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stands for "every service" or "every operation" in an entry that speaks
/// of a whole region that was not collected.
pub const ANY: &str = "*";

/// One expected call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub account_id: String,
    /// A region name, or `global` for account-wide calls.
    pub region: String,
    pub service: String,
    pub operation: String,
    /// For calls made once per resource: the resource (detector, trail,
    /// Trusted Advisor check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub status: CallStatus,
    /// The file in the snapshot holding the output or the error text,
    /// relative to the snapshot folder, with `/` separators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// How many resources the answer lists, where it lists any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<usize>,
    /// The AWS error code of a failed call (`AccessDeniedException`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// One line a person can read: why the call is not `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Pages fetched (live collection only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Time the call took, retries included (live collection only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Requests sent, retries included (live collection only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// Requests AWS answered with throttling, each backed off and retried
    /// while attempts remained (live collection only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttled: Option<u32>,
}

/// A file of an export that auditpack did not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Relative to the export folder, with `/` separators.
    pub path: String,
    pub reason: String,
}

/// The whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionLog {
    pub entries: Vec<LogEntry>,
    /// Files of the export that are not calls auditpack reads. They are not
    /// copied into the snapshot.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
}

impl CollectionLog {
    /// The entry for one call, if the log has it.
    pub fn find(
        &self,
        account_id: &str,
        region: &str,
        service: &str,
        operation: &str,
        resource: Option<&str>,
    ) -> Option<&LogEntry> {
        self.entries.iter().find(|e| {
            e.account_id == account_id
                && e.region == region
                && e.service == service
                && e.operation == operation
                && e.resource.as_deref() == resource
        })
    }
}
