//! TODO

use super::Check;

pub static CHECKS: &[Check] = &[];
