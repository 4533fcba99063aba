//! Tests of the instance age check (`age.rs`).

use super::*;

fn launched(time: Value) -> Vec<Finding> {
    let s = snapshot(
        &[instance("i-1", "ami-1", json!({ "LaunchTime": time }))],
        &[],
    );
    findings(&s, INSTANCE_AGE)
}

#[test]
fn instance_launched_264_days_before_the_snapshot_fails() {
    let f = launched(json!("2026-03-11T09:00:00+00:00"));
    let f = only(&f);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.reason,
        "launched 264 days before the snapshot; rebuild from a current image"
    );
    assert_eq!(
        f.evidence[0].pointer,
        "/Reservations/0/Instances/0/LaunchTime"
    );
}

#[test]
fn instance_exactly_180_days_old_passes_and_181_fails() {
    assert_eq!(
        only(&launched(json!("2026-06-03T09:00:00Z"))).status,
        Status::Pass
    );
    assert_eq!(
        only(&launched(json!("2026-06-02T09:00:00Z"))).status,
        Status::Fail
    );
}

#[test]
fn cli_v1_epoch_launch_time_is_aged_like_iso_text() {
    // 2026-03-11T09:00:00Z as epoch seconds.
    let f = launched(json!(1_773_219_600.0));
    assert!(only(&f).reason.starts_with("launched 264 days"));
}

#[test]
fn instance_without_launch_time_is_not_assessed() {
    let f = launched(Value::Null);
    assert_eq!(only(&f).status, Status::NotAssessed);
}

#[test]
fn instance_launched_after_the_snapshot_is_not_assessed() {
    let f = launched(json!("2026-12-01T00:00:00Z"));
    assert_eq!(only(&f).status, Status::NotAssessed);
}
