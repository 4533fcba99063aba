//! Every network check on whole inputs: real security group exports from
//! public projects (skipped when `../shared/cases` is not beside the
//! repository) and the shipped sample.

use super::*;

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

#[test]
fn sample_network_findings_match_its_readme() {
    let fails = |check| -> Vec<(String, String)> {
        sample_findings(check)
            .into_iter()
            .filter(|f| f.status != Status::Pass)
            .map(|f| {
                (
                    f.status.to_string(),
                    f.resource_name.unwrap_or(f.resource_id),
                )
            })
            .filter(|(_, r)| {
                !r.starts_with("eu-")
                    && !r.starts_with("us-")
                    && !r.starts_with("ap-")
                    && !r.starts_with("ca-")
                    && !r.starts_with("sa-")
            })
            .collect()
    };
    let fail = |name: &str| ("fail".to_string(), name.to_string());
    assert_eq!(
        fails("net.admin-ports-world"),
        [fail("nbch-bastion-ssh"), fail("nbch-jumphost-supplier-rdp")]
    );
    assert_eq!(fails("net.db-ports-world"), [fail("nbch-dr-db-postgres")]);
    assert_eq!(fails("net.all-ports-world"), Vec::<(String, String)>::new());
    assert_eq!(fails("net.default-sg-closed"), [fail("default")]);
    let nacl_fails: Vec<String> = sample_findings("net.nacl-admin-world")
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.resource_id)
        .collect();
    assert_eq!(
        nacl_fails,
        ["acl-05140800421611d95", "acl-0f2686cfdd971c684"]
    );
    let default_pass: Vec<String> = sample_findings("net.default-sg-closed")
        .into_iter()
        .filter(|f| f.status == Status::Pass)
        .map(|f| f.resource_id)
        .collect();
    assert_eq!(default_pass, ["sg-018377879d82b686b"]);
}
