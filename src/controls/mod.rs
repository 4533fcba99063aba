//! Controls: the frameworks' controls and which checks are evidence for
//! them, read from the CSV files in `control-mappings/` (shipped inside the
//! binary, overridable with a folder of the user's own), and the roll-up of
//! findings and attestations into a status per control.

pub mod assessment;
pub mod mappings;
pub mod rollup;

pub use assessment::Assessment;
pub use mappings::{Control, Coverage, Framework, Mapping, MappingError, Mappings};
pub use rollup::{ControlResult, ControlStatus, FrameworkSummary, roll_up};
