//! Account settings that protect every new resource: EBS encryption by
//! default (per region) and account-level S3 Block Public Access.

use super::{EBS_DEFAULT_ENCRYPTION, S3_ACCOUNT_BPA, answered, refused};
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, pointer};
use crate::snapshot::GLOBAL;
use crate::snapshot::log::CallStatus;
use crate::snapshot::shapes::{EbsEncryptionByDefault, PublicAccessBlockOutput};

pub(super) fn ebs_default_encryption(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(EBS_DEFAULT_ENCRYPTION, |account, region| {
        let builder = Finding::on(EBS_DEFAULT_ENCRYPTION, account, region, account);
        let answer = ctx
            .snapshot
            .answer::<EbsEncryptionByDefault>(account, region);
        let Some((setting, file)) = answered(&answer) else {
            return vec![unavailable(builder, &answer)];
        };
        let builder = builder.evidence(file, pointer(&[&"EbsEncryptionByDefault"]));
        let sse = setting.sse_type.as_deref().unwrap_or("no SseType given");
        let verdict = match setting.ebs_encryption_by_default {
            Some(true) => builder.pass(format!(
                "EBS encryption by default is on in {region} ({sse})"
            )),
            Some(false) => builder.fail(format!(
                "EBS encryption by default is off in {region}: \
                 new volumes are not encrypted unless asked"
            )),
            None => builder.not_assessed("the answer has no EbsEncryptionByDefault value"),
        };
        vec![verdict]
    })
}

pub(super) fn s3_account_bpa(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| vec![s3_bpa_of(ctx, account)])
}

fn s3_bpa_of(ctx: &Context, account: &str) -> Finding {
    let builder = Finding::on(S3_ACCOUNT_BPA, account, GLOBAL, account);
    let answer = ctx.global::<PublicAccessBlockOutput>(account);
    let none = "no account-level S3 Block Public Access";
    // NoSuchPublicAccessBlockConfiguration means the account has none.
    let Some((output, file)) = answered(&answer) else {
        return refused(builder, &answer, CallStatus::NotFound, none);
    };
    let Some(block) = &output.public_access_block_configuration else {
        return builder.evidence(file, "").fail(none);
    };
    let builder = builder.evidence(file, pointer(&[&"PublicAccessBlockConfiguration"]));
    // An absent flag is off: that is the AWS default.
    let flags = [
        ("BlockPublicAcls", block.block_public_acls),
        ("IgnorePublicAcls", block.ignore_public_acls),
        ("BlockPublicPolicy", block.block_public_policy),
        ("RestrictPublicBuckets", block.restrict_public_buckets),
    ];
    let off: Vec<&str> = flags
        .iter()
        .filter(|(_, on)| *on != Some(true))
        .map(|(flag, _)| *flag)
        .collect();
    builder.verdict(
        off.is_empty(),
        "account-level S3 Block Public Access is on: all four settings true",
        format!(
            "account-level S3 Block Public Access is incomplete: {} off",
            off.join(", ")
        ),
    )
}
