//! Counting a collection log per account, region and service, for the
//! summary people read after a collection.

use super::log::{ANY, CallStatus, CollectionLog, LogEntry};
use serde::Serialize;
use std::collections::BTreeMap;

/// The calls of one service in one region of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceTally {
    pub account_id: String,
    pub region: String,
    pub service: String,
    pub calls: usize,
    pub ok: usize,
    /// Calls that did not answer fully, by status.
    pub not_ok: BTreeMap<CallStatus, usize>,
    /// Resources listed by the calls that answered.
    pub resources: usize,
}

/// One row per account, region and service, `global` first, then regions
/// in name order, services in name order. Entries that stand for a whole
/// region left out are not counted here; see [`regions_left_out`].
pub fn tally(log: &CollectionLog) -> Vec<ServiceTally> {
    let mut rows: BTreeMap<(String, bool, String, String), ServiceTally> = BTreeMap::new();
    for entry in log.entries.iter().filter(|e| e.service != ANY) {
        let key = (
            entry.account_id.clone(),
            entry.region != super::GLOBAL,
            entry.region.clone(),
            entry.service.clone(),
        );
        let row = rows.entry(key).or_insert_with(|| ServiceTally {
            account_id: entry.account_id.clone(),
            region: entry.region.clone(),
            service: entry.service.clone(),
            ..ServiceTally::default()
        });
        row.calls += 1;
        if entry.status.is_ok() {
            row.ok += 1;
        } else {
            *row.not_ok.entry(entry.status).or_default() += 1;
        }
        if matches!(entry.status, CallStatus::Ok | CallStatus::Incomplete) {
            row.resources += entry.resources.unwrap_or(0);
        }
    }
    rows.into_values().collect()
}

/// The calls that did not answer fully, in log order.
pub fn not_ok(log: &CollectionLog) -> impl Iterator<Item = &LogEntry> {
    log.entries
        .iter()
        .filter(|e| !e.status.is_ok() && e.service != ANY)
}

/// Whole regions left out, by account and status (`missing`: enabled but
/// not collected; `opt-in-region`: not enabled for the account).
pub fn regions_left_out(
    log: &CollectionLog,
) -> BTreeMap<String, BTreeMap<CallStatus, Vec<String>>> {
    let mut out: BTreeMap<String, BTreeMap<CallStatus, Vec<String>>> = BTreeMap::new();
    for entry in log.entries.iter().filter(|e| e.service == ANY) {
        out.entry(entry.account_id.clone())
            .or_default()
            .entry(entry.status)
            .or_default()
            .push(entry.region.clone());
    }
    out
}
