//! Tests of the Trusted Advisor check (`trusted_advisor.rs`).

use super::*;

/// A listing with one security check `id` and one cost check, and the
/// security check's result.
fn advisor(id: &str, result: &str) -> Snapshot {
    let listing = format!(
        r#"{{"checks": [
                {{"id": "{id}", "name": "Check {id}", "category": "security", "metadata": []}},
                {{"id": "Qch7DwouX1", "name": "Low Utilization",
                  "category": "cost_optimizing"}}]}}"#
    );
    SnapshotBuilder::new()
        .call(G, "support/describe-trusted-advisor-checks", &listing)
        .call(
            G,
            &format!("support/describe-trusted-advisor-check-result/{id}"),
            result,
        )
        .build()
}

fn result(id: &str, status: &str, flagged: i64) -> String {
    format!(
        r#"{{"result": {{"checkId": "{id}", "status": "{status}",
                "resourcesSummary": {{"resourcesProcessed": 3, "resourcesFlagged": {flagged}}}}}}}"#
    )
}

#[test]
fn no_business_support_plan_is_not_applicable() {
    let snapshot = SnapshotBuilder::new()
        .failed(
            G,
            "support/describe-trusted-advisor-checks",
            CallStatus::NotEnabled,
        )
        .build();
    let (status, reason) = only(&snapshot, TRUSTED_ADVISOR);
    assert_eq!(status, Status::NotApplicable);
    assert_eq!(
        reason,
        "Trusted Advisor security checks need a Business or Enterprise support plan"
    );
}

#[test]
fn yellow_result_fails_naming_the_check_and_the_flagged_count() {
    let found = findings(
        &advisor("Yw2K9puPzl", &result("Yw2K9puPzl", "warning", 1)),
        TRUSTED_ADVISOR,
    );
    assert_eq!(outcomes(&found), rows(&[("fail", G, "Yw2K9puPzl")]));
    assert_eq!(
        found[0].reason,
        "Trusted Advisor: Check Yw2K9puPzl is yellow (warning), 1 resource(s) flagged"
    );
}

#[test]
fn green_result_passes_and_not_available_is_not_applicable() {
    let ok = advisor("zXCkfM1nI3", &result("zXCkfM1nI3", "ok", 0));
    assert_eq!(only(&ok, TRUSTED_ADVISOR).0, Status::Pass);
    let na = advisor("zXCkfM1nI3", &result("zXCkfM1nI3", "not_available", 0));
    assert_eq!(only(&na, TRUSTED_ADVISOR).0, Status::NotApplicable);
}

#[test]
fn red_result_with_null_metadata_cells_fails_as_reported() {
    let json = r#"{"result": {"checkId": "HCP4007jGY", "status": "error", "flaggedResources": [
            {"status": "error", "region": "eu-west-2", "resourceId": "a",
             "metadata": ["eu-west-2", null, "Red"]},
            {"status": "ok", "resourceId": "b"}]}}"#;
    let (status, reason) = only(&advisor("HCP4007jGY", json), TRUSTED_ADVISOR);
    assert_eq!(status, Status::Fail);
    // No summary: the flagged rows that are not green are counted.
    assert!(
        reason.ends_with("red (error), 1 resource(s) flagged"),
        "{reason}"
    );
}

#[test]
fn case_ta_ebs_snapshots_error_is_reported_red() {
    let Some(json) = public_export("ta-ebs-snapshots-error.json") else {
        return;
    };
    // Listed as a security check here so that its result is read.
    let (status, reason) = only(&advisor("H7IgTzjTYb", &json), TRUSTED_ADVISOR);
    assert_eq!(status, Status::Fail);
    assert!(
        reason.ends_with("red (error), 4 resource(s) flagged"),
        "{reason}"
    );
}

#[test]
fn case_ta_awscli_docs_no_metadata_is_green() {
    let Some(json) = public_export("ta-awscli-docs-no-metadata.json") else {
        return;
    };
    assert_eq!(
        only(&advisor("zXCkfM1nI3", &json), TRUSTED_ADVISOR).0,
        Status::Pass
    );
}

#[test]
fn security_check_without_its_result_is_not_assessed() {
    let listing = r#"{"checks":
            [{"id": "7DAFEmoDos", "name": "MFA on Root Account", "category": "security"}]}"#;
    let snapshot = SnapshotBuilder::new()
        .call(G, "support/describe-trusted-advisor-checks", listing)
        .failed(
            G,
            "support/describe-trusted-advisor-check-result/7DAFEmoDos",
            CallStatus::Missing,
        )
        .build();
    assert_eq!(only(&snapshot, TRUSTED_ADVISOR).0, Status::NotAssessed);
}

#[test]
fn sample_trusted_advisor() {
    let main = |status, check| (status, MAIN, G, check);
    let expected = sample_rows(&[
        main("fail", "HCP4007jGY"),
        main("fail", "1iG5NDGVre"),
        main("pass", "zXCkfM1nI3"),
        main("pass", "7DAFEmoDos"),
        main("fail", "Yw2K9puPzl"),
        main("fail", "DqdJqYeRm5"),
        main("pass", "12Fnkpl8Y5"),
        main("pass", "Pfx0RwqBli"),
        main("pass", "ePs02jT06w"),
        main("pass", "rSs93HQwa1"),
        // No Business support plan: SubscriptionRequiredException.
        ("not-applicable", RESEARCH, G, RESEARCH),
    ]);
    assert_eq!(sample_outcomes(TRUSTED_ADVISOR), expected);
}
