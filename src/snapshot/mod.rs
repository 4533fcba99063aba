//! The snapshot: one folder holding the raw evidence of one collection, in
//! the AWS CLI's own JSON, with a description (`snapshot.json`) and a log of
//! every call that was expected (`collection-log.json`).
//!
//! Live collection and import both write this format, and every later stage
//! reads only this format. See `docs/export-layout.md`.

pub mod catalogue;
pub mod info;
pub mod log;
pub mod read;
pub mod shapes;
pub mod tally;

/// The description file at the top of a snapshot.
pub const SNAPSHOT_FILE: &str = "snapshot.json";
/// The collection log at the top of a snapshot.
pub const LOG_FILE: &str = "collection-log.json";
/// The folder name used for account-wide calls instead of a region.
pub const GLOBAL: &str = "global";
