//! Every network check on whole inputs: real security group exports from
//! public projects (skipped when `../shared/cases` is not beside the
//! repository) and the shipped sample.

use super::*;
use crate::assess::testing::{self, SAMPLE_MAIN as MAIN, SAMPLE_RESEARCH as RESEARCH, SampleRow};

/// A real export from the shared cases, imported as the region's groups.
fn case(name: &str) -> Option<crate::snapshot::read::Snapshot> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/cases/public-exports")
        .join(name);
    let Ok(json) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is not present", path.display());
        return None;
    };
    Some(
        SnapshotBuilder::new()
            .call(REGION, "ec2/describe-security-groups", &json)
            .build(),
    )
}

/// `(group, ports)` of the failing findings of `check` on a case.
fn failing(snapshot: &crate::snapshot::read::Snapshot, check: &str) -> Vec<(String, Vec<u16>)> {
    findings(snapshot, check)
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| {
            (
                f.resource_name.unwrap_or(f.resource_id),
                f.ports.unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn case_cloudmapper_demo_has_no_controlled_port_open() {
    let Some(snapshot) = case("sg-cloudmapper-demo.json") else {
        return;
    };
    assert!(failing(&snapshot, "net.admin-ports-world").is_empty());
    assert!(failing(&snapshot, "net.db-ports-world").is_empty());
}

#[test]
fn case_custodian_port_ranges_one_range_rule_and_one_ssh_rule() {
    let Some(snapshot) = case("sg-custodian-port-ranges.json") else {
        return;
    };
    let admin = failing(&snapshot, "net.admin-ports-world");
    let db = failing(&snapshot, "net.db-ports-world");
    let ids = |list: &[(String, Vec<u16>)]| {
        list.iter()
            .map(|(g, p)| (g.clone(), p.clone()))
            .collect::<Vec<_>>()
    };
    let range_group = findings(&snapshot, "net.db-ports-world")
        .into_iter()
        .find(|f| f.resource_id == "sg-02a60363e2b087ff8")
        .unwrap();
    let range_name = range_group
        .resource_name
        .clone()
        .unwrap_or(range_group.resource_id.clone());
    assert_eq!(
        ids(&db),
        [(range_name.clone(), vec![1433, 1434, 1521, 3306])]
    );
    assert_eq!(
        ids(&admin),
        [
            (range_name, vec![3389]),
            ("sg_testuser_1".to_string(), vec![22])
        ]
    );
}

#[test]
fn case_demisto_ipv6_all_traffic_exposes_every_controlled_port() {
    let Some(snapshot) = case("sg-demisto-ipv6-ranges.json") else {
        return;
    };
    assert_eq!(
        failing(&snapshot, "net.admin-ports-world"),
        [("sg-12345".to_string(), ADMIN_PORTS.to_vec())]
    );
    assert_eq!(
        failing(&snapshot, "net.db-ports-world"),
        [("sg-12345".to_string(), DATABASE_PORTS.to_vec())]
    );
    let admin = &findings(&snapshot, "net.admin-ports-world")[0];
    assert!(
        admin.reason.contains("tcp 10-22 from 0.0.0.0/0"),
        "{}",
        admin.reason
    );
    assert!(
        admin.reason.contains("tcp 22-23 from ::/0"),
        "{}",
        admin.reason
    );
    assert!(
        !admin.reason.contains("/55"),
        "port 55 is not controlled: {}",
        admin.reason
    );
}

#[test]
fn case_custodian_icmp_sgref_only_launch_wizard_ssh() {
    let Some(snapshot) = case("sg-custodian-icmp-sgref.json") else {
        return;
    };
    assert_eq!(
        failing(&snapshot, "net.admin-ports-world"),
        [("launch-wizard-1".to_string(), vec![22])]
    );
    assert!(failing(&snapshot, "net.db-ports-world").is_empty());
}

/// The sample's security groups, as `(account, region, group id, name)`.
const SAMPLE_GROUPS: [(&str, &str, &str, &str); 16] = [
    (MAIN, "eu-west-2", "sg-018377879d82b686b", "default"),
    (MAIN, "eu-west-2", "sg-00fb87069148f1297", "nbch-alb-public"),
    (MAIN, "eu-west-2", "sg-08fdc04ed555c8b99", "nbch-web-app"),
    (
        MAIN,
        "eu-west-2",
        "sg-0e05bbe4cb8d74adc",
        "nbch-bastion-ssh",
    ),
    (
        MAIN,
        "eu-west-2",
        "sg-01c5d9c114467833b",
        "nbch-jumphost-supplier-rdp",
    ),
    (
        MAIN,
        "eu-west-2",
        "sg-03f847dbfbf0a22b3",
        "nbch-jumphost-base",
    ),
    (
        MAIN,
        "eu-west-2",
        "sg-0930edb25f927f7c7",
        "nbch-db-postgres",
    ),
    (MAIN, "eu-west-2", "sg-00f64183191d3a45b", "nbch-db-mssql"),
    (
        MAIN,
        "eu-west-2",
        "sg-0cb3d2ad6d1bf934f",
        "nbch-build-jenkins",
    ),
    (
        MAIN,
        "eu-west-2",
        "sg-06fe8a3189761732a",
        "nbch-intranet-https",
    ),
    (MAIN, "eu-west-1", "sg-08b7e940b74d1202b", "default"),
    (
        MAIN,
        "eu-west-1",
        "sg-00c722e11346231bf",
        "nbch-dr-db-postgres",
    ),
    (MAIN, "eu-west-1", "sg-08da596117f292521", "nbch-dr-app"),
    (RESEARCH, "eu-west-2", "sg-0b3f7e21a9c45d680", "default"),
    (
        RESEARCH,
        "eu-west-2",
        "sg-0e71c4a9d2b836f15",
        "nbch-research-workbench",
    ),
    (
        RESEARCH,
        "eu-west-2",
        "sg-04a9d7e3c1f5b2086",
        "research-debug-open",
    ),
];

/// What `check` finds on the sample, and what it should: every group
/// passing but those named in `failing`, plus a not-assessed finding for
/// each region not exported.
fn groups_failing(check: &str, failing: &[(&str, &str)]) -> (Vec<SampleRow>, Vec<SampleRow>) {
    for (account, name) in failing {
        assert!(
            SAMPLE_GROUPS
                .iter()
                .any(|g| g.0 == *account && g.3 == *name),
            "no group {name} in {account}"
        );
    }
    let list: Vec<_> = SAMPLE_GROUPS
        .iter()
        .map(|&(account, region, id, name)| {
            let fails = failing.contains(&(account, name));
            (if fails { "fail" } else { "pass" }, account, region, id)
        })
        .collect();
    (testing::sample_outcomes(check), testing::with_gaps(&list))
}

#[test]
fn sample_network_findings_match_its_readme() {
    let (found, expected) = groups_failing(
        "net.admin-ports-world",
        &[
            (MAIN, "nbch-bastion-ssh"),
            (MAIN, "nbch-jumphost-supplier-rdp"),
            (RESEARCH, "research-debug-open"),
        ],
    );
    assert_eq!(found, expected);
    let (found, expected) = groups_failing(
        "net.db-ports-world",
        &[
            (MAIN, "nbch-dr-db-postgres"),
            (RESEARCH, "research-debug-open"),
        ],
    );
    assert_eq!(found, expected);
    let (found, expected) =
        groups_failing("net.all-ports-world", &[(RESEARCH, "research-debug-open")]);
    assert_eq!(found, expected);
    // Only the eu-west-1 default group of the main account keeps its rules.
    let found = testing::sample_outcomes("net.default-sg-closed");
    let expected = testing::with_gaps(&[
        ("pass", MAIN, "eu-west-2", "sg-018377879d82b686b"),
        ("fail", MAIN, "eu-west-1", "sg-08b7e940b74d1202b"),
        ("pass", RESEARCH, "eu-west-2", "sg-0b3f7e21a9c45d680"),
    ]);
    assert_eq!(found, expected);
    // Default NACLs as AWS makes them (allow all) fail; the tight custom
    // NACL of the main account passes.
    assert_eq!(
        testing::sample_outcomes("net.nacl-admin-world"),
        testing::with_gaps(&[
            ("fail", MAIN, "eu-west-2", "acl-0f2686cfdd971c684"),
            ("pass", MAIN, "eu-west-2", "acl-0583c41b6be5bedf9"),
            ("fail", MAIN, "eu-west-1", "acl-05140800421611d95"),
            ("fail", RESEARCH, "eu-west-2", "acl-0d91c6e2a47f5b830"),
        ])
    );
}
