//! Where an instance came from: the image it was launched from, whether the
//! user's approved-image list approves it, and whether it is deprecated.
//!
//! - An *image* (AMI) is the disk template an EC2 instance is launched from;
//!   `describe-images` gives its owner account (`OwnerId`, always present)
//!   and sometimes an alias (`amazon`, `aws-marketplace`). An image is
//!   *approved* only when the user's approved-image list says so: no owner
//!   is hardened by provenance alone.
//! - An image is *deprecated* once its `DeprecationTime` has passed: its
//!   publisher no longer offers it as a current build. A *deregistered*
//!   image is gone altogether, so `describe-images` no longer returns it and
//!   its owner, name and deprecation cannot be known.

use super::{APPROVED, NOT_DEPRECATED, Seen, per_instance};
use crate::assess::context::Context;
use crate::assess::finding::{Finding, pointer};
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{Image, Images};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// The image an instance was launched from, as `describe-images` gives it.
struct Found<'a> {
    image: &'a Image,
    file: &'a str,
    at: String,
}

/// Why an instance's image cannot be read: one line, and the file that
/// shows it where there is one.
struct Unknown<'a> {
    file: Option<&'a str>,
    reason: String,
}

/// Finds the image `seen` was launched from in the region's images.
fn launch_image<'a>(ctx: &'a Context, seen: &Seen) -> Result<Found<'a>, Unknown<'a>> {
    let Some(image_id) = seen.instance.image_id.as_deref() else {
        let reason = "describe-instances gives no ImageId for the instance".to_string();
        return Err(Unknown { file: None, reason });
    };
    let answer = ctx.snapshot.answer::<Images>(seen.account, seen.region);
    let (Some(images), Some(file)) = (answer.value(), answer.file()) else {
        let reason = format!("image {image_id}: {}", answer.why_unavailable());
        return Err(Unknown {
            file: answer.file(),
            reason,
        });
    };

    let found = images
        .images
        .iter()
        .position(|i| i.image_id.as_deref() == Some(image_id));
    match (found, answer) {
        (Some(j), _) => Ok(Found {
            image: &images.images[j],
            file,
            at: pointer(&[&"Images", &j]),
        }),
        (None, Answer::Partial { .. }) => Err(Unknown {
            file: Some(file),
            reason: format!("image {image_id} is not in the first page of describe-images"),
        }),
        (None, _) => Err(Unknown {
            file: Some(file),
            reason: format!(
                "launched from {image_id}, which describe-images does not return \
                 (deregistered, or no longer shared with the account)"
            ),
        }),
    }
}

/// A not-assessed finding for an instance whose image cannot be read.
fn image_unknown(check: &str, seen: &Seen, unknown: Unknown, what: &str) -> Finding {
    seen.finding(check)
        .evidence(seen.file, seen.member("ImageId"))
        .evidence_opt(unknown.file, "")
        .not_assessed(format!("{}: {what} unknown", unknown.reason))
}

/// `ami-… (name)`, or the bare ID when the image has no name.
fn describe(image: &Image) -> String {
    let id = image.image_id.as_deref().unwrap_or("(no image id)");
    match image.name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => format!("{id} ({name})"),
        None => id.to_string(),
    }
}

/// `owner 137112412989 (amazon)`; the owner ID alone when there is no alias.
fn owner(image: &Image) -> String {
    let id = image.owner_id.as_deref().unwrap_or("unknown");
    match image.image_owner_alias.as_deref() {
        Some(alias) => format!("owner {id} ({alias})"),
        None => format!("owner {id}"),
    }
}

pub(super) fn approved(ctx: &Context) -> Vec<Finding> {
    per_instance(ctx, APPROVED, |ctx, seen| {
        if !ctx.approved_images.given {
            return seen
                .finding(APPROVED)
                .evidence(seen.file, seen.member("ImageId"))
                .not_assessed("no approved-image list given (--approved-images)");
        }
        let found = match launch_image(ctx, seen) {
            Ok(found) => found,
            Err(unknown) => return image_unknown(APPROVED, seen, unknown, "owner and name"),
        };

        let image = found.image;
        let builder = seen
            .finding(APPROVED)
            .evidence(seen.file, seen.member("ImageId"))
            .evidence(found.file, found.at);
        match ctx.approved_images.approves(image) {
            Some(why) => builder.pass(format!("launched from {}: {why}", describe(image))),
            None => builder.fail(format!(
                "launched from {}, {}, which the approved-image list does not approve",
                describe(image),
                owner(image)
            )),
        }
    })
}

pub(super) fn not_deprecated(ctx: &Context) -> Vec<Finding> {
    per_instance(ctx, NOT_DEPRECATED, |ctx, seen| {
        let found = match launch_image(ctx, seen) {
            Ok(found) => found,
            Err(unknown) => return image_unknown(NOT_DEPRECATED, seen, unknown, "deprecation"),
        };

        let image = found.image;
        let builder = seen
            .finding(NOT_DEPRECATED)
            .evidence(seen.file, seen.member("ImageId"));
        let Some(text) = image
            .deprecation_time
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        else {
            return builder.evidence(found.file, found.at).pass(format!(
                "launched from {}, which has no deprecation time",
                describe(image)
            ));
        };

        let builder = builder.evidence(found.file, format!("{}/DeprecationTime", found.at));
        match parse_ec2_time(text) {
            None => builder.not_assessed(format!(
                "image {}: DeprecationTime `{text}` is not a date and time",
                describe(image)
            )),
            Some(when) if when > ctx.as_of => builder.pass(format!(
                "launched from {}, deprecated only from {}",
                describe(image),
                when.date()
            )),
            Some(when) => builder.fail(format!(
                "launched from {}, deprecated since {}",
                describe(image),
                when.date()
            )),
        }
    })
}

/// Reads a time as EC2 writes it in string members (`2026-07-10T00:35:00.000Z`),
/// leniently: RFC 3339, the same without an offset (read as UTC), or a bare
/// date (its midnight, UTC).
pub(super) fn parse_ec2_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(when) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(when);
    }
    let local = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    if let Ok(when) = PrimitiveDateTime::parse(text, local) {
        return Some(when.assume_utc());
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|day| day.midnight().assume_utc())
}
