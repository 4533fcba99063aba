//! How the PDF summary's time and size grow with the number of failing
//! findings: an assessment of N world-open security groups (each one
//! failing finding) rendered in process, the way a bundle renders it.
//!
//! Run with `cargo bench --bench report` (sizes can be given as arguments:
//! `cargo bench --bench report -- 100 20000`). The bench profile is
//! optimised, as a release build is.

#![allow(clippy::print_stdout)]

use auditpack::assess::Finding;
use auditpack::controls::{Assessment, Mappings, roll_up};
use auditpack::report::{self, BundleFacts, IndexedFile, Inputs};
use auditpack::snapshot::info::{AccountScope, SnapshotInfo, Source, Tool};
use std::time::Instant;
use time::OffsetDateTime;

const ACCOUNT: &str = "210987654321";
const REGION: &str = "eu-west-2";
const FILE: &str = "210987654321/eu-west-2/ec2/describe-security-groups.json";

fn main() {
    let given: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if given.is_empty() {
        vec![100, 1_000, 5_000]
    } else {
        given
    };
    let mappings = Mappings::load(None).expect("shipped mappings");
    println!(
        "{:>9} {:>7} {:>10} {:>12}",
        "findings", "pages", "render s", "PDF bytes"
    );
    for size in sizes {
        let inputs = inputs(&mappings, size);
        let start = Instant::now();
        let rendered = report::render(&inputs).expect("report renders");
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{size:>9} {:>7} {seconds:>10.3} {:>12}",
            rendered.pages,
            rendered.pdf.len()
        );
    }
}

fn inputs(mappings: &Mappings, size: usize) -> Inputs {
    let date = OffsetDateTime::from_unix_timestamp(1_796_000_000).expect("a date");
    let findings: Vec<Finding> = (0..size)
        .map(|i| {
            Finding::on(
                "net.admin-ports-world",
                ACCOUNT,
                REGION,
                format!("sg-{i:017x}"),
            )
            .name(Some(&format!("web-tier-{i}")))
            .evidence(FILE, format!("/SecurityGroups/{i}"))
            .fail(format!(
                "administration port 22 open to the internet (tcp/22 from 0.0.0.0/0); \
                     attached to running instance i-{i:017x} with public IP 198.51.100.{}",
                i % 250
            ))
        })
        .collect();
    let (controls, frameworks) = roll_up(mappings, &findings, &[], date);
    let assessment = Assessment {
        format: auditpack::controls::assessment::FORMAT.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        accounts: vec![ACCOUNT.into()],
        as_of: "2026-11-30T09:17:40Z".into(),
        findings,
        controls,
        frameworks,
        attestations: Vec::new(),
        unavailable: Vec::new(),
    };
    let snapshot = SnapshotInfo {
        format: auditpack::snapshot::info::FORMAT.into(),
        tool: Tool::this(),
        source: Source::Exports,
        collected_at: "2026-12-01T00:00:00Z".into(),
        as_of: "2026-11-30T09:17:40Z".into(),
        accounts: vec![AccountScope {
            account_id: ACCOUNT.into(),
            as_of: None,
            caller_arn: None,
            regions: vec![REGION.into()],
            regions_not_collected: Vec::new(),
        }],
    };
    let files = (0..40)
        .map(|i| IndexedFile {
            path: format!("data/snapshot/{ACCOUNT}/{REGION}/service/call-{i}.json"),
            bytes: 1_000 + i,
            sha256: format!("{i:064x}"),
        })
        .collect();
    Inputs {
        assessment,
        snapshot,
        bundle: BundleFacts {
            name: format!("auditpack-{ACCOUNT}-2026Q4"),
            file_name: format!("auditpack-{ACCOUNT}-2026Q4.zip"),
            organisation: Some("Bench Trust".into()),
            date,
            signer_fingerprint: "SHA256:bench".into(),
            trusted_as: None,
            demo_key: None,
            previous_bundle: "none".into(),
            tag_manifest_sha256: None,
        },
        files,
        changes: None,
    }
}
