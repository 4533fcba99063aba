//! The monitoring services of one region: Systems Manager's managed nodes,
//! GuardDuty detectors, Security Hub and its standards, AWS Config
//! recorders, CloudTrail trails and their status, and Inspector; plus the
//! account-wide S3 public access block.

use super::call::{Effort, Failure};
use super::json::{all, b, e, enums, list, o, obj, s, t, text};
use super::{Record, Scope, safe_name};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// `ssm describe-instance-information`: the instances Systems Manager manages.
pub async fn managed_nodes(scope: &Scope<'_>) -> Record {
    let client = aws_sdk_ssm::Client::new(scope.config);
    let mut effort = Effort::default();
    let nodes = scope
        .caller
        .pages(&mut effort, |token| {
            let client = &client;
            async move {
                let out = client
                    .describe_instance_information()
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(Failure::from_sdk)?;
                Ok((
                    out.instance_information_list.unwrap_or_default(),
                    out.next_token,
                ))
            }
        })
        .await;
    let outcome = nodes.map(|nodes| {
        obj! { "InstanceInformationList" => all(&nodes, |n| obj! {
            "InstanceId" => s(&n.instance_id),
            "PingStatus" => e(&n.ping_status),
            "LastPingDateTime" => t(&n.last_ping_date_time),
            "AgentVersion" => s(&n.agent_version),
            "IsLatestVersion" => b(n.is_latest_version),
            "PlatformType" => e(&n.platform_type),
            "PlatformName" => s(&n.platform_name),
            "PlatformVersion" => s(&n.platform_version),
            "ActivationId" => s(&n.activation_id),
            "IamRole" => s(&n.iam_role),
            "RegistrationDate" => t(&n.registration_date),
            "ResourceType" => e(&n.resource_type),
            "Name" => s(&n.name),
            "IPAddress" => s(&n.ip_address),
            "ComputerName" => s(&n.computer_name),
            "AssociationStatus" => s(&n.association_status),
            "LastAssociationExecutionDate" => t(&n.last_association_execution_date),
            "LastSuccessfulAssociationExecutionDate" =>
                t(&n.last_successful_association_execution_date),
            "AssociationOverview" => o(&n.association_overview, |a| obj! {
                "DetailedStatus" => s(&a.detailed_status),
                "InstanceAssociationStatusAggregatedCount" =>
                    a.instance_association_status_aggregated_count.as_ref().map(|counts| {
                        Value::Object(
                            counts
                                .iter()
                                .map(|(k, v)| (k.clone(), Value::from(*v)))
                                .collect(),
                        )
                    }),
            }),
            "SourceId" => s(&n.source_id),
            "SourceType" => e(&n.source_type),
        }) }
    });
    Record::new("ssm", "describe-instance-information", effort, outcome)
}

/// `list-detectors`, then `get-detector` for each detector listed.
pub async fn guardduty(scope: &Scope<'_>) -> Vec<Record> {
    let client = aws_sdk_guardduty::Client::new(scope.config);
    let mut effort = Effort::default();
    let ids = scope
        .caller
        .pages(&mut effort, |token| {
            let client = &client;
            async move {
                let out = client
                    .list_detectors()
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(Failure::from_sdk)?;
                Ok((out.detector_ids.unwrap_or_default(), out.next_token))
            }
        })
        .await;
    let listed = ids.clone().unwrap_or_default();
    let mut records = vec![Record::new(
        "guardduty",
        "list-detectors",
        effort,
        ids.map(|ids| obj! { "DetectorIds" => all(&ids, |id| Value::String(id.clone())) }),
    )];
    for id in listed.iter().filter(|id| safe_name(id, scope)) {
        let mut effort = Effort::default();
        let answer = scope
            .caller
            .sdk(&mut effort, || client.get_detector().detector_id(id).send())
            .await;
        let outcome = answer.map(|d| {
            obj! {
                "CreatedAt" => s(&d.created_at),
                "UpdatedAt" => s(&d.updated_at),
                "Status" => e(&d.status),
                "ServiceRole" => s(&d.service_role),
                "FindingPublishingFrequency" => e(&d.finding_publishing_frequency),
                "DataSources" => data_sources(&d),
                "Features" => list(&d.features, |f| obj! {
                    "Name" => e(&f.name),
                    "Status" => e(&f.status),
                    "UpdatedAt" => t(&f.updated_at),
                    "AdditionalConfiguration" => list(&f.additional_configuration, |c| obj! {
                        "Name" => e(&c.name),
                        "Status" => e(&c.status),
                        "UpdatedAt" => t(&c.updated_at),
                    }),
                }),
                "Tags" => tags(&d.tags),
            }
        });
        records.push(Record::for_resource(
            "guardduty",
            "get-detector",
            id,
            effort,
            outcome,
        ));
    }
    records
}

/// The detector's data sources, as GuardDuty still reports them beside
/// the features that replace them.
#[allow(deprecated)]
fn data_sources(
    d: &aws_sdk_guardduty::operation::get_detector::GetDetectorOutput,
) -> Option<Value> {
    fn status(s: &Option<aws_sdk_guardduty::types::DataSourceStatus>) -> Value {
        obj! { "Status" => e(s) }
    }
    o(&d.data_sources, |ds| {
        obj! {
            "CloudTrail" => o(&ds.cloud_trail, |x| status(&x.status)),
            "DNSLogs" => o(&ds.dns_logs, |x| status(&x.status)),
            "FlowLogs" => o(&ds.flow_logs, |x| status(&x.status)),
            "S3Logs" => o(&ds.s3_logs, |x| status(&x.status)),
            "Kubernetes" => o(&ds.kubernetes, |k| obj! {
                "AuditLogs" => o(&k.audit_logs, |x| status(&x.status)),
            }),
            "MalwareProtection" => o(&ds.malware_protection, |m| obj! {
                "ScanEc2InstanceWithFindings" => o(&m.scan_ec2_instance_with_findings, |x| obj! {
                    "EbsVolumes" => o(&x.ebs_volumes, |v| obj! {
                        "Status" => e(&v.status),
                        "Reason" => s(&v.reason),
                    }),
                }),
                "ServiceRole" => s(&m.service_role),
            }),
        }
    })
}

pub async fn security_hub(scope: &Scope<'_>) -> Vec<Record> {
    let client = aws_sdk_securityhub::Client::new(scope.config);
    let mut effort = Effort::default();
    let hub = scope
        .caller
        .sdk(&mut effort, || client.describe_hub().send())
        .await
        .map(|h| {
            obj! {
                "HubArn" => s(&h.hub_arn),
                "SubscribedAt" => s(&h.subscribed_at),
                "AutoEnableControls" => b(h.auto_enable_controls),
                "ControlFindingGenerator" => e(&h.control_finding_generator),
            }
        });
    let hub = Record::new("securityhub", "describe-hub", effort, hub);

    let mut effort = Effort::default();
    let standards = scope
        .caller
        .pages(&mut effort, |token| {
            let client = &client;
            async move {
                let out = client
                    .get_enabled_standards()
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(Failure::from_sdk)?;
                Ok((
                    out.standards_subscriptions.unwrap_or_default(),
                    out.next_token,
                ))
            }
        })
        .await
        .map(|subscriptions| {
            obj! { "StandardsSubscriptions" => all(&subscriptions, |sub| obj! {
                "StandardsSubscriptionArn" => s(&sub.standards_subscription_arn),
                "StandardsArn" => s(&sub.standards_arn),
                "StandardsInput" => tags(&sub.standards_input),
                "StandardsStatus" => e(&sub.standards_status),
                "StandardsControlsUpdatable" => e(&sub.standards_controls_updatable),
                "StandardsStatusReason" => o(&sub.standards_status_reason, |r| obj! {
                    "StatusReasonCode" => e(&r.status_reason_code),
                }),
            }) }
        });
    vec![
        hub,
        Record::new("securityhub", "get-enabled-standards", effort, standards),
    ]
}

/// AWS Config's recorders and their status. Config's members are
/// camelCase (`roleARN`, `recordingGroup`).
pub async fn config_recorders(scope: &Scope<'_>) -> Vec<Record> {
    let client = aws_sdk_config::Client::new(scope.config);
    let mut effort = Effort::default();
    let recorders = scope
        .caller
        .sdk(&mut effort, || {
            client.describe_configuration_recorders().send()
        })
        .await
        .map(|out| {
            obj! { "ConfigurationRecorders" => list(&out.configuration_recorders, |r| obj! {
                "arn" => s(&r.arn),
                "name" => s(&r.name),
                "roleARN" => s(&r.role_arn),
                "recordingGroup" => o(&r.recording_group, |g| obj! {
                    "allSupported" => b(Some(g.all_supported)),
                    "includeGlobalResourceTypes" => b(Some(g.include_global_resource_types)),
                    "resourceTypes" => enums(&g.resource_types),
                    "exclusionByResourceTypes" => o(&g.exclusion_by_resource_types, |x| obj! {
                        "resourceTypes" => enums(&x.resource_types),
                    }),
                    "recordingStrategy" => o(&g.recording_strategy, |x| obj! {
                        "useOnly" => e(&x.use_only),
                    }),
                }),
                "recordingMode" => o(&r.recording_mode, |m| obj! {
                    "recordingFrequency" => text(m.recording_frequency.as_str()),
                }),
                "recordingScope" => e(&r.recording_scope),
                "servicePrincipal" => s(&r.service_principal),
            }) }
        });
    let recorders = Record::new(
        "configservice",
        "describe-configuration-recorders",
        effort,
        recorders,
    );

    let mut effort = Effort::default();
    let status = scope
        .caller
        .sdk(&mut effort, || client.describe_configuration_recorder_status().send())
        .await
        .map(|out| {
            obj! { "ConfigurationRecordersStatus" => list(&out.configuration_recorders_status, |r| obj! {
                "arn" => s(&r.arn),
                "name" => s(&r.name),
                "lastStartTime" => t(&r.last_start_time),
                "lastStopTime" => t(&r.last_stop_time),
                "recording" => b(Some(r.recording)),
                "lastStatus" => e(&r.last_status),
                "lastErrorCode" => s(&r.last_error_code),
                "lastErrorMessage" => s(&r.last_error_message),
                "lastStatusChangeTime" => t(&r.last_status_change_time),
                "servicePrincipal" => s(&r.service_principal),
            }) }
        });
    vec![
        recorders,
        Record::new(
            "configservice",
            "describe-configuration-recorder-status",
            effort,
            status,
        ),
    ]
}

/// `describe-trails` (shadow trails of other regions included, as the CLI
/// lists them by default), then `get-trail-status` for each trail, stored
/// under the trail's name and asked for by its ARN.
pub async fn cloudtrail(scope: &Scope<'_>) -> Vec<Record> {
    let client = aws_sdk_cloudtrail::Client::new(scope.config);
    let mut effort = Effort::default();
    let trails = scope
        .caller
        .once(&mut effort, || async {
            client
                .describe_trails()
                .send()
                .await
                .map(|out| out.trail_list.unwrap_or_default())
                .map_err(Failure::from_sdk)
        })
        .await;
    let listed = trails.clone().unwrap_or_default();
    let mut records = vec![Record::new(
        "cloudtrail",
        "describe-trails",
        effort,
        trails.map(|trails| {
            obj! { "trailList" => all(&trails, |tr| obj! {
                "Name" => s(&tr.name),
                "S3BucketName" => s(&tr.s3_bucket_name),
                "S3KeyPrefix" => s(&tr.s3_key_prefix),
                "SnsTopicARN" => s(&tr.sns_topic_arn),
                "IncludeGlobalServiceEvents" => b(tr.include_global_service_events),
                "IsMultiRegionTrail" => b(tr.is_multi_region_trail),
                "HomeRegion" => s(&tr.home_region),
                "TrailARN" => s(&tr.trail_arn),
                "LogFileValidationEnabled" => b(tr.log_file_validation_enabled),
                "CloudWatchLogsLogGroupArn" => s(&tr.cloud_watch_logs_log_group_arn),
                "CloudWatchLogsRoleArn" => s(&tr.cloud_watch_logs_role_arn),
                "KmsKeyId" => s(&tr.kms_key_id),
                "HasCustomEventSelectors" => b(tr.has_custom_event_selectors),
                "HasInsightSelectors" => b(tr.has_insight_selectors),
                "IsOrganizationTrail" => b(tr.is_organization_trail),
            }) }
        }),
    )];

    let mut seen = BTreeSet::new();
    for trail in &listed {
        let (Some(name), Some(arn)) = (&trail.name, &trail.trail_arn) else {
            continue;
        };
        if !safe_name(name, scope) || !seen.insert(name.clone()) {
            tracing::debug!(region = scope.region, trail = name, "trail status skipped");
            continue;
        }
        let mut effort = Effort::default();
        let status = scope
            .caller
            .sdk(&mut effort, || client.get_trail_status().name(arn).send())
            .await
            .map(|st| {
                obj! {
                    "IsLogging" => b(st.is_logging),
                    "LatestDeliveryError" => s(&st.latest_delivery_error),
                    "LatestNotificationError" => s(&st.latest_notification_error),
                    "LatestDeliveryTime" => t(&st.latest_delivery_time),
                    "LatestNotificationTime" => t(&st.latest_notification_time),
                    "StartLoggingTime" => t(&st.start_logging_time),
                    "StopLoggingTime" => t(&st.stop_logging_time),
                    "LatestCloudWatchLogsDeliveryError" =>
                        s(&st.latest_cloud_watch_logs_delivery_error),
                    "LatestCloudWatchLogsDeliveryTime" =>
                        t(&st.latest_cloud_watch_logs_delivery_time),
                    "LatestDigestDeliveryTime" => t(&st.latest_digest_delivery_time),
                    "LatestDigestDeliveryError" => s(&st.latest_digest_delivery_error),
                    "LatestDeliveryAttemptTime" => s(&st.latest_delivery_attempt_time),
                    "LatestNotificationAttemptTime" => s(&st.latest_notification_attempt_time),
                    "LatestNotificationAttemptSucceeded" =>
                        s(&st.latest_notification_attempt_succeeded),
                    "LatestDeliveryAttemptSucceeded" =>
                        s(&st.latest_delivery_attempt_succeeded),
                    "TimeLoggingStarted" => s(&st.time_logging_started),
                    "TimeLoggingStopped" => s(&st.time_logging_stopped),
                }
            });
        records.push(Record::for_resource(
            "cloudtrail",
            "get-trail-status",
            name,
            effort,
            status,
        ));
    }
    records
}

/// Inspector's status for this account in this region. Inspector's
/// members are camelCase.
pub async fn inspector(scope: &Scope<'_>) -> Record {
    use aws_sdk_inspector2::types::State;
    // Inspector sends a state with only its status; the SDK fills the two
    // members its model calls required with placeholders, which are not
    // part of the answer and are left out again.
    fn state(st: &State) -> Value {
        let code = st.error_code.as_str();
        let placeholder = code == "no value was set";
        obj! {
            "status" => text(st.status.as_str()),
            "errorCode" => (!placeholder).then(|| Value::String(code.to_string())),
            "errorMessage" => (!(placeholder && st.error_message.is_empty()))
                .then(|| Value::String(st.error_message.clone())),
        }
    }
    let client = aws_sdk_inspector2::Client::new(scope.config);
    scope
        .call(
            "inspector2",
            "batch-get-account-status",
            || {
                client
                    .batch_get_account_status()
                    .account_ids(scope.account)
                    .send()
            },
            |out| {
                obj! {
                    "accounts" => all(&out.accounts, |a| obj! {
                        "accountId" => text(&a.account_id),
                        "state" => o(&a.state, state),
                        "resourceState" => o(&a.resource_state, |r| obj! {
                            "ec2" => o(&r.ec2, state),
                            "ecr" => o(&r.ecr, state),
                            "lambda" => o(&r.lambda, state),
                            "lambdaCode" => o(&r.lambda_code, state),
                            "codeRepository" => o(&r.code_repository, state),
                        }),
                    }),
                    "failedAccounts" => list(&out.failed_accounts, |f| obj! {
                        "accountId" => text(&f.account_id),
                        "status" => e(&f.status),
                        "errorCode" => text(f.error_code.as_str()),
                        "errorMessage" => text(&f.error_message),
                    }),
                }
            },
        )
        .await
}

/// `s3control get-public-access-block`: the account-wide block on public
/// S3 access. "No such configuration" is an answer, logged as not found.
pub async fn public_access_block(scope: &Scope<'_>) -> Record {
    let client = aws_sdk_s3control::Client::new(scope.config);
    scope
        .call(
            "s3control",
            "get-public-access-block",
            || {
                client
                    .get_public_access_block()
                    .account_id(scope.account)
                    .send()
            },
            |out| {
                obj! { "PublicAccessBlockConfiguration" =>
                    o(&out.public_access_block_configuration, |c| obj! {
                        "BlockPublicAcls" => b(c.block_public_acls),
                        "IgnorePublicAcls" => b(c.ignore_public_acls),
                        "BlockPublicPolicy" => b(c.block_public_policy),
                        "RestrictPublicBuckets" => b(c.restrict_public_buckets),
                    })
                }
            },
        )
        .await
}

/// A map of texts (tags, standards input), where present.
fn tags(map: &Option<HashMap<String, String>>) -> Option<Value> {
    map.as_ref().map(|map| {
        let sorted: Map<String, Value> = map
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        Value::Object(sorted)
    })
}
