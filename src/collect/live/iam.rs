//! STS and IAM: who the credentials are, the account summary, the
//! credential report, the password policy, MFA devices and users.

use super::call::{Effort, Failure};
use super::json::{all, at, b, e, list, n, o, obj, s, t, text};
use super::{Record, Scope};
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{ReportStateType, User, VirtualMfaDevice};
use base64::Engine;
use serde_json::{Map, Value};
use std::time::Duration;

const SERVICE: &str = "iam";

/// How often, and how long apart, auditpack asks AWS for the credential
/// report before fetching it: AWS builds it in the background, usually
/// within seconds. The export script waits the same way.
const REPORT_TRIES: u32 = 12;
const REPORT_PAUSE: Duration = Duration::from_secs(2);

/// `sts get-caller-identity`: the account and principal of the credentials.
pub async fn caller_identity(scope: &Scope<'_>) -> Record {
    let client = aws_sdk_sts::Client::new(scope.config);
    scope
        .call(
            "sts",
            "get-caller-identity",
            || client.get_caller_identity().send(),
            |out| {
                obj! {
                    "UserId" => s(&out.user_id),
                    "Account" => s(&out.account),
                    "Arn" => s(&out.arn),
                }
            },
        )
        .await
}

/// Every IAM call of the account.
pub async fn collect(scope: &Scope<'_>) -> Vec<Record> {
    let client = Client::new(scope.config);
    vec![
        account_summary(scope, &client).await,
        credential_report(scope, &client).await,
        password_policy(scope, &client).await,
        virtual_mfa_devices(scope, &client).await,
        users(scope, &client).await,
    ]
}

async fn account_summary(scope: &Scope<'_>, client: &Client) -> Record {
    scope
        .call(
            SERVICE,
            "get-account-summary",
            || client.get_account_summary().send(),
            |out| {
                let summary: Map<String, Value> = out
                    .summary_map
                    .iter()
                    .flatten()
                    .map(|(key, count)| (key.as_str().to_string(), Value::from(*count)))
                    .collect();
                obj! { "SummaryMap" => Some(Value::Object(summary)) }
            },
        )
        .await
}

/// Asks AWS to build the credential report, waits until it is complete,
/// then fetches it. The report's content is printed base64-encoded, as the
/// CLI prints a binary member.
async fn credential_report(scope: &Scope<'_>, client: &Client) -> Record {
    let mut effort = Effort::default();
    for attempt in 1..=REPORT_TRIES {
        let state = scope
            .caller
            .sdk(&mut effort, || client.generate_credential_report().send())
            .await;
        match state {
            Ok(out) if out.state == Some(ReportStateType::Complete) => break,
            Ok(_) if attempt < REPORT_TRIES => tokio::time::sleep(REPORT_PAUSE).await,
            Ok(out) => scope.caller.warn(format!(
                "the credential report was still {} after {REPORT_TRIES} requests; fetched as it was",
                out.state.as_ref().map_or("not ready", |s| s.as_str())
            )),
            Err(failure) => {
                scope.caller.warn(format!(
                    "iam generate-credential-report failed ({}); fetched the last report there is",
                    failure.message
                ));
                break;
            }
        }
    }
    // The generate calls are part of the effort, but not pages of the report.
    effort.pages = 0;
    let answer = scope
        .caller
        .sdk(&mut effort, || client.get_credential_report().send())
        .await;
    let outcome = answer.map(|out| {
        let content = out
            .content
            .as_ref()
            .map(|blob| base64::engine::general_purpose::STANDARD.encode(blob.as_ref()));
        obj! {
            "Content" => s(&content),
            "ReportFormat" => e(&out.report_format),
            "GeneratedTime" => t(&out.generated_time),
        }
    });
    Record::new(SERVICE, "get-credential-report", effort, outcome)
}

async fn password_policy(scope: &Scope<'_>, client: &Client) -> Record {
    scope
        .call(
            SERVICE,
            "get-account-password-policy",
            || client.get_account_password_policy().send(),
            |out| {
                let policy = out.password_policy.as_ref().map(|p| {
                    obj! {
                        "MinimumPasswordLength" => n(p.minimum_password_length),
                        "RequireSymbols" => b(Some(p.require_symbols)),
                        "RequireNumbers" => b(Some(p.require_numbers)),
                        "RequireUppercaseCharacters" => b(Some(p.require_uppercase_characters)),
                        "RequireLowercaseCharacters" => b(Some(p.require_lowercase_characters)),
                        "AllowUsersToChangePassword" => b(Some(p.allow_users_to_change_password)),
                        "ExpirePasswords" => b(Some(p.expire_passwords)),
                        "MaxPasswordAge" => n(p.max_password_age),
                        "PasswordReusePrevention" => n(p.password_reuse_prevention),
                        "HardExpiry" => b(p.hard_expiry),
                    }
                });
                obj! { "PasswordPolicy" => policy }
            },
        )
        .await
}

async fn virtual_mfa_devices(scope: &Scope<'_>, client: &Client) -> Record {
    let mut effort = Effort::default();
    let devices = scope
        .caller
        .pages(&mut effort, |marker| async move {
            let out = client
                .list_virtual_mfa_devices()
                .set_marker(marker)
                .send()
                .await
                .map_err(Failure::from_sdk)?;
            let next = out.is_truncated.then_some(out.marker).flatten();
            Ok((out.virtual_mfa_devices, next))
        })
        .await;
    let outcome = devices.map(|d| obj! { "VirtualMFADevices" => all(&d, mfa_device) });
    Record::new(SERVICE, "list-virtual-mfa-devices", effort, outcome)
}

async fn users(scope: &Scope<'_>, client: &Client) -> Record {
    let mut effort = Effort::default();
    let users = scope
        .caller
        .pages(&mut effort, |marker| async move {
            let out = client
                .list_users()
                .set_marker(marker)
                .send()
                .await
                .map_err(Failure::from_sdk)?;
            let next = out.is_truncated.then_some(out.marker).flatten();
            Ok((out.users, next))
        })
        .await;
    let outcome = users.map(|users| obj! { "Users" => all(&users, user) });
    Record::new(SERVICE, "list-users", effort, outcome)
}

/// A virtual MFA device. Its seed and QR code, which AWS hands out only
/// when a device is made, are never written.
fn mfa_device(d: &VirtualMfaDevice) -> Value {
    obj! {
        "SerialNumber" => text(&d.serial_number),
        "User" => o(&d.user, user),
        "EnableDate" => t(&d.enable_date),
        "Tags" => list(&d.tags, tag_of),
    }
}

fn user(u: &User) -> Value {
    obj! {
        "Path" => text(&u.path),
        "UserName" => text(&u.user_name),
        "UserId" => text(&u.user_id),
        "Arn" => text(&u.arn),
        "CreateDate" => at(&u.create_date),
        "PasswordLastUsed" => t(&u.password_last_used),
        "PermissionsBoundary" => o(&u.permissions_boundary, |p| obj! {
            "PermissionsBoundaryType" => e(&p.permissions_boundary_type),
            "PermissionsBoundaryArn" => s(&p.permissions_boundary_arn),
        }),
        "Tags" => list(&u.tags, tag_of),
    }
}

fn tag_of(tag: &aws_sdk_iam::types::Tag) -> Value {
    obj! { "Key" => text(&tag.key), "Value" => text(&tag.value) }
}
