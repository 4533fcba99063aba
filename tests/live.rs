//! Live collection through the AWS SDK, against a real AWS emulator: moto
//! in server mode behind a small front server that answers the calls moto
//! lacks and injects faults (`tests/emulator/`). The AWS CLI runs the
//! export script against the same emulated account, so the two ways in
//! can be compared on one account.
//!
//! The emulator needs the Python environment `scripts/test` makes. Without
//! it these tests say that they were skipped, unless
//! `AUDITPACK_REQUIRE_EMULATOR` is set (as `scripts/test` sets it), when
//! they fail instead.

// A skipped test says so on standard error.
#![allow(clippy::print_stderr)]

mod common;

use common::{auditpack, log, read_json, tree};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use tempfile::TempDir;

/// The auditpack binary as a plain command, with a fixed collection time.
fn binary() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("auditpack"));
    cmd.env("SOURCE_DATE_EPOCH", "1796000000")
        .env_remove("AUDITPACK_LOG");
    cmd
}

/// moto's account.
const ACCOUNT: &str = "123456789012";
const REGIONS: &str = "eu-west-2,eu-west-1";
/// A secret distinctive enough to search every written file for.
const SECRET: &str = "auditpack-live-test-secret-4e1b77";

/// The Python environment `scripts/test` makes, with moto and the AWS CLI.
fn venv() -> Option<PathBuf> {
    let dir = std::env::var_os("AUDITPACK_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/auditpack/venv"))
        })?;
    dir.join("bin/python").is_file().then_some(dir)
}

/// Asserts that a run was refused (exit 2) saying each of `says` on
/// standard error; that standard error.
fn refused(done: &std::process::Output, says: &[&str]) -> String {
    assert_eq!(done.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&done.stderr).into_owned();
    for said in says {
        assert!(stderr.contains(said), "no `{said}` in:\n{stderr}");
    }
    stderr
}

/// A running emulator, stopped when dropped.
struct Emulator {
    child: Child,
    _stdin: ChildStdin,
    endpoint: String,
    dir: TempDir,
    venv: PathBuf,
}

impl Emulator {
    /// Starts the emulator seeded with the sample trust's faults, and
    /// `faults` (fault rules) on top; `None` when it cannot run here.
    fn start(test: &str, faults: Value) -> Option<Emulator> {
        let Some(venv) = venv() else {
            assert!(
                std::env::var_os("AUDITPACK_REQUIRE_EMULATOR").is_none(),
                "{test}: no Python environment with moto; run scripts/test"
            );
            eprintln!("skipped {test}: no Python environment with moto (run scripts/test)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let faults_file = dir.path().join("faults.json");
        std::fs::write(&faults_file, faults.to_string()).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/emulator/aws_emulator.py");
        let mut child = Command::new(venv.join("bin/python"))
            .arg(script)
            .args(["--scenario", "sample", "--faults"])
            .arg(&faults_file)
            .arg("--seed-out")
            .arg(dir.path().join("seed.json"))
            .arg("--log")
            .arg(dir.path().join("emulator.log"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator starts");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let endpoint = line
            .strip_prefix("ready ")
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(dir.path().join("emulator.log"));
                panic!("the emulator did not start: {line:?}\n{log:?}")
            })
            .trim()
            .to_string();
        Some(Emulator {
            child,
            _stdin: stdin,
            endpoint,
            dir,
            venv,
        })
    }

    /// Points `cmd` at the emulator, and only at it: no credentials,
    /// profiles or endpoints from the machine it runs on, and no instance
    /// metadata service.
    fn aws_env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(&name);
            }
        }
        let empty = self.dir.path().join("empty");
        std::fs::write(&empty, "").unwrap();
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_REGION", "eu-west-2")
            .env("AWS_DEFAULT_REGION", "eu-west-2")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_CONFIG_FILE", &empty)
            .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            // s3control puts the account ID in front of the endpoint's host
            // name; through the emulator as a proxy, it stays on loopback.
            .env("HTTP_PROXY", &self.endpoint)
            .env("HTTPS_PROXY", &self.endpoint)
            .env("http_proxy", &self.endpoint)
            .env("https_proxy", &self.endpoint)
            .env("NO_PROXY", "")
            .env("no_proxy", "")
    }

    /// `auditpack collect` live into `out`.
    fn collect(&self, out: &Path, extra: &[&str]) -> std::process::Output {
        let mut cmd = binary();
        self.aws_env(&mut cmd)
            .args(["collect", "--region", REGIONS, "--out"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap()
    }

    /// `auditpack collect` live into a new folder; it must succeed. The
    /// folder's parent, the snapshot and what the command printed.
    fn collected(&self, extra: &[&str]) -> (TempDir, PathBuf, std::process::Output) {
        let work = tempfile::tempdir().unwrap();
        let live = work.path().join("live");
        let done = self.collect(&live, extra);
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        (work, live, done)
    }

    /// The export script, run with the AWS CLI against the emulator.
    fn export(&self, out: &Path) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/export-aws-cli.sh");
        let mut cmd = Command::new("bash");
        self.aws_env(&mut cmd);
        let path = format!(
            "{}:{}",
            self.venv.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let done = cmd
            .arg(script)
            .args(["--regions", &REGIONS.replace(',', " "), "--out"])
            .arg(out)
            .env("PATH", path)
            .env("AWS_MAX_ATTEMPTS", "3")
            .output()
            .unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    }

    /// Requests the emulator received, per service, operation and region.
    fn calls(&self) -> Value {
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET /emulator/calls HTTP/1.0\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
    }

    /// How many requests the emulator received for one call.
    fn requests(&self, service: &str, operation: &str, region: &str) -> u64 {
        find_count(&self.calls(), service, operation, region)
    }

    /// What the emulator seeded, as it wrote it.
    fn seed(&self) -> Value {
        read_json(&self.dir.path().join("seed.json"))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The request count in `/emulator/calls`, whichever of its documented
/// layouts it uses: a list of `{service, operation, region, count}`.
fn find_count(calls: &Value, service: &str, operation: &str, region: &str) -> u64 {
    calls["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["service"] == service && c["operation"] == operation && c["region"] == region)
        .filter_map(|c| c["count"].as_u64())
        .sum()
}

/// Members auditpack never writes: a virtual MFA device's seed and QR code
/// (moto lists them; AWS hands them out only when a device is made).
const NEVER_WRITTEN: &[&str] = &["Base32StringSeed", "QRCodePNG"];

/// An instant, from ISO 8601 text or epoch seconds.
fn instant(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| t.unix_timestamp_nanos() as f64 / 1e9)
        }
        _ => None,
    }
}

/// Where two answers differ, if they do. Timestamps are compared as
/// instants: the AWS CLI v1 on PyPI prints those of JSON-protocol services
/// as epoch seconds and keeps EC2's `.000Z`, where auditpack (like the CLI
/// v2) prints ISO 8601 as the SDK formats it.
fn first_difference(cli: &Value, sdk: &Value, place: String) -> Option<String> {
    match (cli, sdk) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a
                .keys()
                .chain(b.keys())
                .filter(|k| !NEVER_WRITTEN.contains(&k.as_str()))
                .collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => first_difference(x, y, format!("{place}.{k}")),
                _ => Some(format!("{place}.{k} (present on one side only)")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{place}[{i}]"))),
        (a, b) if a == b => None,
        (a, b @ Value::String(_)) => match (instant(a), instant(b)) {
            (Some(x), Some(y)) if (x - y).abs() < 1e-3 => None,
            _ => Some(format!("{place}: {a} against {b}")),
        },
        (a, b) => Some(format!("{place}: {a} against {b}")),
    }
}

fn assess(snapshot: &Path, out: &Path) -> Value {
    auditpack()
        .args(["assess"])
        .arg(snapshot)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    read_json(&out.join("findings.json"))
}

/// The findings of one check, keyed by region and resource.
fn findings_of<'a>(findings: &'a Value, check: &str) -> Vec<&'a Value> {
    findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check_id"] == check)
        .collect()
}

fn live_entry<'a>(log: &'a Value, region: &str, service: &str, operation: &str) -> &'a Value {
    common::entry_of(log, ACCOUNT, region, service, operation)
}

#[test]
fn live_and_exported_snapshots_of_one_account_give_identical_findings() {
    let Some(emulator) = Emulator::start(
        "live_and_exported_snapshots_of_one_account_give_identical_findings",
        json!([]),
    ) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let (export, exported, live) = (
        work.path().join("export"),
        work.path().join("exported"),
        work.path().join("live"),
    );
    emulator.export(&export);
    auditpack()
        .args(["collect", "--from-exports"])
        .arg(&export)
        .arg("--out")
        .arg(&exported)
        .assert()
        .success();
    let done = emulator.collect(&live, &[]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );

    // The same files, each holding the same JSON (the CLI and auditpack
    // format numbers and spacing alike only by chance, so values are
    // compared, not bytes).
    let data_files = |root: &Path| -> Vec<String> {
        tree(root)
            .into_iter()
            .filter(|f| f.starts_with(ACCOUNT))
            .collect()
    };
    assert_eq!(data_files(&exported), data_files(&live));
    for file in data_files(&exported)
        .iter()
        .filter(|f| f.ends_with(".json"))
    {
        let (cli, sdk) = (read_json(&exported.join(file)), read_json(&live.join(file)));
        if let Some(place) = first_difference(&cli, &sdk, String::new()) {
            panic!("{file} differs between the export and the live snapshot at {place}");
        }
    }

    let from_export = assess(&exported, &work.path().join("a-export"));
    let from_live = assess(&live, &work.path().join("a-live"));
    assert!(from_export["findings"].as_array().unwrap().len() > 50);
    assert_eq!(from_export["findings"], from_live["findings"]);

    // The sample's faults are there to be found.
    let failing: Vec<&str> = from_live["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .filter_map(|f| f["check_id"].as_str())
        .collect();
    for check in ["net.admin-ports-world", "iam.console-mfa", "mon.guardduty"] {
        assert!(
            failing.contains(&check),
            "{check} does not fail: {failing:?}"
        );
    }

    let info = read_json(&live.join("snapshot.json"));
    assert_eq!(info["source"], "live");
    assert_eq!(info["accounts"][0]["account_id"], ACCOUNT);

    // The enabled regions left out are the same, each said in its own
    // words: not exported by the script, not asked for with --region live.
    let left_out = |snapshot: &Path, reason: &str| -> Vec<String> {
        let info = read_json(&snapshot.join("snapshot.json"));
        let gaps = info["accounts"][0]["regions_not_collected"]
            .as_array()
            .unwrap();
        let enabled = gaps.iter().filter(|g| g["reason"] != "opt-in-region");
        assert!(enabled.clone().all(|g| g["reason"] == reason), "{gaps:?}");
        enabled.map(|g| g["region"].to_string()).collect()
    };
    let not_requested = left_out(&live, "not-requested");
    assert!(!not_requested.is_empty());
    assert_eq!(not_requested, left_out(&exported, "not-exported"));
}

#[test]
fn credentials_never_land_in_a_live_snapshot() {
    let Some(emulator) = Emulator::start("credentials_never_land_in_a_live_snapshot", json!([]))
    else {
        return;
    };
    let (work, live, _) = emulator.collected(&[]);
    for file in tree(&live) {
        let bytes = std::fs::read(live.join(&file)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{file} holds the secret access key"
        );
    }
    // Nothing is left beside the snapshot: the staging folder is gone.
    let beside: Vec<_> = std::fs::read_dir(work.path()).unwrap().collect();
    assert_eq!(beside.len(), 1, "{beside:?}");
}

#[test]
fn a_throttled_call_is_retried_and_succeeds() {
    let faults = json!([{
        "service": "ec2", "operation": "DescribeSecurityGroups", "region": "eu-west-2",
        "error": "RequestLimitExceeded", "times": 2
    }]);
    let Some(emulator) = Emulator::start("a_throttled_call_is_retried_and_succeeds", faults) else {
        return;
    };
    let (work, live, _) = emulator.collected(&[]);

    let log = log(&live);
    let groups = live_entry(&log, "eu-west-2", "ec2", "describe-security-groups");
    assert_eq!(groups["status"], "ok");
    assert_eq!(groups["attempts"], 3);
    assert_eq!(groups["throttled"], 2);
    assert_eq!(
        emulator.requests("ec2", "DescribeSecurityGroups", "eu-west-2"),
        3
    );
    let findings = assess(&live, &work.path().join("assessment"));
    assert!(
        findings_of(&findings, "net.admin-ports-world")
            .iter()
            .any(|f| f["region"] == "eu-west-2" && f["status"] == "fail")
    );
}

#[test]
fn throttling_that_never_stops_is_logged_and_its_checks_are_not_assessed() {
    let faults = json!([{
        "service": "ec2", "operation": "DescribeSecurityGroups", "region": "eu-west-1",
        "error": "RequestLimitExceeded"
    }]);
    let Some(emulator) = Emulator::start(
        "throttling_that_never_stops_is_logged_and_its_checks_are_not_assessed",
        faults,
    ) else {
        return;
    };
    let (work, live, done) = emulator.collected(&[]);
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        stdout.contains("eu-west-1 ec2 describe-security-groups: throttled (RequestLimitExceeded)"),
        "{stdout}"
    );

    let log = log(&live);
    let groups = live_entry(&log, "eu-west-1", "ec2", "describe-security-groups");
    assert_eq!(groups["status"], "throttled");
    assert_eq!(groups["attempts"], 3, "AWS's default of three attempts");
    let findings = assess(&live, &work.path().join("assessment"));
    let in_region: Vec<&Value> = findings_of(&findings, "net.admin-ports-world")
        .into_iter()
        .filter(|f| f["region"] == "eu-west-1")
        .collect();
    assert!(!in_region.is_empty());
    assert!(
        in_region.iter().all(|f| f["status"] == "not-assessed"),
        "{in_region:?}"
    );
}

#[test]
fn a_denied_call_is_logged_and_its_checks_are_not_assessed() {
    let faults = json!([{
        "service": "ssm", "operation": "DescribeInstanceInformation",
        "error": "AccessDeniedException"
    }]);
    let Some(emulator) = Emulator::start(
        "a_denied_call_is_logged_and_its_checks_are_not_assessed",
        faults,
    ) else {
        return;
    };
    let (work, live, _) = emulator.collected(&[]);

    let log = log(&live);
    for region in ["eu-west-1", "eu-west-2"] {
        let entry = live_entry(&log, region, "ssm", "describe-instance-information");
        assert_eq!(entry["status"], "access-denied");
        assert_eq!(entry["error_code"], "AccessDeniedException");
        assert_eq!(entry["attempts"], 1, "a denial is not retried");
    }
    let findings = assess(&live, &work.path().join("assessment"));
    let remote = findings_of(&findings, "remote.ssm-managed");
    assert!(!remote.is_empty());
    assert!(
        remote.iter().all(|f| f["status"] == "not-assessed"),
        "{remote:?}"
    );
}

#[test]
fn a_server_fault_is_retried() {
    let faults = json!([{
        "service": "guardduty", "operation": "ListDetectors", "region": "eu-west-2",
        "status": 500, "times": 1
    }]);
    let Some(emulator) = Emulator::start("a_server_fault_is_retried", faults) else {
        return;
    };
    let (_work, live, _) = emulator.collected(&[]);
    let log = log(&live);
    let entry = live_entry(&log, "eu-west-2", "guardduty", "list-detectors");
    assert_eq!(entry["status"], "ok");
    assert_eq!(entry["attempts"], 2);
}

#[test]
fn run_without_an_export_collects_live_and_seals_a_verifiable_bundle() {
    let Some(emulator) = Emulator::start(
        "run_without_an_export_collects_live_and_seals_a_verifiable_bundle",
        json!([]),
    ) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let mut cmd = binary();
    let done = emulator
        .aws_env(&mut cmd)
        .args(["run", "--region", REGIONS, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let bundle = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "zip"))
        .expect("a bundle");
    assert!(
        bundle
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains(ACCOUNT)
    );
    auditpack()
        .arg("verify")
        .arg(&bundle)
        .arg("--key")
        .arg(out.join("demo-signing-key.pub"))
        .assert()
        .success();
}

#[test]
fn an_assumed_role_collects_the_role_s_account() {
    let Some(emulator) = Emulator::start("an_assumed_role_collects_the_role_s_account", json!([]))
    else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let live = work.path().join("live");
    let role = "arn:aws:iam::111122223333:role/auditpack-audit";
    let done = emulator.collect(
        &live,
        &["--role-arn", role, "--external-id", "nhs-audit-2026"],
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let info = read_json(&live.join("snapshot.json"));
    assert_eq!(info["accounts"][0]["account_id"], "111122223333");
    assert!(
        live.join("111122223333/global/sts/get-caller-identity.json")
            .is_file()
    );
}

/// `auditpack collect` with an environment that has no way to reach AWS:
/// no credentials, and nothing else from the machine.
fn isolated(dir: &Path) -> assert_cmd::Command {
    let mut cmd = auditpack();
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(&name);
        }
    }
    let empty = dir.join("empty");
    std::fs::write(&empty, "").unwrap();
    cmd.env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "eu-west-2")
        .env("HOME", dir);
    cmd
}

#[test]
fn no_credentials_fail_at_once_and_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snapshot");
    let done = isolated(dir.path())
        .args(["collect", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    refused(
        &done,
        &[
            "no AWS credentials could be found",
            "help: sign in first",
            "--from-exports",
        ],
    );
    assert!(!out.exists());
}

#[test]
fn an_unknown_profile_is_named_with_the_profiles_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile audit]\nregion = eu-west-2\n").unwrap();
    let done = isolated(dir.path())
        .env("AWS_CONFIG_FILE", &config)
        .args(["collect", "--profile", "adit", "--out"])
        .arg(dir.path().join("snapshot"))
        .output()
        .unwrap();
    refused(
        &done,
        &[
            "AWS profile `adit` is not defined",
            "profiles defined: audit",
        ],
    );
}

#[test]
fn an_unknown_profile_in_aws_profile_is_refused_as_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile audit]\nregion = eu-west-2\n").unwrap();
    // With access keys in the environment too: the AWS CLI refuses the
    // unknown profile rather than use them, and so must auditpack.
    for keys in [false, true] {
        let mut cmd = isolated(dir.path());
        cmd.env("AWS_CONFIG_FILE", &config)
            .env("AWS_PROFILE", "nosuch")
            .args(["collect", "--out"])
            .arg(dir.path().join("snapshot"));
        if keys {
            cmd.env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                // Were the profile not checked, the keys would be tried here.
                .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        }
        let done = cmd.output().unwrap();
        refused(
            &done,
            &[
                "AWS profile `nosuch` (from AWS_PROFILE) is not defined",
                "profiles defined: audit; or unset AWS_PROFILE",
            ],
        );
        assert!(!dir.path().join("snapshot").exists());
    }
}

#[test]
fn an_unreachable_endpoint_fails_at_once_and_says_so() {
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!("http://127.0.0.1:{port}");
    let done = isolated(dir.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", &endpoint)
        .args(["collect", "--out"])
        .arg(dir.path().join("snapshot"))
        .output()
        .unwrap();
    refused(
        &done,
        &[
            &format!("AWS did not answer at {endpoint}"),
            "Connection refused",
            "help: check the network",
        ],
    );
}

/// A plain web server on loopback that answers every request with
/// `status` and an HTML page, as an intercepting proxy or a server that is
/// not AWS does; its address.
fn not_aws(status: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let answer = {
        let page = "<html><body><h1>Not Implemented</h1>Blocked by the web filter.</body></html>";
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{page}",
            page.len()
        )
    };
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // Read the request head (and whatever body came with it) before
            // answering, so the client sees an answer, not a reset.
            let mut buffer = [0u8; 65536];
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(200)));
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{address}")
}

#[test]
fn an_endpoint_that_answers_but_not_as_aws_is_not_blamed_on_the_credentials() {
    let dir = tempfile::tempdir().unwrap();
    for status in ["501 Not Implemented", "404 Not Found"] {
        let endpoint = not_aws(status);
        for role in [None, Some("arn:aws:iam::111122223333:role/auditpack-audit")] {
            let mut cmd = isolated(dir.path());
            cmd.env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_ENDPOINT_URL", &endpoint)
                .args(["collect", "--out"])
                .arg(dir.path().join("snapshot"));
            if let Some(role) = role {
                cmd.args(["--role-arn", role]);
            }
            let done = cmd.output().unwrap();
            let stderr = refused(&done, &[]);
            let code = &status[..3];
            assert!(
                stderr.contains(&format!(
                    "{endpoint} answered HTTP {code}, but not as AWS answers"
                )),
                "{stderr}"
            );
            assert!(
                stderr.contains("HTTPS_PROXY") && stderr.contains("AWS_ENDPOINT_URL"),
                "{stderr}"
            );
            assert!(!stderr.contains("credentials may have expired"), "{stderr}");
            assert!(!dir.path().join("snapshot").exists());
        }
    }
}

#[test]
fn live_options_are_refused_beside_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let done = auditpack()
        .args([
            "collect",
            "--from-exports",
            "x",
            "--region",
            "eu-west-2",
            "--out",
        ])
        .arg(dir.path().join("snapshot"))
        .output()
        .unwrap();
    assert_eq!(done.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&done.stderr).contains("cannot be used with"));
}

#[test]
fn a_region_that_is_not_a_region_name_is_refused_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let done = isolated(dir.path())
        .args(["collect", "--region", "eu-west2", "--out"])
        .arg(dir.path().join("snapshot"))
        .output()
        .unwrap();
    refused(&done, &["`eu-west2` is not a region name"]);
}

#[test]
fn artifact_reports_asked_for_are_downloaded_with_their_sha256_recorded() {
    let Some(emulator) = Emulator::start(
        "artifact_reports_asked_for_are_downloaded_with_their_sha256_recorded",
        json!([]),
    ) else {
        return;
    };
    let seed = emulator.seed();
    let reports = seed["artifact"]["reports"].as_array().unwrap();
    let by_name = &reports[1];
    let by_id = &reports[2];
    let work = tempfile::tempdir().unwrap();
    let live = work.path().join("live");
    let selectors = format!(
        "{},{}",
        by_name["name"].as_str().unwrap().to_uppercase(),
        by_id["id"].as_str().unwrap()
    );
    let done = emulator.collect(&live, &["--download-artifact-report", &selectors]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );

    let folder = live.join(format!("{ACCOUNT}/global/artifact/get-report"));
    let mut downloaded: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    downloaded.sort();
    assert_eq!(downloaded.len(), 4, "{downloaded:?}");
    for report in [by_name, by_id] {
        let id = report["id"].as_str().unwrap();
        let record = read_json(&folder.join(format!("{id}.json")));
        let pdf = std::fs::read(folder.join(format!("{id}.pdf"))).unwrap();
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf));
        assert_eq!(record["sha256"], sha);
        assert_eq!(record["sha256"], report["download_sha256"]);
        assert_eq!(record["version"], report["version"]);
        assert_eq!(record["termsAccepted"], true);
        assert!(pdf.starts_with(b"%PDF"));
        let log = log(&live);
        let entry = log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["operation"] == "get-report" && e["resource"] == id)
            .expect("the download is logged");
        assert_eq!(entry["status"], "ok");
    }
    // The link AWS hands out is a credential while it lasts: never kept.
    for file in tree(&live) {
        let text = String::from_utf8_lossy(&std::fs::read(live.join(&file)).unwrap()).into_owned();
        assert!(
            !text.contains("artifact-download"),
            "{file} keeps the download link"
        );
    }
}

#[test]
fn an_audit_manager_assessment_s_evidence_folders_are_imported() {
    let Some(emulator) = Emulator::start(
        "an_audit_manager_assessment_s_evidence_folders_are_imported",
        json!([]),
    ) else {
        return;
    };
    let seed = emulator.seed();
    let (assessment, folders) = seed["auditmanager"]["assessments"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    let (work, live, _) = emulator.collected(&["--audit-manager-assessment", assessment]);

    let base = live.join(format!("{ACCOUNT}/global/auditmanager"));
    let listing = read_json(&base.join(format!(
        "get-evidence-folders-by-assessment/{assessment}.json"
    )));
    assert_eq!(
        listing["evidenceFolders"].as_array().unwrap().len(),
        folders.as_array().unwrap().len()
    );
    for folder in folders.as_array().unwrap() {
        let id = folder["id"].as_str().unwrap();
        let evidence = read_json(&base.join(format!("get-evidence-by-evidence-folder/{id}.json")));
        let got: Vec<&Value> = evidence["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["id"])
            .collect();
        let want: Vec<&Value> = folder["evidence_ids"].as_array().unwrap().iter().collect();
        assert_eq!(got, want);
    }

    // An assessment Audit Manager does not know is logged, not fatal.
    let other = work.path().join("other");
    let done = emulator.collect(
        &other,
        &[
            "--audit-manager-assessment",
            "0badc0de-0000-4000-8000-000000000000",
        ],
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let log = log(&other);
    let entry = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["service"] == "auditmanager")
        .expect("the call is logged");
    assert_eq!(entry["status"], "not-found");
}

#[test]
fn calls_in_an_opt_in_region_not_enabled_are_logged_as_such() {
    // AWS answers calls in an opt-in region the account has not enabled
    // with authentication errors; moto lists eu-south-2 as not opted in.
    let services = [
        "ec2",
        "ssm",
        "guardduty",
        "securityhub",
        "config",
        "cloudtrail",
        "inspector2",
    ];
    let faults: Vec<Value> = services
        .iter()
        .map(|s| json!({"service": s, "region": "eu-south-2", "error": "UnrecognizedClientException", "status": 403}))
        .collect();
    let Some(emulator) = Emulator::start(
        "calls_in_an_opt_in_region_not_enabled_are_logged_as_such",
        Value::Array(faults),
    ) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let live = work.path().join("live");
    let mut cmd = binary();
    let done = emulator
        .aws_env(&mut cmd)
        .args(["collect", "--region", "eu-west-2,eu-south-2", "--out"])
        .arg(&live)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let log = log(&live);
    let in_region: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["region"] == "eu-south-2")
        .collect();
    assert!(in_region.len() >= services.len());
    assert!(
        in_region.iter().all(|e| e["status"] == "opt-in-region"),
        "{in_region:#?}"
    );
}

#[test]
fn a_role_that_may_not_be_assumed_is_refused_in_plain_words() {
    let faults = json!([{"service": "sts", "operation": "AssumeRole", "error": "AccessDenied"}]);
    let Some(emulator) = Emulator::start(
        "a_role_that_may_not_be_assumed_is_refused_in_plain_words",
        faults,
    ) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let live = work.path().join("live");
    let role = "arn:aws:iam::111122223333:role/auditpack-audit";
    let done = emulator.collect(&live, &["--role-arn", role]);
    let stderr = refused(
        &done,
        &[&format!(
            "cannot assume role `{role}`: AWS STS answered AccessDenied: User:"
        )],
    );
    assert!(!stderr.contains("Error {"), "{stderr}");
    assert!(!live.exists());
}

#[test]
fn a_role_arn_that_is_not_one_is_refused_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["collect", "run"] {
        let out = dir.path().join("out");
        let done = isolated(dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            // Were the ARN not checked first, STS would be asked here.
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .args([command, "--role-arn", "garbage", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = refused(
            &done,
            &[
                "--role-arn `garbage` is not the ARN of an IAM role",
                "arn:aws:iam::123456789012:role/NAME",
            ],
        );
        assert!(!stderr.contains("127.0.0.1:9"), "{stderr}");
        assert!(!out.exists(), "{command}: nothing written");
    }
}

#[test]
fn an_audit_manager_assessment_id_that_is_not_one_is_refused_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let done = isolated(dir.path())
        .args([
            "collect",
            "--audit-manager-assessment",
            "not a uuid",
            "--out",
        ])
        .arg(dir.path().join("snapshot"))
        .output()
        .unwrap();
    refused(
        &done,
        &["`not a uuid` is not an Audit Manager assessment ID"],
    );
}

#[test]
fn a_configured_region_that_is_not_one_is_refused_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let done = isolated(dir.path())
        .env("AWS_REGION", "mars-1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .args(["collect", "--out"])
        .arg(dir.path().join("snapshot"))
        .output()
        .unwrap();
    refused(
        &done,
        &["the AWS configuration's region, `mars-1`, is not a region name"],
    );
}
