//! The instance metadata service (IMDS), which hands an instance its role
//! credentials. Version 1 answers any plain HTTP GET (so a server-side
//! request forgery can read the credentials); version 2 needs a session
//! token first. `HttpTokens required` turns version 1 off, on an instance
//! or as the account's default for new instances.

use super::{IMDS_ACCOUNT_DEFAULT, IMDS_V2_REQUIRED, per_instance};
use crate::assess::context::{self, Context};
use crate::assess::finding::Finding;
use crate::snapshot::shapes::InstanceMetadataDefaults;

pub(super) fn imds_v2_required(ctx: &Context) -> Vec<Finding> {
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

pub(super) fn imds_account_default(ctx: &Context) -> Vec<Finding> {
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
