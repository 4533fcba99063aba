//! How the cost of `assess` grows with the evidence: security groups,
//! instances and IAM users.
//!
//! Generates synthetic snapshots of one region, imports each, and times
//! opening the snapshot plus running every check, with the peak memory of
//! that step. Three kinds of workload:
//!
//! - `N` (or `groups:N`): N security groups with a mix of world-open,
//!   internal and group-referencing rules, and N/10 instances;
//! - `instances:N`: N instances spread over 100 security groups;
//! - `users:N`: N IAM users in `list-users` and the credential report,
//!   half with a virtual MFA device.
//!
//! Each size's time per item is printed as a ratio of the first size of
//! the same kind (1.0 = linear growth), and where a size is twice the one
//! before it, the ratio of their times (the target: at most 2.3).
//!
//! Run with `cargo bench --bench assess_scale` (1k, 10k, 50k and 100k
//! groups; 5k and 10k instances; 10k and 20k users), or give workloads:
//! `cargo bench --bench assess_scale -- 1000 users:5000 users:10000`.
//! Each workload runs in a process of its own; its peak memory from the
//! assessment's start is read from `/proc/self/status` (Linux), after a
//! reset through `/proc/self/clear_refs`. It includes the memory the
//! import left in use.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use auditpack::assess::approved::ApprovedImages;
use auditpack::collect::{ExportOptions, import};
use auditpack::controls::{Mappings, assessment};
use auditpack::snapshot::read::Snapshot;
use serde_json::json;
use std::path::Path;
use std::time::Instant;

const ACCOUNT: &str = "210987654321";
const REGION: &str = "eu-west-2";

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Groups,
    Instances,
    Users,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Groups => "groups",
            Kind::Instances => "instances",
            Kind::Users => "users",
        }
    }
}

fn parse(arg: &str) -> Option<(Kind, usize)> {
    let (kind, n) = match arg.split_once(':') {
        None => (Kind::Groups, arg),
        Some(("groups", n)) => (Kind::Groups, n),
        Some(("instances", n)) => (Kind::Instances, n),
        Some(("users", n)) => (Kind::Users, n),
        Some(_) => return None,
    };
    Some((kind, n.parse().ok()?))
}

fn main() {
    // `cargo bench` passes options of its own (`--bench`); anything else
    // must be a workload, so that a typo does not start the full run.
    let mut given: Vec<(Kind, usize)> = Vec::new();
    for arg in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        match parse(&arg) {
            Some(workload) => given.push(workload),
            None => {
                eprintln!(
                    "error: `{arg}` is not a workload\nhelp: give N or groups:N (security groups), \
                     instances:N or users:N"
                );
                std::process::exit(2);
            }
        }
    }
    let workloads = if given.is_empty() {
        vec![
            (Kind::Groups, 1_000),
            (Kind::Groups, 10_000),
            (Kind::Groups, 50_000),
            (Kind::Groups, 100_000),
            (Kind::Instances, 5_000),
            (Kind::Instances, 10_000),
            (Kind::Users, 10_000),
            (Kind::Users, 20_000),
        ]
    } else {
        given
    };
    // Each workload runs in a process of its own, so that its peak memory
    // is its own: the heap of a larger size before would otherwise stay.
    if let Ok(one) = std::env::var(ONE_WORKLOAD) {
        let (kind, size) = parse(&one).expect("a workload");
        let (findings, imported, assessed) = run(kind, size);
        let peak = peak_memory_mib().map_or("-".to_string(), |m| format!("{m:.0}"));
        println!("{findings} {imported} {assessed} {peak}");
        return;
    }
    println!(
        "{:>10} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>11}",
        "kind", "size", "findings", "import s", "assess s", "peak MiB", "per-item", "2x input"
    );
    let mut base: Option<(Kind, f64)> = None;
    let mut previous: Option<(Kind, usize, f64)> = None;
    let me = std::env::current_exe().expect("the bench's own path");
    for (kind, size) in workloads {
        let output = std::process::Command::new(&me)
            .env(ONE_WORKLOAD, format!("{}:{size}", kind.name()))
            .output()
            .expect("the bench runs itself");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [findings, imported, assessed, peak] = fields[..] else {
            panic!("unexpected output: {line}");
        };
        let (imported, assessed): (f64, f64) = (
            imported.parse().expect("seconds"),
            assessed.parse().expect("seconds"),
        );
        let per_item = assessed / size as f64;
        if base.is_none_or(|(k, _)| k != kind) {
            base = Some((kind, per_item));
        }
        let ratio = per_item / base.map_or(per_item, |(_, b)| b);
        let doubled = match previous {
            Some((k, n, t)) if k == kind && n * 2 == size => format!("{:.2}x", assessed / t),
            _ => "-".to_string(),
        };
        previous = Some((kind, size, assessed));
        println!(
            "{:>10} {size:>8} {findings:>9} {imported:>9.3} {assessed:>9.3} {peak:>9} {ratio:>9.2} {doubled:>11}",
            kind.name(),
        );
    }
}

/// Set to `kind:size` when the bench runs one workload for its parent.
const ONE_WORKLOAD: &str = "AUDITPACK_BENCH_WORKLOAD";

/// Imports and assesses one workload: the findings, the import's and the
/// assessment's seconds. Peak memory counts from the assessment's start.
fn run(kind: Kind, size: usize) -> (usize, f64, f64) {
    let mappings = Mappings::load(None).expect("shipped mappings");
    let approved = ApprovedImages::default();
    let dir = tempfile::tempdir().expect("temporary folder");
    write_export(dir.path(), kind, size);
    let options = ExportOptions {
        exports: dir.path().join("export"),
        out: dir.path().join("snapshot"),
        replace: false,
        now: time::OffsetDateTime::UNIX_EPOCH,
    };
    let started = Instant::now();
    import(&options).expect("import");
    let imported = started.elapsed().as_secs_f64();

    reset_peak_memory();
    let started = Instant::now();
    let snapshot = Snapshot::open(&options.out).expect("open");
    let result = assessment::run(&snapshot, &mappings, &approved, &[]);
    let assessed = started.elapsed().as_secs_f64();
    (result.findings.len(), imported, assessed)
}

/// Starts a new peak of resident memory (Linux; elsewhere nothing).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident memory since the last reset, in MiB (Linux).
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Writes an export of one region holding the workload.
fn write_export(root: &Path, kind: Kind, size: usize) {
    let region = root.join("export").join(ACCOUNT).join(REGION);
    let global = root.join("export").join(ACCOUNT).join("global");
    let write = |path: std::path::PathBuf, value: serde_json::Value| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    };
    let (groups, instances, users) = match kind {
        Kind::Groups => (size, size / 10, 0),
        Kind::Instances => (100, size, 0),
        Kind::Users => (10, 0, size),
    };
    let security_groups: Vec<_> = (0..groups).map(group).collect();
    write(
        region.join("ec2/describe-security-groups.json"),
        json!({ "SecurityGroups": security_groups }),
    );
    let instances: Vec<_> = (0..instances)
        .map(|i| {
            json!({
                "InstanceId": format!("i-{i:017x}"),
                "ImageId": "ami-0123456789abcdef0",
                "State": {"Name": "running"},
                "LaunchTime": "2026-10-01T00:00:00+00:00",
                "MetadataOptions": {"HttpTokens": if i % 3 == 0 { "optional" } else { "required" }},
                "SecurityGroups": [{"GroupId": format!("sg-{:017x}", (i * 10) % groups)}, {"GroupId": format!("sg-{:017x}", (i * 10 + 1) % groups)}],
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
    if users > 0 {
        write_users(&global, users, &write);
    }
}

/// `users` IAM users: `list-users`, the credential report (a row each, with
/// passwords, MFA and access keys varying) and virtual MFA devices.
fn write_users(global: &Path, users: usize, write: &dyn Fn(std::path::PathBuf, serde_json::Value)) {
    use base64::Engine;
    let name = |i: usize| format!("user-{i:06}");
    let listed: Vec<_> = (0..users)
        .map(|i| {
            json!({
                "Path": "/", "UserName": name(i), "UserId": format!("AIDA{i:017}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{}", name(i)),
                "CreateDate": "2025-05-19T14:02:11+00:00",
            })
        })
        .collect();
    write(
        global.join("iam/list-users.json"),
        json!({ "Users": listed }),
    );
    let mut report = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,\
         password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,\
         access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,\
         access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,\
         access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,\
         cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n",
    );
    report.push_str(&format!(
        "<root_account>,arn:aws:iam::{ACCOUNT}:root,2025-04-07T10:12:33+00:00,not_supported,\
         2025-04-07T10:31:05+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,\
         false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    ));
    for i in 0..users {
        let password = i % 4 != 0;
        let key = i % 3 == 0;
        report.push_str(&format!(
            "{},arn:aws:iam::{ACCOUNT}:user/{},2025-05-19T14:02:11+00:00,{},{},{},N/A,{},{},{},N/A,N/A,N/A,\
             false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
            name(i),
            name(i),
            password,
            if password { "2026-11-01T09:00:00+00:00" } else { "N/A" },
            if password { "2026-06-01T09:00:00+00:00" } else { "N/A" },
            i % 2 == 0,
            key,
            if key { "2024-01-15T09:00:00+00:00" } else { "N/A" },
        ));
    }
    write(
        global.join("iam/get-credential-report.json"),
        json!({
            "Content": base64::engine::general_purpose::STANDARD.encode(report),
            "GeneratedTime": "2026-11-30T09:15:02+00:00",
            "ReportFormat": "text/csv",
        }),
    );
    let devices: Vec<_> = (0..users)
        .step_by(2)
        .map(|i| {
            json!({
                "SerialNumber": format!("arn:aws:iam::{ACCOUNT}:mfa/{}", name(i)),
                "User": { "UserName": name(i), "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{}", name(i)) },
            })
        })
        .collect();
    write(
        global.join("iam/list-virtual-mfa-devices.json"),
        json!({ "VirtualMFADevices": devices }),
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
