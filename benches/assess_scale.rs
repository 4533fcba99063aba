//! How the cost of `assess` grows with the number of security groups.
//!
//! Generates synthetic snapshots (one region; N security groups with a mix
//! of world-open, internal and group-referencing rules; N/10 instances),
//! imports each, and times opening the snapshot plus running every check.
//! Prints each size's time and its ratio to the smallest size per group, so
//! linear growth shows as a ratio near 1.0.
//!
//! Run with `cargo bench --bench assess_scale` (sizes can be given as
//! arguments: `cargo bench --bench assess_scale -- 1000 10000`).

#![allow(clippy::print_stdout)]

use auditpack::assess::approved::ApprovedImages;
use auditpack::collect::{ExportOptions, import};
use auditpack::controls::{Mappings, assessment};
use auditpack::snapshot::read::Snapshot;
use serde_json::json;
use std::path::Path;
use std::time::Instant;

const ACCOUNT: &str = "210987654321";
const REGION: &str = "eu-west-2";

fn main() {
    let sizes: Vec<usize> = {
        let given: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.parse().ok())
            .collect();
        if given.is_empty() {
            vec![1_000, 10_000, 100_000]
        } else {
            given
        }
    };
    let mappings = Mappings::load(None).expect("shipped mappings");
    let approved = ApprovedImages::default();
    println!(
        "{:>9} {:>9} {:>10} {:>10} {:>12}",
        "groups", "findings", "import s", "assess s", "per-group x"
    );
    let mut base: Option<f64> = None;
    for size in sizes {
        let dir = tempfile::tempdir().expect("temporary folder");
        write_export(dir.path(), size);
        let options = ExportOptions {
            exports: dir.path().join("export"),
            out: dir.path().join("snapshot"),
            replace: false,
            now: time::OffsetDateTime::UNIX_EPOCH,
        };
        let started = Instant::now();
        import(&options).expect("import");
        let imported = started.elapsed().as_secs_f64();

        let started = Instant::now();
        let snapshot = Snapshot::open(&options.out).expect("open");
        let result = assessment::run(&snapshot, &mappings, &approved, &[]);
        let assessed = started.elapsed().as_secs_f64();

        let per_group = assessed / size as f64;
        let ratio = per_group / *base.get_or_insert(per_group);
        println!(
            "{size:>9} {:>9} {imported:>10.3} {assessed:>10.3} {ratio:>12.2}",
            result.findings.len()
        );
    }
}

/// Writes an export of one region with `groups` security groups.
fn write_export(root: &Path, groups: usize) {
    let region = root.join("export").join(ACCOUNT).join(REGION);
    let global = root.join("export").join(ACCOUNT).join("global");
    let write = |path: std::path::PathBuf, value: serde_json::Value| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    };
    let security_groups: Vec<_> = (0..groups).map(group).collect();
    write(
        region.join("ec2/describe-security-groups.json"),
        json!({ "SecurityGroups": security_groups }),
    );
    let instances: Vec<_> = (0..groups / 10)
        .map(|i| {
            json!({
                "InstanceId": format!("i-{i:017x}"),
                "ImageId": "ami-0123456789abcdef0",
                "State": {"Name": "running"},
                "LaunchTime": "2026-10-01T00:00:00+00:00",
                "MetadataOptions": {"HttpTokens": if i % 3 == 0 { "optional" } else { "required" }},
                "SecurityGroups": [{"GroupId": format!("sg-{:017x}", i * 10)}, {"GroupId": format!("sg-{:017x}", i * 10 + 1)}],
                "PublicIpAddress": if i % 7 == 0 { json!("198.51.100.7") } else { json!(null) },
            })
        })
        .collect();
    write(
        region.join("ec2/describe-instances.json"),
        json!({ "Reservations": [{ "Instances": instances }] }),
    );
    write(
        global.join("sts/get-caller-identity.json"),
        json!({ "Account": ACCOUNT, "Arn": "arn:aws:iam::210987654321:user/bench" }),
    );
}

/// A security group whose rules vary with `i`: world SSH on every
/// hundredth, a world range on every thousandth, internal and referencing
/// rules elsewhere.
fn group(i: usize) -> serde_json::Value {
    let mut rules = vec![
        json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
        json!({"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
               "UserIdGroupPairs": [{"GroupId": format!("sg-{:017x}", (i + 1) % 1000)}]}),
        json!({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}),
    ];
    if i.is_multiple_of(100) {
        rules.push(json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}));
    }
    if i.is_multiple_of(1000) {
        rules.push(json!({"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 4000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}));
    }
    json!({
        "GroupId": format!("sg-{i:017x}"),
        "GroupName": if i.is_multiple_of(500) { "default".to_string() } else { format!("group-{i}") },
        "VpcId": format!("vpc-{:017x}", i / 500),
        "OwnerId": ACCOUNT,
        "IpPermissions": rules,
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    })
}
