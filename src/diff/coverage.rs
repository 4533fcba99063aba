//! What each side could see: the regions collected for each account, and
//! how every call went (`snapshot.json` and `collection-log.json`).
//!
//! A change is a change only where both sides looked. A security group
//! missing from a region that was not collected this quarter was not
//! removed, and a failing finding whose call was denied was not resolved:
//! the evidence went, not the fault. Such differences are changes of
//! coverage, and less evidence is never an improvement.

use super::source::Source;
use super::{CoverageChange, DiffError, Direction};
use crate::snapshot::GLOBAL;
use crate::snapshot::info::SnapshotInfo;
use crate::snapshot::log::{ANY, CallStatus, CollectionLog};
use std::collections::{BTreeMap, BTreeSet};

/// The region of a coverage change that speaks of a whole account.
pub const WHOLE_ACCOUNT: &str = "*";

/// One call, as the collection log names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CallKey {
    account_id: String,
    region: String,
    service: String,
    operation: String,
    resource: Option<String>,
}

/// What one side could see.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// The regions collected, per account.
    regions: BTreeMap<String, BTreeSet<String>>,
    /// Why a region of an account was not collected.
    gaps: BTreeMap<(String, String), String>,
    calls: BTreeMap<CallKey, CallStatus>,
}

/// Whether a call's status is an answer to judge by: its output, or a
/// definite "there is none" or "the service is off".
fn answers(status: CallStatus) -> bool {
    matches!(
        status,
        CallStatus::Ok | CallStatus::NotFound | CallStatus::NotEnabled
    )
}

impl Coverage {
    pub fn read(source: &mut dyn Source) -> Result<Coverage, DiffError> {
        let info: SnapshotInfo = read_json(source, "data/snapshot/snapshot.json")?;
        let log: CollectionLog = read_json(source, "data/snapshot/collection-log.json")?;
        let mut coverage = Coverage::default();
        for account in info.accounts {
            for gap in account.regions_not_collected {
                coverage
                    .gaps
                    .insert((account.account_id.clone(), gap.region), gap.reason);
            }
            let regions = account.regions.into_iter().collect();
            coverage.regions.insert(account.account_id, regions);
        }
        for entry in log.entries.into_iter().filter(|e| e.service != ANY) {
            let key = CallKey {
                account_id: entry.account_id,
                region: entry.region,
                service: entry.service,
                operation: entry.operation,
                resource: entry.resource,
            };
            coverage.calls.insert(key, entry.status);
        }
        Ok(coverage)
    }

    /// Whether `region` of `account` was collected (`global` is, for
    /// every account the side covers).
    pub fn collected(&self, account: &str, region: &str) -> bool {
        self.regions
            .get(account)
            .is_some_and(|regions| region == GLOBAL || regions.contains(region))
    }

    /// Whether a call answered in `region` of `account`, for `resource`
    /// when it is made once per resource.
    pub fn answered(
        &self,
        account: &str,
        region: &str,
        service: &str,
        operation: &str,
        resource: Option<&str>,
    ) -> bool {
        if !self.collected(account, region) {
            return false;
        }
        let key = CallKey {
            account_id: account.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            operation: operation.to_string(),
            resource: resource.map(str::to_string),
        };
        self.calls.get(&key).is_some_and(|s| answers(*s))
    }

    fn why_not(&self, account: &str, region: &str) -> String {
        self.gaps
            .get(&(account.to_string(), region.to_string()))
            .map(|reason| format!("not collected ({reason})"))
            .unwrap_or_else(|| "not collected".into())
    }
}

fn read_json<T: serde::de::DeserializeOwned>(
    source: &mut dyn Source,
    path: &str,
) -> Result<T, DiffError> {
    let bytes = source.read(path)?;
    serde_json::from_slice(&bytes).map_err(|e| DiffError {
        path: path.to_string(),
        what: format!("not what auditpack writes ({e})"),
    })
}

/// Regions and calls that one side saw and the other did not, for the
/// accounts both cover. A region collected on one side only is one change,
/// not one per call; a call made once per resource is compared only where
/// both sides made it (a trail deleted has no status to fetch).
pub fn compare(old: &Coverage, new: &Coverage) -> Vec<CoverageChange> {
    let mut out = Vec::new();
    let accounts: BTreeSet<&String> = old
        .regions
        .keys()
        .filter(|a| new.regions.contains_key(*a))
        .collect();
    for account in &accounts {
        let (before, after) = (&old.regions[*account], &new.regions[*account]);
        for region in before.union(after) {
            let (was, is) = (before.contains(region), after.contains(region));
            if was == is {
                continue;
            }
            out.push(CoverageChange {
                account_id: account.to_string(),
                region: region.clone(),
                call: None,
                resource: None,
                before: if was {
                    "collected".into()
                } else {
                    old.why_not(account, region)
                },
                after: if is {
                    "collected".into()
                } else {
                    new.why_not(account, region)
                },
                direction: if is {
                    Direction::Better
                } else {
                    Direction::Worse
                },
            });
        }
    }
    // An account one side covers and the other does not (compared only
    // when the user allows bundles of different accounts).
    for (account, lost) in old
        .regions
        .keys()
        .filter(|a| !new.regions.contains_key(*a))
        .map(|a| (a, true))
        .chain(
            new.regions
                .keys()
                .filter(|a| !old.regions.contains_key(*a))
                .map(|a| (a, false)),
        )
    {
        let (before, after) = if lost {
            ("collected", "not in the bundle")
        } else {
            ("not in the bundle", "collected")
        };
        out.push(CoverageChange {
            account_id: account.clone(),
            region: WHOLE_ACCOUNT.into(),
            call: None,
            resource: None,
            before: before.into(),
            after: after.into(),
            direction: if lost {
                Direction::Worse
            } else {
                Direction::Better
            },
        });
    }
    let keys: BTreeSet<&CallKey> = old.calls.keys().chain(new.calls.keys()).collect();
    for key in keys {
        if !accounts.contains(&key.account_id)
            || !old.collected(&key.account_id, &key.region)
            || !new.collected(&key.account_id, &key.region)
        {
            continue;
        }
        let (b, a) = (old.calls.get(key), new.calls.get(key));
        if key.resource.is_some() && (b.is_none() || a.is_none()) {
            continue;
        }
        let (was, is) = (
            b.is_some_and(|s| answers(*s)),
            a.is_some_and(|s| answers(*s)),
        );
        if was == is {
            continue;
        }
        let status = |s: Option<&CallStatus>| {
            s.map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "not in the snapshot".into())
        };
        out.push(CoverageChange {
            account_id: key.account_id.clone(),
            region: key.region.clone(),
            call: Some(format!("{} {}", key.service, key.operation)),
            resource: key.resource.clone(),
            before: status(b),
            after: status(a),
            direction: if is {
                Direction::Better
            } else {
                Direction::Worse
            },
        });
    }
    out.sort_by(|a, b| {
        (a.direction, &a.account_id, &a.region).cmp(&(b.direction, &b.account_id, &b.region))
    });
    out
}
