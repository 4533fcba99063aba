//! Hardened images: are the guest servers built from a security-hardened
//! image and kept close to it (NCSC/NHS Principle 14, guidance point 1)?
//!
//! Terms used below:
//! - an *image* (AMI) is the disk template an EC2 instance is launched from;
//!   `describe-images` gives its owner account (`OwnerId`, always present)
//!   and sometimes an alias (`amazon`, `aws-marketplace`). An image is
//!   *approved* only when the user's approved-image list says so: no owner
//!   is hardened by provenance alone;
//! - an image is *deprecated* once its `DeprecationTime` has passed: its
//!   publisher no longer offers it as a current build. A *deregistered*
//!   image is gone altogether, so `describe-images` no longer returns it and
//!   its owner, name and deprecation cannot be known;
//! - IMDS is the instance metadata service, which hands an instance its
//!   role credentials. Version 1 answers any plain HTTP GET (so a
//!   server-side request forgery can read the credentials); version 2 needs
//!   a session token first. `HttpTokens required` turns version 1 off.
//!
//! Instances that are `terminated` or `shutting-down` (the way to
//! `terminated`; stopping goes through `stopping`) are skipped by every
//! check here: they run nothing and will not run again. Every other state,
//! including a missing one, is judged.

use super::Check;
use crate::assess::context::{self, Context};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{Image, Images, Instance, InstanceMetadataDefaults, Instances};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

pub static CHECKS: &[Check] = &[
    Check {
        id: APPROVED,
        title: "Instances are launched from an approved hardened image",
        run: approved,
    },
    Check {
        id: NOT_DEPRECATED,
        title: "Instances are not launched from a deprecated image",
        run: not_deprecated,
    },
    Check {
        id: INSTANCE_AGE,
        title: "Instances were launched within the last 180 days",
        run: instance_age,
    },
    Check {
        id: IMDS_V2_REQUIRED,
        title: "Instances require IMDSv2",
        run: imds_v2_required,
    },
    Check {
        id: IMDS_ACCOUNT_DEFAULT,
        title: "New instances require IMDSv2 by account default",
        run: imds_account_default,
    },
];

const APPROVED: &str = "image.approved";
const NOT_DEPRECATED: &str = "image.not-deprecated";
const INSTANCE_AGE: &str = "instance.age";
const IMDS_V2_REQUIRED: &str = "imds.v2-required";
const IMDS_ACCOUNT_DEFAULT: &str = "imds.account-default";

/// An instance older than this many days has drifted from the current
/// hardened image and should be rebuilt. 180 is Prowler's default for
/// `ec2_instance_older_than_specific_days` (`max_ec2_instance_age_in_days`).
const MAX_INSTANCE_AGE_DAYS: i64 = 180;

/// One live instance of a region's `describe-instances` answer, and where
/// it sits in the snapshot.
struct Seen<'a> {
    account: &'a str,
    region: &'a str,
    instance: &'a Instance,
    /// The instance ID, or the JSON pointer when the ID is missing.
    id: String,
    file: &'a str,
    at: String,
}

impl Seen<'_> {
    /// A finding of `check` on this instance, named after its `Name` tag.
    fn finding(&self, check: &str) -> FindingBuilder {
        let name = self
            .instance
            .tags
            .iter()
            .find(|t| t.key.as_deref() == Some("Name"))
            .and_then(|t| t.value.as_deref());
        Finding::on(check, self.account, self.region, self.id.clone()).name(name)
    }

    /// A JSON pointer to `member` of this instance.
    fn member(&self, member: &str) -> String {
        format!("{}{}", self.at, pointer(&[&member]))
    }
}

/// The live instances of `instances`, in the order they are listed.
fn live<'a>(
    account: &'a str,
    region: &'a str,
    instances: &'a Instances,
    file: &'a str,
) -> Vec<Seen<'a>> {
    let mut seen = Vec::new();
    for (r, reservation) in instances.reservations.iter().enumerate() {
        for (i, instance) in reservation.instances.iter().enumerate() {
            let state = instance.state.as_ref().and_then(|s| s.name.as_deref());
            if matches!(state, Some("terminated" | "shutting-down")) {
                continue;
            }
            let at = pointer(&[&"Reservations", &r, &"Instances", &i]);
            let id = instance.instance_id.clone().unwrap_or_else(|| at.clone());
            seen.push(Seen {
                account,
                region,
                instance,
                id,
                file,
                at,
            });
        }
    }
    seen
}

/// Runs `judge` on every live instance of every region. A region whose
/// instances cannot be listed gets one not-assessed finding; one listed only
/// in part gets its instances judged plus a not-assessed finding for the
/// rest; one with no live instance gets a not-applicable finding.
fn per_instance(
    ctx: &Context,
    check: &'static str,
    judge: impl Fn(&Context, &Seen) -> Finding,
) -> Vec<Finding> {
    ctx.each_region(check, |account, region| {
        let answer = ctx.snapshot.answer::<Instances>(account, region);
        let region_finding = Finding::on(check, account, region, region);
        let (Some(instances), Some(file)) = (answer.value(), answer.file()) else {
            return vec![context::unavailable(region_finding, &answer)];
        };

        let seen = live(account, region, instances, file);
        let mut findings: Vec<Finding> = seen.iter().map(|s| judge(ctx, s)).collect();
        if let Answer::Partial { .. } = answer {
            findings.push(region_finding.evidence(file, "").not_assessed(format!(
                "{}: instances beyond it are not assessed",
                answer.why_unavailable()
            )));
        } else if seen.is_empty() {
            findings.push(
                region_finding
                    .evidence(file, "/Reservations")
                    .not_applicable(format!(
                        "no EC2 instance in {region} (terminated ones are not counted)"
                    )),
            );
        }
        findings
    })
}

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

fn approved(ctx: &Context) -> Vec<Finding> {
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

fn not_deprecated(ctx: &Context) -> Vec<Finding> {
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
fn parse_ec2_time(text: &str) -> Option<OffsetDateTime> {
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

fn instance_age(ctx: &Context) -> Vec<Finding> {
    per_instance(ctx, INSTANCE_AGE, |ctx, seen| {
        let builder = seen.finding(INSTANCE_AGE);
        let Some(launched) = seen.instance.launch_time else {
            return builder
                .evidence(seen.file, seen.at.clone())
                .not_assessed("describe-instances gives no LaunchTime for the instance");
        };

        let builder = builder.evidence(seen.file, seen.member("LaunchTime"));
        if launched.0 > ctx.as_of {
            // A launch after the snapshot's instant means the evidence does
            // not describe one moment: say so rather than guess an age.
            return builder.not_assessed(format!(
                "LaunchTime {launched} is after the snapshot's time"
            ));
        }
        let days = ctx.days_since(launched.0);
        builder.verdict(
            days <= MAX_INSTANCE_AGE_DAYS,
            format!("launched {days} days before the snapshot"),
            format!("launched {days} days before the snapshot; rebuild from a current image"),
        )
    })
}

fn imds_v2_required(ctx: &Context) -> Vec<Finding> {
    per_instance(ctx, IMDS_V2_REQUIRED, |_, seen| {
        let builder = seen.finding(IMDS_V2_REQUIRED);
        let Some(options) = seen.instance.metadata_options.as_ref() else {
            return builder
                .evidence(seen.file, seen.at.clone())
                .not_assessed("describe-instances gives no MetadataOptions for the instance");
        };

        // With the endpoint off, neither IMDS version answers at all. The
        // options' own `State` (pending while a change applies) is not
        // considered: the requested setting is what the instance will run.
        let at = seen.member("MetadataOptions");
        if options.http_endpoint.as_deref() == Some("disabled") {
            return builder
                .evidence(seen.file, format!("{at}/HttpEndpoint"))
                .pass("the instance metadata service is disabled (HttpEndpoint disabled)");
        }
        let builder = builder.evidence(seen.file, format!("{at}/HttpTokens"));
        match options.http_tokens.as_deref() {
            Some("required") => builder.pass("IMDSv2 required (HttpTokens required)"),
            Some("optional") => {
                builder.fail("IMDSv1 still answers: HttpTokens optional, IMDSv2 not required")
            }
            Some(other) => builder.not_assessed(format!("HttpTokens `{other}` is not understood")),
            None => builder.not_assessed("MetadataOptions gives no HttpTokens"),
        }
    })
}

fn imds_account_default(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(IMDS_ACCOUNT_DEFAULT, |account, region| {
        let answer = ctx
            .snapshot
            .answer::<InstanceMetadataDefaults>(account, region);
        let builder = Finding::on(IMDS_ACCOUNT_DEFAULT, account, region, region)
            .name(Some("account default for instance metadata"));
        let (Some(defaults), Some(file)) = (answer.value(), answer.file()) else {
            return vec![context::unavailable(builder, &answer)];
        };

        let level = defaults.account_level.as_ref();
        let endpoint = level.and_then(|l| l.http_endpoint.as_deref());
        let tokens = level
            .and_then(|l| l.http_tokens.as_deref())
            .filter(|t| !t.is_empty());
        let finding = match (endpoint, tokens) {
            (Some("disabled"), _) => builder
                .evidence(file, "/AccountLevel/HttpEndpoint")
                .pass("account default disables the metadata service for new instances"),
            (_, Some("required")) => builder
                .evidence(file, "/AccountLevel/HttpTokens")
                .pass("account default requires IMDSv2 (HttpTokens required)"),
            (_, None) => builder
                .evidence(file, "/AccountLevel")
                .fail("no account default: new instances allow IMDSv1 unless launched otherwise"),
            (_, Some(other)) => builder
                .evidence(file, "/AccountLevel/HttpTokens")
                .fail(format!(
                    "account default HttpTokens `{other}`: new instances allow IMDSv1 \
                 unless launched otherwise"
                )),
        };
        vec![finding]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::approved::ApprovedImages;
    use crate::assess::finding::Status;
    use crate::assess::testing::{self, SnapshotBuilder, findings, findings_with, outcomes};
    use crate::snapshot::log::CallStatus;
    use serde_json::{Value, json};

    const REGION: &str = "eu-west-2";
    const PIPELINE: &str = "444455556666";

    /// A running instance launched from `image` 47 days before the snapshot,
    /// requiring IMDSv2; `extra` overrides or adds members.
    fn instance(id: &str, image: &str, extra: Value) -> Value {
        let mut instance = json!({
            "InstanceId": id,
            "ImageId": image,
            "LaunchTime": "2026-10-14T09:03:51+00:00",
            "State": {"Code": 16, "Name": "running"},
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
            "Tags": [{"Key": "Name", "Value": format!("name-of-{id}")}]
        });
        if let (Some(base), Value::Object(extra)) = (instance.as_object_mut(), extra) {
            base.extend(extra);
        }
        instance
    }

    fn instances(list: &[Value]) -> String {
        json!({"Reservations": [{"ReservationId": "r-1", "Instances": list}]}).to_string()
    }

    fn image(id: &str, owner: &str, extra: Value) -> Value {
        let mut image = json!({"ImageId": id, "OwnerId": owner, "Name": format!("name-of-{id}")});
        if let (Some(base), Value::Object(extra)) = (image.as_object_mut(), extra) {
            base.extend(extra);
        }
        image
    }

    fn images(list: &[Value]) -> String {
        json!({ "Images": list }).to_string()
    }

    fn pipeline_list() -> ApprovedImages {
        ApprovedImages::parse(&format!("owners = [\"{PIPELINE}\"]")).unwrap()
    }

    /// One region with `list` instances and `imgs` images.
    fn snapshot(list: &[Value], imgs: &[Value]) -> crate::snapshot::read::Snapshot {
        SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", &instances(list))
            .call(REGION, "ec2/describe-images", &images(imgs))
            .build()
    }

    fn only(findings: &[Finding]) -> &Finding {
        assert_eq!(findings.len(), 1, "{findings:#?}");
        &findings[0]
    }

    fn public_export(name: &str) -> Option<String> {
        let path = format!(
            "{}/../shared/cases/public-exports/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).ok()
    }

    // image.approved

    #[test]
    fn instance_on_an_image_from_an_approved_owner_passes() {
        let s = snapshot(
            &[instance("i-1", "ami-1", json!({}))],
            &[image("ami-1", PIPELINE, json!({}))],
        );
        let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
        let f = only(&f);
        assert_eq!(f.status, Status::Pass);
        assert_eq!(f.resource_name.as_deref(), Some("name-of-i-1"));
        assert!(f.reason.contains("444455556666"), "{}", f.reason);
        assert_eq!(f.evidence[1].pointer, "/Images/0");
    }

    #[test]
    fn instance_on_an_unlisted_amazon_image_fails_naming_owner_and_alias() {
        let s = snapshot(
            &[instance("i-1", "ami-2", json!({}))],
            &[image(
                "ami-2",
                "137112412989",
                json!({"ImageOwnerAlias": "amazon"}),
            )],
        );
        let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
        let f = only(&f);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.reason,
            "launched from ami-2 (name-of-ami-2), owner 137112412989 (amazon), \
             which the approved-image list does not approve"
        );
    }

    #[test]
    fn without_an_approved_list_approval_is_not_assessed_never_passed() {
        let s = snapshot(
            &[instance("i-1", "ami-1", json!({}))],
            &[image("ami-1", PIPELINE, json!({}))],
        );
        let f = findings(&s, APPROVED);
        let f = only(&f);
        assert_eq!(f.status, Status::NotAssessed);
        assert_eq!(f.reason, "no approved-image list given (--approved-images)");
    }

    #[test]
    fn image_not_returned_by_describe_images_is_not_assessed_as_deregistered() {
        let s = snapshot(
            &[instance("i-1", "ami-gone", json!({}))],
            &[image("ami-1", PIPELINE, json!({}))],
        );
        for check in [APPROVED, NOT_DEPRECATED] {
            let f = findings_with(&s, check, &pipeline_list(), &[]);
            let f = only(&f);
            assert_eq!(f.status, Status::NotAssessed, "{check}");
            assert!(f.reason.contains("ami-gone") && f.reason.contains("deregistered"));
        }
    }

    #[test]
    fn describe_images_denied_leaves_image_checks_not_assessed_per_instance() {
        let s = SnapshotBuilder::new()
            .call(
                REGION,
                "ec2/describe-instances",
                &instances(&[
                    instance("i-1", "ami-1", json!({})),
                    instance("i-2", "ami-1", json!({})),
                ]),
            )
            .failed(REGION, "ec2/describe-images", CallStatus::AccessDenied)
            .build();
        for check in [APPROVED, NOT_DEPRECATED] {
            let f = findings_with(&s, check, &pipeline_list(), &[]);
            assert_eq!(
                outcomes(&f),
                [
                    ("not-assessed".into(), REGION.into(), "i-1".into()),
                    ("not-assessed".into(), REGION.into(), "i-2".into()),
                ]
            );
            assert!(f[0].reason.contains("was denied"), "{}", f[0].reason);
        }
    }

    #[test]
    fn image_absent_from_a_first_page_of_images_is_unknown_not_deregistered() {
        let s = SnapshotBuilder::new()
            .call(
                REGION,
                "ec2/describe-instances",
                &instances(&[instance("i-1", "ami-later", json!({}))]),
            )
            .partial(
                REGION,
                "ec2/describe-images",
                &images(&[image("ami-1", PIPELINE, json!({}))]),
            )
            .build();
        let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
        let f = only(&f);
        assert_eq!(f.status, Status::NotAssessed);
        assert!(f.reason.contains("first page"), "{}", f.reason);
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn custodian_images_canonical_owner_without_alias_is_known_and_not_approved() {
        let Some(exported) = public_export("images-custodian-mixed-owners.json") else {
            eprintln!("skipped: images-custodian-mixed-owners.json is not present");
            return;
        };
        let list = [
            instance("i-ubuntu", "ami-cd0f5cb6", json!({})),
            instance("i-amazon", "ami-0b33d91d", json!({})),
            instance("i-own", "ami-0749e67d", json!({})),
        ];
        let s = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", &instances(&list))
            .call(REGION, "ec2/describe-images", &exported)
            .build();

        // An empty list approves nothing, whoever publishes the image.
        let empty = ApprovedImages::parse("").unwrap();
        let f = findings_with(&s, APPROVED, &empty, &[]);
        assert!(f.iter().all(|f| f.status == Status::Fail), "{f:#?}");
        let ubuntu = f.iter().find(|f| f.resource_id == "i-ubuntu").unwrap();
        assert!(
            ubuntu.reason.contains("owner 099720109477,"),
            "{}",
            ubuntu.reason
        );

        // Listing the account's own owner approves only its own images.
        let own = ApprovedImages::parse("owners = [\"123456789012\"]").unwrap();
        let f = findings_with(&s, APPROVED, &own, &[]);
        assert_eq!(
            outcomes(&f),
            [
                ("fail".into(), REGION.into(), "i-amazon".into()),
                ("fail".into(), REGION.into(), "i-ubuntu".into()),
                ("pass".into(), REGION.into(), "i-own".into()),
            ]
        );
    }

    // image.not-deprecated

    fn deprecated_at(time: &str) -> Vec<Finding> {
        let s = snapshot(
            &[instance("i-1", "ami-1", json!({}))],
            &[image(
                "ami-1",
                "137112412989",
                json!({"DeprecationTime": time}),
            )],
        );
        findings(&s, NOT_DEPRECATED)
    }

    #[test]
    fn image_past_its_deprecation_time_fails_with_the_date() {
        let f = deprecated_at("2026-07-10T00:35:00.000Z");
        let f = only(&f);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.reason,
            "launched from ami-1 (name-of-ami-1), deprecated since 2026-07-10"
        );
        assert_eq!(f.evidence[1].pointer, "/Images/0/DeprecationTime");
    }

    #[test]
    fn image_deprecated_only_after_the_snapshot_passes() {
        let f = deprecated_at("2027-01-01T00:00:00.000Z");
        assert_eq!(only(&f).status, Status::Pass);
    }

    #[test]
    fn image_without_deprecation_time_passes() {
        let s = snapshot(
            &[instance("i-1", "ami-1", json!({}))],
            &[image("ami-1", PIPELINE, json!({}))],
        );
        assert_eq!(only(&findings(&s, NOT_DEPRECATED)).status, Status::Pass);
    }

    #[test]
    fn unparsable_deprecation_time_is_not_assessed() {
        let f = deprecated_at("next tuesday");
        let f = only(&f);
        assert_eq!(f.status, Status::NotAssessed);
        assert!(f.reason.contains("`next tuesday`"), "{}", f.reason);
    }

    #[test]
    fn ec2_times_parse_with_or_without_offset_and_fraction() {
        let midnight = parse_ec2_time("2026-07-10T00:00:00.000Z").unwrap();
        assert_eq!(parse_ec2_time("2026-07-10T00:00:00Z"), Some(midnight));
        assert_eq!(parse_ec2_time("2026-07-10T00:00:00+00:00"), Some(midnight));
        assert_eq!(parse_ec2_time("2026-07-10T00:00:00.000"), Some(midnight));
        assert_eq!(parse_ec2_time(" 2026-07-10 "), Some(midnight));
        assert_eq!(parse_ec2_time("no_information"), None);
        assert_eq!(parse_ec2_time(""), None);
    }

    // instance.age

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

    // imds.v2-required

    fn with_metadata(options: Value) -> Finding {
        let s = snapshot(
            &[instance(
                "i-1",
                "ami-1",
                json!({ "MetadataOptions": options }),
            )],
            &[],
        );
        only(&findings(&s, IMDS_V2_REQUIRED)).clone()
    }

    #[test]
    fn imds_tokens_required_passes_and_optional_fails() {
        let required = with_metadata(json!({"HttpTokens": "required", "HttpEndpoint": "enabled"}));
        assert_eq!(required.status, Status::Pass);
        let optional = with_metadata(json!({"HttpTokens": "optional", "HttpEndpoint": "enabled"}));
        assert_eq!(optional.status, Status::Fail);
        assert_eq!(
            optional.evidence[0].pointer,
            "/Reservations/0/Instances/0/MetadataOptions/HttpTokens"
        );
    }

    #[test]
    fn imds_endpoint_disabled_passes_even_with_optional_tokens() {
        let f = with_metadata(json!({"HttpTokens": "optional", "HttpEndpoint": "disabled"}));
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn imds_without_metadata_options_or_tokens_is_not_assessed() {
        assert_eq!(with_metadata(Value::Null).status, Status::NotAssessed);
        assert_eq!(with_metadata(json!({})).status, Status::NotAssessed);
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn awscli_docs_instance_allowing_imdsv1_fails_despite_malformed_private_ip() {
        let Some(exported) = public_export("instances-awscli-docs-imdsv1.json") else {
            eprintln!("skipped: instances-awscli-docs-imdsv1.json is not present");
            return;
        };
        let s = SnapshotBuilder::new()
            .call("us-east-2", "ec2/describe-instances", &exported)
            .build();
        let f = findings(&s, IMDS_V2_REQUIRED);
        let f = only(&f);
        assert_eq!(
            (f.status, f.resource_id.as_str()),
            (Status::Fail, "i-1234567890abcdef0")
        );
        assert_eq!(f.resource_name.as_deref(), Some("my-instance"));

        // Its image is not in the export at all: unknown, never approved.
        let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
        assert_eq!(only(&f).status, Status::NotAssessed);
    }

    // imds.account-default

    fn account_default(json: &str) -> Finding {
        let s = SnapshotBuilder::new()
            .call(REGION, "ec2/get-instance-metadata-defaults", json)
            .build();
        only(&findings(&s, IMDS_ACCOUNT_DEFAULT)).clone()
    }

    #[test]
    fn account_default_requiring_tokens_passes() {
        let f = account_default(r#"{"AccountLevel": {"HttpTokens": "required"}}"#);
        assert_eq!((f.status, f.resource_id.as_str()), (Status::Pass, REGION));
    }

    #[test]
    fn empty_or_absent_account_default_fails() {
        for json in [
            r#"{"AccountLevel": {}}"#,
            "{}",
            r#"{"AccountLevel": {"HttpTokens": ""}}"#,
        ] {
            let f = account_default(json);
            assert_eq!(f.status, Status::Fail, "{json}");
            assert_eq!(
                f.reason,
                "no account default: new instances allow IMDSv1 unless launched otherwise"
            );
        }
    }

    #[test]
    fn account_default_with_optional_tokens_fails() {
        let f = account_default(r#"{"AccountLevel": {"HttpTokens": "optional"}}"#);
        assert_eq!(f.status, Status::Fail);
        assert!(f.reason.contains("`optional`"), "{}", f.reason);
    }

    #[test]
    fn account_default_not_collected_is_not_assessed() {
        let s = SnapshotBuilder::new()
            .failed(
                REGION,
                "ec2/get-instance-metadata-defaults",
                CallStatus::AccessDenied,
            )
            .build();
        let f = findings(&s, IMDS_ACCOUNT_DEFAULT);
        assert_eq!(only(&f).status, Status::NotAssessed);
    }

    // Every instance check

    #[test]
    fn terminated_and_shutting_down_instances_are_skipped() {
        let gone = |id, state| instance(id, "ami-1", json!({"State": {"Name": state}}));
        let s = snapshot(
            &[
                gone("i-t", "terminated"),
                gone("i-s", "shutting-down"),
                gone("i-p", "stopping"),
            ],
            &[image("ami-1", PIPELINE, json!({}))],
        );
        for check in [APPROVED, NOT_DEPRECATED, INSTANCE_AGE, IMDS_V2_REQUIRED] {
            let f = findings_with(&s, check, &pipeline_list(), &[]);
            assert_eq!(
                outcomes(&f),
                [("pass".into(), REGION.into(), "i-p".into())],
                "{check}"
            );
        }
    }

    #[test]
    fn region_without_live_instances_is_not_applicable() {
        let terminated = instance("i-t", "ami-1", json!({"State": {"Name": "terminated"}}));
        for list in [vec![], vec![terminated]] {
            let s = snapshot(&list, &[]);
            let f = findings(&s, IMDS_V2_REQUIRED);
            assert_eq!(
                outcomes(&f),
                [("not-applicable".into(), REGION.into(), REGION.into())]
            );
        }
    }

    #[test]
    fn describe_instances_denied_gives_one_not_assessed_finding_for_the_region() {
        let s = SnapshotBuilder::new()
            .failed(REGION, "ec2/describe-instances", CallStatus::AccessDenied)
            .build();
        for check in [APPROVED, NOT_DEPRECATED, INSTANCE_AGE, IMDS_V2_REQUIRED] {
            let f = findings_with(&s, check, &pipeline_list(), &[]);
            assert_eq!(
                outcomes(&f),
                [("not-assessed".into(), REGION.into(), REGION.into())],
                "{check}"
            );
        }
    }

    #[test]
    fn first_page_of_instances_is_judged_and_the_rest_flagged_not_assessed() {
        let list = [instance("i-1", "ami-1", json!({}))];
        let s = SnapshotBuilder::new()
            .partial(REGION, "ec2/describe-instances", &instances(&list))
            .build();
        let f = findings(&s, IMDS_V2_REQUIRED);
        assert_eq!(
            outcomes(&f),
            [
                ("not-assessed".into(), REGION.into(), REGION.into()),
                ("pass".into(), REGION.into(), "i-1".into()),
            ]
        );
    }

    #[test]
    fn regions_not_exported_are_not_assessed() {
        let s = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", &instances(&[]))
            .not_exported("eu-west-3")
            .build();
        let f = findings(&s, INSTANCE_AGE);
        assert!(outcomes(&f).contains(&(
            "not-assessed".into(),
            "eu-west-3".into(),
            "eu-west-3".into()
        )));
    }

    // The shipped sample

    /// Not-assessed findings for the sample's 15 enabled regions not exported.
    fn not_exported() -> Vec<(String, String, String)> {
        [
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ca-central-1",
            "eu-central-1",
            "eu-north-1",
            "eu-west-3",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ]
        .iter()
        .map(|r| ("not-assessed".to_string(), r.to_string(), r.to_string()))
        .collect()
    }

    /// The sample's expected outcomes: `exported` plus the regions not
    /// exported, sorted as `outcomes` sorts them.
    fn expected(exported: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        let mut all = not_exported();
        all.extend(
            exported
                .iter()
                .map(|(s, r, id)| (s.to_string(), r.to_string(), id.to_string())),
        );
        all.sort();
        all
    }

    #[test]
    fn sample_approved_images() {
        let f = testing::sample_findings(APPROVED);
        assert_eq!(
            outcomes(&f),
            expected(&[
                ("pass", "eu-west-2", "i-0f8fe36c99f6117bc"),
                ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
                ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
                ("not-assessed", "eu-west-2", "i-0e20bc004089dff27"),
                ("pass", "eu-west-2", "i-024776a5a08ff4205"),
                ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
                ("pass", "eu-west-2", "i-03170955e7955eb92"),
                ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
                ("pass", "eu-west-1", "i-0f563f848ad79f09a"),
            ])
        );
    }

    #[test]
    fn sample_deprecated_images() {
        let f = testing::sample_findings(NOT_DEPRECATED);
        assert_eq!(
            outcomes(&f),
            expected(&[
                ("pass", "eu-west-2", "i-0f8fe36c99f6117bc"),
                ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
                ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
                ("not-assessed", "eu-west-2", "i-0e20bc004089dff27"),
                ("pass", "eu-west-2", "i-024776a5a08ff4205"),
                ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
                ("pass", "eu-west-2", "i-03170955e7955eb92"),
                ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
                ("pass", "eu-west-1", "i-0f563f848ad79f09a"),
            ])
        );
    }

    #[test]
    fn sample_instance_age() {
        let f = testing::sample_findings(INSTANCE_AGE);
        assert_eq!(
            outcomes(&f),
            expected(&[
                ("pass", "eu-west-2", "i-0f8fe36c99f6117bc"),
                ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
                ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
                ("pass", "eu-west-2", "i-0e20bc004089dff27"),
                ("pass", "eu-west-2", "i-024776a5a08ff4205"),
                ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
                ("pass", "eu-west-2", "i-03170955e7955eb92"),
                ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
                ("pass", "eu-west-1", "i-0f563f848ad79f09a"),
            ])
        );
        let build = f
            .iter()
            .find(|f| f.resource_id == "i-061877f9a6c0d1358")
            .unwrap();
        assert!(
            build.reason.starts_with("launched 628 days"),
            "{}",
            build.reason
        );
    }

    #[test]
    fn sample_imds_v2_required() {
        let f = testing::sample_findings(IMDS_V2_REQUIRED);
        assert_eq!(
            outcomes(&f),
            expected(&[
                ("fail", "eu-west-2", "i-0f8fe36c99f6117bc"),
                ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
                ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
                ("pass", "eu-west-2", "i-0e20bc004089dff27"),
                ("pass", "eu-west-2", "i-024776a5a08ff4205"),
                ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
                ("pass", "eu-west-2", "i-03170955e7955eb92"),
                ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
                ("fail", "eu-west-1", "i-0f563f848ad79f09a"),
            ])
        );
    }

    #[test]
    fn sample_imds_account_default() {
        let f = testing::sample_findings(IMDS_ACCOUNT_DEFAULT);
        assert_eq!(
            outcomes(&f),
            expected(&[
                ("pass", "eu-west-2", "eu-west-2"),
                ("fail", "eu-west-1", "eu-west-1")
            ])
        );
    }
}
