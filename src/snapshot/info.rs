//! `snapshot.json`: who was collected, when, by what.

use serde::{Deserialize, Serialize};

/// The format name and version written into every snapshot.
pub const FORMAT: &str = "auditpack-snapshot/1";

/// How the evidence came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Read from a folder of AWS CLI exports.
    Exports,
    /// Collected live through the AWS SDK.
    Live,
}

/// The description of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub format: String,
    pub tool: Tool,
    pub source: Source,
    /// When this snapshot was written (RFC 3339, UTC). The only field that
    /// differs between two imports of the same export; `SOURCE_DATE_EPOCH`
    /// fixes it.
    pub collected_at: String,
    /// The instant the evidence describes, which checks measure ages
    /// against: for an export, when its credential report was generated
    /// (the export script generates one at the start); otherwise the
    /// collection time.
    pub as_of: String,
    pub accounts: Vec<AccountScope>,
}

/// The tool that wrote a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    /// This build of auditpack.
    pub fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// One account and the regions collected for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountScope {
    pub account_id: String,
    /// The instant this account's evidence describes (its credential
    /// report's time), where it differs from the snapshot's: an export of
    /// several accounts may have been made over hours or days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Whose credentials made the calls (`sts get-caller-identity`), where
    /// known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_arn: Option<String>,
    /// Regions whose calls are in the snapshot, sorted.
    pub regions: Vec<String>,
    /// Regions the account has (per `ec2 describe-regions`) that are not in
    /// the snapshot, and why. Checks that need every region report these
    /// regions as not assessed.
    #[serde(default)]
    pub regions_not_collected: Vec<RegionGap>,
}

/// A region of the account that the snapshot does not cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionGap {
    pub region: String,
    /// [`RegionGap::NOT_EXPORTED`], [`RegionGap::NOT_REQUESTED`] or
    /// [`RegionGap::OPT_IN_REGION`].
    pub reason: String,
}

impl RegionGap {
    /// Enabled for the account, but the export did not include it.
    pub const NOT_EXPORTED: &str = "not-exported";
    /// Enabled for the account, but not collected live: the user named
    /// other regions with `--region`.
    pub const NOT_REQUESTED: &str = "not-requested";
    /// An opt-in region the account has not enabled: it holds nothing.
    pub const OPT_IN_REGION: &str = "opt-in-region";

    /// Whether the region is enabled for the account and was left out, so
    /// that it may hold resources nobody has seen: its regional checks are
    /// not assessed. Anything but an opt-in region not enabled counts, so
    /// that a reason this build does not know is never taken for "empty".
    pub fn left_out(&self) -> bool {
        self.reason != Self::OPT_IN_REGION
    }
}
