//! auditpack collects the configuration of an AWS account, assesses it
//! against NCSC/NHS Cloud Security Principle 14, UK Cyber Essentials v3.3 and
//! ISO/IEC 27001:2022 Annex A, and seals the evidence in a bundle an auditor
//! can verify offline.
//!
//! The stages, in the order data flows through them:
//!
//! - [`collect`]: an AWS account becomes a snapshot, live through the AWS
//!   SDK or from a folder of AWS CLI exports. Knows the list of AWS calls;
//!   judges nothing.
//! - [`snapshot`]: the snapshot format: raw AWS CLI JSON per call, a
//!   description and a log of every expected call; typed views of each
//!   call's output.
//! - [`attest`]: manual attestations for controls no API can show, with
//!   their attachments hashed.
//! - [`assess`]: checks, each a pure function from the snapshot to
//!   findings (pass, fail, not applicable, not assessed) with evidence.
//! - [`controls`]: control mappings, and the roll-up of findings and
//!   attestations into a status per control of each framework.
//! - [`report`]: the PDF summary, drawn from the assessment as written,
//!   with its wording in `templates/report/`.
//! - [`bundle`] and [`sign`]: the signed BagIt zip, summary included.
//! - [`verify`]: checking a bundle offline, and a chain of quarterly
//!   bundles; knows nothing of AWS or PDF.
//! - [`diff`]: quarterly drift, what changed between two verified bundles.
//!
//! The library never prints, reads arguments or exits: the `auditpack`
//! binary does that, in `src/cli/`.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod assess;
pub mod attest;
pub mod bag;
pub mod bundle;
pub mod collect;
pub mod controls;
pub mod diff;
pub mod digest;
pub mod report;
pub mod sign;
pub mod snapshot;
pub mod staging;
mod toml_error;
pub mod verify;
pub mod words;
