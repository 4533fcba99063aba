//! Reaching AWS: the standard credential chain and region resolution of
//! the AWS SDK (environment, shared profiles, IAM Identity Center, instance
//! and container roles), an optional role to assume, one HTTPS client
//! (rustls) that honours `HTTPS_PROXY`, and a quick first call that tells
//! whose account the credentials open before any collection starts.
//!
//! Credentials are held by the SDK in memory and never written anywhere.

use super::LiveError;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, Connector};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use std::time::Duration;

/// The region for account-wide calls when none is configured: IAM, STS and
/// the Support API all answer there.
pub const DEFAULT_REGION: &str = "us-east-1";

/// How long a connection may take to open, and one attempt to answer.
/// Generous for AWS, short enough that a wrong endpoint fails in seconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// How long resolving credentials may take: an SSO token refresh or an
/// instance role answers well within it.
const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a report download may take to start, and to finish.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// The session name CloudTrail records for calls made under `--role-arn`.
const SESSION_NAME: &str = "auditpack-collect";

/// How to reach the account.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// A profile of the shared AWS configuration files.
    pub profile: Option<String>,
    /// A role to assume, in this or another account.
    pub role_arn: Option<String>,
    /// The external ID the role's trust policy asks for.
    pub external_id: Option<String>,
}

/// A configuration that reaches AWS with working credentials.
pub struct Connected {
    /// In the home region, with the SDK's own retries off (collection
    /// retries and counts attempts itself).
    pub config: SdkConfig,
    /// Attempts per request the user's configuration allows.
    pub max_attempts: u32,
}

/// Loads the SDK configuration and checks that credentials resolve.
pub async fn connect(access: &Access) -> Result<Connected, LiveError> {
    if let Some((profile, named_by)) = named_profile(access) {
        check_profile(&profile, named_by).await?;
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        );
    if let Some(profile) = &access.profile {
        loader = loader.profile_name(profile);
    }
    let loaded = loader.load().await;
    let max_attempts = loaded
        .retry_config()
        .map_or(3, |retry| retry.max_attempts());
    let region = loaded
        .region()
        .cloned()
        .unwrap_or_else(|| Region::new(DEFAULT_REGION));
    if !crate::collect::exports::is_region_name(region.as_ref()) {
        return Err(LiveError::BadHomeRegion(region.to_string()));
    }
    let mut config = loaded
        .to_builder()
        .region(region)
        .retry_config(RetryConfig::disabled())
        .build();

    if let Some(role_arn) = &access.role_arn {
        let mut role = AssumeRoleProvider::builder(role_arn)
            .session_name(SESSION_NAME)
            .configure(&config);
        if let Some(id) = &access.external_id {
            role = role.external_id(id);
        }
        let provider = role.build().await;
        config = config
            .to_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build();
    }
    check_credentials(&config, access).await?;
    Ok(Connected {
        config,
        max_attempts,
    })
}

/// How long the first call may wait for an answer: STS answers in well
/// under a second, and an endpoint that takes longer is not one to collect
/// from.
const FIRST_CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// The configuration for the first call, which must fail fast where AWS
/// cannot be reached.
pub fn with_first_call_timeouts(config: &SdkConfig) -> SdkConfig {
    config
        .to_builder()
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(FIRST_CALL_TIMEOUT)
                .build(),
        )
        .build()
}

/// The same configuration in another region.
pub fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build()
}

/// One HTTPS client for every service: rustls with ring, and the
/// `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` settings of the environment, as
/// networks that reach AWS only through a proxy need.
fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = Connector::builder().proxy_config(ProxyConfig::from_env());
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build()
    })
}

/// What STS said when it refused to let the credentials assume the role,
/// from deep in the credential provider's error.
fn sts_refusal(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    use aws_sdk_sts::error::ProvideErrorMetadata;
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(refused) = e.downcast_ref::<AssumeRoleError>() {
            return Some(format!(
                "AWS STS answered {}: {}",
                refused.code().unwrap_or("an error"),
                refused.message().unwrap_or("no reason given")
            ));
        }
        cause = e.source();
    }
    None
}

/// The HTTP status of an answer to AssumeRole that carried no AWS error
/// (a proxy's page, a server that is not AWS), from deep in the credential
/// provider's error: no refusal of the role at all.
fn not_aws_answer(err: &(dyn std::error::Error + 'static)) -> Option<u16> {
    use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(sdk) = e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            let status = sdk.raw_response().map(|r| r.status().as_u16());
            return status.filter(|_| sdk.code().is_none());
        }
        cause = e.source();
    }
    None
}

/// The profile the user named, and how: `--profile`, or else
/// `AWS_PROFILE`, which the SDK reads as the AWS CLI does. The AWS CLI
/// requires a profile named either way to exist, `default` included.
fn named_profile(access: &Access) -> Option<(String, &'static str)> {
    if let Some(profile) = &access.profile {
        return Some((profile.clone(), "--profile"));
    }
    let profile = std::env::var("AWS_PROFILE").ok()?;
    let profile = profile.trim();
    (!profile.is_empty()).then(|| (profile.to_string(), "AWS_PROFILE"))
}

/// A profile the user named must exist in the shared configuration files,
/// as the AWS CLI requires; the SDK would otherwise fall back to other
/// credentials (access keys in the environment, an instance role) without
/// a word.
async fn check_profile(profile: &str, named_by: &'static str) -> Result<(), LiveError> {
    use aws_runtime::env_config::file::EnvConfigFiles;
    use aws_types::os_shim_internal::{Env, Fs};
    let profiles =
        aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
            .await
            .map_err(|err| LiveError::Profile {
                profile: profile.to_string(),
                named_by,
                problem: super::call::chain(&err),
                known: Vec::new(),
            })?;
    if profiles.get_profile(profile).is_none() {
        return Err(LiveError::Profile {
            profile: profile.to_string(),
            named_by,
            problem: "is not defined in the AWS configuration files".into(),
            known: profiles.profiles().map(str::to_string).collect(),
        });
    }
    Ok(())
}

async fn check_credentials(config: &SdkConfig, access: &Access) -> Result<(), LiveError> {
    let Some(provider) = config.credentials_provider() else {
        return Err(LiveError::NoCredentials(
            "no credential provider is configured".into(),
        ));
    };
    let resolved = tokio::time::timeout(CREDENTIALS_TIMEOUT, provider.provide_credentials()).await;
    match resolved {
        Ok(Ok(_)) => Ok(()),
        Err(_) => Err(LiveError::NoCredentials(format!(
            "resolving credentials took longer than {} seconds",
            CREDENTIALS_TIMEOUT.as_secs()
        ))),
        Ok(Err(err)) => {
            let text = super::call::chain(&err);
            match (&err, &access.role_arn) {
                (CredentialsError::CredentialsNotLoaded(_), _) => {
                    Err(LiveError::NoCredentials(text))
                }
                (_, Some(_)) if let Some(status) = not_aws_answer(&err) => Err(LiveError::NotAws {
                    endpoint: super::endpoint_of(config),
                    status,
                }),
                (_, Some(role)) => Err(LiveError::AssumeRole {
                    role: role.clone(),
                    problem: sts_refusal(&err).unwrap_or(text),
                }),
                _ => Err(LiveError::NoCredentials(text)),
            }
        }
    }
}

/// Downloads a document from a link AWS handed out (a presigned S3 URL),
/// through the same HTTPS client and proxy settings as every other call.
pub async fn download(url: &str) -> Result<Vec<u8>, super::call::Failure> {
    use super::call::Failure;
    use aws_smithy_runtime_api::client::http::HttpConnector;
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_types::byte_stream::ByteStream;

    let connector = Connector::builder()
        .proxy_config(ProxyConfig::from_env())
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build();
    let request = HttpRequest::get(url)
        .map_err(|e| Failure::local(format!("AWS gave a link that is not a URL: {e}")))?;
    let unreachable = |e: &(dyn std::error::Error + 'static)| Failure {
        unreachable: true,
        ..Failure::local(format!("the download failed: {}", super::call::chain(e)))
    };
    let response = tokio::time::timeout(DOWNLOAD_TIMEOUT, connector.call(request))
        .await
        .map_err(|_| Failure {
            unreachable: true,
            ..Failure::local("the download did not start in time")
        })?
        .map_err(|e| unreachable(&e))?;
    let status = response.status().as_u16();
    let body = tokio::time::timeout(
        DOWNLOAD_TIMEOUT,
        ByteStream::new(response.into_body()).collect(),
    )
    .await
    .map_err(|_| Failure {
        unreachable: true,
        ..Failure::local("the download did not finish in time")
    })?
    .map_err(|e| unreachable(&e))?;
    if !(200..300).contains(&status) {
        return Err(Failure {
            http_status: Some(status),
            ..Failure::local(format!("the download answered HTTP {status}"))
        });
    }
    Ok(body.into_bytes().to_vec())
}
