//! Instance age: how long before the snapshot's instant each live instance
//! was launched. An instance is rebuilt from a current image to take in
//! its fixes, so a long-running one falls behind however it was built.

use super::{INSTANCE_AGE, per_instance};
use crate::assess::context::Context;
use crate::assess::finding::Finding;

/// An instance older than this many days has drifted from the current
/// hardened image and should be rebuilt. 180 is Prowler's default for
/// `ec2_instance_older_than_specific_days` (`max_ec2_instance_age_in_days`).
const MAX_INSTANCE_AGE_DAYS: i64 = 180;

pub(super) fn instance_age(ctx: &Context) -> Vec<Finding> {
    per_instance(ctx, INSTANCE_AGE, |ctx, seen| {
        let builder = seen.finding(INSTANCE_AGE);
        let Some(launched) = seen.instance.launch_time else {
            return builder
                .evidence(seen.file, seen.at.clone())
                .not_assessed("describe-instances gives no LaunchTime for the instance");
        };

        let builder = builder.evidence(seen.file, seen.member("LaunchTime"));
        let days = match ctx.age_in_days("LaunchTime", launched.0) {
            Ok(days) => days,
            Err(why) => return builder.not_assessed(why),
        };
        builder.verdict(
            days <= MAX_INSTANCE_AGE_DAYS,
            format!("launched {days} days before the snapshot"),
            format!("launched {days} days before the snapshot; rebuild from a current image"),
        )
    })
}
