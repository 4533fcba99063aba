//! EC2: the account's regions, and per region its security groups,
//! instances, the images they run, network ACLs and the account-level
//! defaults for EBS encryption and instance metadata.

use super::call::{Effort, Failure};
use super::json::{all, b, e, list, n, o, obj, s, t};
use super::{Record, Scope};
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    BlockDeviceMapping, GroupIdentifier, Image, Instance, InstanceBlockDeviceMapping,
    InstanceNetworkInterface, IpPermission, NetworkAcl, NetworkAclEntry, Region, Reservation,
    SecurityGroup, Tag,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const SERVICE: &str = "ec2";

/// `ec2 describe-regions --all-regions`, made once per account.
pub async fn regions(scope: &Scope<'_>) -> (Record, Vec<Region>) {
    let client = Client::new(scope.config);
    let mut effort = Effort::default();
    let answer = scope
        .caller
        .sdk(&mut effort, || {
            client.describe_regions().all_regions(true).send()
        })
        .await;
    let regions = answer
        .as_ref()
        .map(|out| out.regions.clone().unwrap_or_default())
        .unwrap_or_default();
    let outcome = answer.map(|out| obj! { "Regions" => list(&out.regions, region) });
    (
        Record::new(SERVICE, "describe-regions", effort, outcome),
        regions,
    )
}

/// Every EC2 call of one region.
pub async fn collect(scope: &Scope<'_>) -> Vec<Record> {
    let client = Client::new(scope.config);
    let mut records = vec![security_groups(scope, &client).await];

    let (instances, image_ids) = instances(scope, &client).await;
    records.push(instances);
    records.push(images(scope, &client, image_ids).await);
    records.push(network_acls(scope, &client).await);
    records.push(ebs_encryption(scope, &client).await);
    records.push(metadata_defaults(scope, &client).await);
    records
}

async fn security_groups(scope: &Scope<'_>, client: &Client) -> Record {
    let mut effort = Effort::default();
    let groups = scope
        .caller
        .pages(&mut effort, |token| async move {
            let out = client
                .describe_security_groups()
                .set_next_token(token)
                .send()
                .await
                .map_err(Failure::from_sdk)?;
            Ok((out.security_groups.unwrap_or_default(), out.next_token))
        })
        .await;
    let outcome = groups.map(|groups| obj! { "SecurityGroups" => all(&groups, security_group) });
    Record::new(SERVICE, "describe-security-groups", effort, outcome)
}

/// The instances, and the IDs of the images they were launched from.
async fn instances(scope: &Scope<'_>, client: &Client) -> (Record, Vec<String>) {
    let mut effort = Effort::default();
    let reservations = scope
        .caller
        .pages(&mut effort, |token| async move {
            let out = client
                .describe_instances()
                .set_next_token(token)
                .send()
                .await
                .map_err(Failure::from_sdk)?;
            Ok((out.reservations.unwrap_or_default(), out.next_token))
        })
        .await;
    let image_ids = reservations
        .iter()
        .flatten()
        .flat_map(|r| r.instances.iter().flatten())
        .filter_map(|i| i.image_id.clone())
        .collect();
    let outcome = reservations.map(|r| obj! { "Reservations" => all(&r, reservation) });
    (
        Record::new(SERVICE, "describe-instances", effort, outcome),
        image_ids,
    )
}

/// One `describe-images` answer for the images the region's instances run
/// and the account's own images, as the export script makes it. An
/// instance launched from an image that no longer exists makes the whole
/// call fail with `InvalidAMIID.NotFound`; it is asked once more without
/// the images AWS named.
async fn images(scope: &Scope<'_>, client: &Client, in_use: Vec<String>) -> Record {
    let mut effort = Effort::default();
    let own = own_image_ids(scope, client, &mut effort).await;
    let mut ids: BTreeSet<String> = in_use.into_iter().collect();
    ids.extend(own.iter().flatten().cloned());

    let outcome = if ids.is_empty() {
        own.map(|_| obj! { "Images" => all::<Image>(&[], image) })
    } else {
        let mut answer = describe_images(scope, client, &ids, &mut effort).await;
        if let Err(failure) = &answer
            && failure.code.as_deref() == Some("InvalidAMIID.NotFound")
        {
            let gone: Vec<String> = ids
                .iter()
                .filter(|id| failure.message.contains(id.as_str()))
                .cloned()
                .collect();
            tracing::debug!(region = scope.region, ?gone, "images no longer available");
            ids.retain(|id| !gone.contains(id));
            answer = describe_images(scope, client, &ids, &mut effort).await;
        }
        answer.map(|images| obj! { "Images" => all(&images, image) })
    };
    Record::new(SERVICE, "describe-images", effort, outcome)
}

async fn own_image_ids(
    scope: &Scope<'_>,
    client: &Client,
    effort: &mut Effort,
) -> Result<Vec<String>, Failure> {
    let images = scope
        .caller
        .pages(effort, |token| async move {
            let out = client
                .describe_images()
                .owners("self")
                .set_next_token(token)
                .send()
                .await
                .map_err(Failure::from_sdk)?;
            Ok((out.images.unwrap_or_default(), out.next_token))
        })
        .await?;
    Ok(images.into_iter().filter_map(|i| i.image_id).collect())
}

async fn describe_images(
    scope: &Scope<'_>,
    client: &Client,
    ids: &BTreeSet<String>,
    effort: &mut Effort,
) -> Result<Vec<Image>, Failure> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = ids.iter().cloned().collect();
    scope
        .caller
        .once(effort, || async {
            client
                .describe_images()
                .set_image_ids(Some(ids.clone()))
                .send()
                .await
                .map(|out| out.images.unwrap_or_default())
                .map_err(Failure::from_sdk)
        })
        .await
}

async fn network_acls(scope: &Scope<'_>, client: &Client) -> Record {
    let mut effort = Effort::default();
    let acls = scope
        .caller
        .pages(&mut effort, |token| async move {
            let out = client
                .describe_network_acls()
                .set_next_token(token)
                .send()
                .await
                .map_err(Failure::from_sdk)?;
            Ok((out.network_acls.unwrap_or_default(), out.next_token))
        })
        .await;
    let outcome = acls.map(|acls| obj! { "NetworkAcls" => all(&acls, network_acl) });
    Record::new(SERVICE, "describe-network-acls", effort, outcome)
}

async fn ebs_encryption(scope: &Scope<'_>, client: &Client) -> Record {
    scope
        .call(
            SERVICE,
            "get-ebs-encryption-by-default",
            || client.get_ebs_encryption_by_default().send(),
            |out| {
                obj! {
                    "EbsEncryptionByDefault" => b(out.ebs_encryption_by_default),
                    "SseType" => e(&out.sse_type),
                }
            },
        )
        .await
}

async fn metadata_defaults(scope: &Scope<'_>, client: &Client) -> Record {
    scope
        .call(
            SERVICE,
            "get-instance-metadata-defaults",
            || client.get_instance_metadata_defaults().send(),
            |out| {
                // The CLI prints an empty `AccountLevel` when no default is set.
                let level = out.account_level.as_ref().map_or(json!({}), |d| {
                    obj! {
                        "HttpTokens" => e(&d.http_tokens),
                        "HttpPutResponseHopLimit" => n(d.http_put_response_hop_limit),
                        "HttpEndpoint" => e(&d.http_endpoint),
                        "InstanceMetadataTags" => e(&d.instance_metadata_tags),
                        "ManagedBy" => e(&d.managed_by),
                        "ManagedExceptionMessage" => s(&d.managed_exception_message),
                        "HttpTokensEnforced" => e(&d.http_tokens_enforced),
                    }
                });
                json!({ "AccountLevel": level })
            },
        )
        .await
}

fn region(r: &Region) -> Value {
    obj! {
        "Endpoint" => s(&r.endpoint),
        "RegionName" => s(&r.region_name),
        "OptInStatus" => s(&r.opt_in_status),
    }
}

pub fn tag(tag: &Tag) -> Value {
    obj! { "Key" => s(&tag.key), "Value" => s(&tag.value) }
}

fn security_group(g: &SecurityGroup) -> Value {
    obj! {
        "GroupId" => s(&g.group_id),
        "GroupName" => s(&g.group_name),
        "Description" => s(&g.description),
        "VpcId" => s(&g.vpc_id),
        "OwnerId" => s(&g.owner_id),
        "SecurityGroupArn" => s(&g.security_group_arn),
        "IpPermissions" => list(&g.ip_permissions, permission),
        "IpPermissionsEgress" => list(&g.ip_permissions_egress, permission),
        "Tags" => list(&g.tags, tag),
    }
}

fn permission(p: &IpPermission) -> Value {
    obj! {
        "IpProtocol" => s(&p.ip_protocol),
        "FromPort" => n(p.from_port),
        "ToPort" => n(p.to_port),
        "IpRanges" => list(&p.ip_ranges, |r| obj! {
            "CidrIp" => s(&r.cidr_ip),
            "Description" => s(&r.description),
        }),
        "Ipv6Ranges" => list(&p.ipv6_ranges, |r| obj! {
            "CidrIpv6" => s(&r.cidr_ipv6),
            "Description" => s(&r.description),
        }),
        "PrefixListIds" => list(&p.prefix_list_ids, |r| obj! {
            "PrefixListId" => s(&r.prefix_list_id),
            "Description" => s(&r.description),
        }),
        "UserIdGroupPairs" => list(&p.user_id_group_pairs, |r| obj! {
            "GroupId" => s(&r.group_id),
            "GroupName" => s(&r.group_name),
            "UserId" => s(&r.user_id),
            "VpcId" => s(&r.vpc_id),
            "VpcPeeringConnectionId" => s(&r.vpc_peering_connection_id),
            "PeeringStatus" => s(&r.peering_status),
            "Description" => s(&r.description),
        }),
    }
}

fn reservation(r: &Reservation) -> Value {
    obj! {
        "ReservationId" => s(&r.reservation_id),
        "OwnerId" => s(&r.owner_id),
        "RequesterId" => s(&r.requester_id),
        "Groups" => list(&r.groups, group_identifier),
        "Instances" => list(&r.instances, instance),
    }
}

fn group_identifier(g: &GroupIdentifier) -> Value {
    obj! { "GroupId" => s(&g.group_id), "GroupName" => s(&g.group_name) }
}

fn instance(i: &Instance) -> Value {
    obj! {
        "InstanceId" => s(&i.instance_id),
        "ImageId" => s(&i.image_id),
        "InstanceType" => e(&i.instance_type),
        "KeyName" => s(&i.key_name),
        "AmiLaunchIndex" => n(i.ami_launch_index),
        "ClientToken" => s(&i.client_token),
        "LaunchTime" => t(&i.launch_time),
        "State" => o(&i.state, |st| obj! {
            "Code" => n(st.code),
            "Name" => e(&st.name),
        }),
        "StateTransitionReason" => s(&i.state_transition_reason),
        "Placement" => o(&i.placement, |p| obj! {
            "AvailabilityZone" => s(&p.availability_zone),
            "AvailabilityZoneId" => s(&p.availability_zone_id),
            "GroupName" => s(&p.group_name),
            "Tenancy" => e(&p.tenancy),
        }),
        "Platform" => e(&i.platform),
        "PlatformDetails" => s(&i.platform_details),
        "Architecture" => e(&i.architecture),
        "Monitoring" => o(&i.monitoring, |m| obj! { "State" => e(&m.state) }),
        "PrivateDnsName" => s(&i.private_dns_name),
        "PrivateIpAddress" => s(&i.private_ip_address),
        "PublicDnsName" => s(&i.public_dns_name),
        "PublicIpAddress" => s(&i.public_ip_address),
        "Ipv6Address" => s(&i.ipv6_address),
        "SubnetId" => s(&i.subnet_id),
        "VpcId" => s(&i.vpc_id),
        "SecurityGroups" => list(&i.security_groups, group_identifier),
        "IamInstanceProfile" => o(&i.iam_instance_profile, |p| obj! {
            "Arn" => s(&p.arn),
            "Id" => s(&p.id),
        }),
        "MetadataOptions" => o(&i.metadata_options, |m| obj! {
            "State" => e(&m.state),
            "HttpTokens" => e(&m.http_tokens),
            "HttpPutResponseHopLimit" => n(m.http_put_response_hop_limit),
            "HttpEndpoint" => e(&m.http_endpoint),
            "HttpProtocolIpv6" => e(&m.http_protocol_ipv6),
            "InstanceMetadataTags" => e(&m.instance_metadata_tags),
        }),
        "NetworkInterfaces" => list(&i.network_interfaces, network_interface),
        "BlockDeviceMappings" => list(&i.block_device_mappings, instance_block_device),
        "RootDeviceName" => s(&i.root_device_name),
        "RootDeviceType" => e(&i.root_device_type),
        "EbsOptimized" => b(i.ebs_optimized),
        "EnaSupport" => b(i.ena_support),
        "Hypervisor" => e(&i.hypervisor),
        "VirtualizationType" => e(&i.virtualization_type),
        "SourceDestCheck" => b(i.source_dest_check),
        "InstanceLifecycle" => e(&i.instance_lifecycle),
        "BootMode" => e(&i.boot_mode),
        "CurrentInstanceBootMode" => e(&i.current_instance_boot_mode),
        "UsageOperation" => s(&i.usage_operation),
        "UsageOperationUpdateTime" => t(&i.usage_operation_update_time),
        "TpmSupport" => s(&i.tpm_support),
        "SriovNetSupport" => s(&i.sriov_net_support),
        "KernelId" => s(&i.kernel_id),
        "RamdiskId" => s(&i.ramdisk_id),
        "SpotInstanceRequestId" => s(&i.spot_instance_request_id),
        "OutpostArn" => s(&i.outpost_arn),
        "CapacityReservationId" => s(&i.capacity_reservation_id),
        "HibernationOptions" => o(&i.hibernation_options, |h| obj! {
            "Configured" => b(h.configured),
        }),
        "EnclaveOptions" => o(&i.enclave_options, |x| obj! { "Enabled" => b(x.enabled) }),
        "CpuOptions" => o(&i.cpu_options, |c| obj! {
            "CoreCount" => n(c.core_count),
            "ThreadsPerCore" => n(c.threads_per_core),
        }),
        "CapacityReservationSpecification" =>
            o(&i.capacity_reservation_specification, |c| obj! {
                "CapacityReservationPreference" => e(&c.capacity_reservation_preference),
            }),
        "MaintenanceOptions" => o(&i.maintenance_options, |m| obj! {
            "AutoRecovery" => e(&m.auto_recovery),
            "RebootMigration" => e(&m.reboot_migration),
        }),
        "PrivateDnsNameOptions" => o(&i.private_dns_name_options, |p| obj! {
            "HostnameType" => e(&p.hostname_type),
            "EnableResourceNameDnsARecord" => b(p.enable_resource_name_dns_a_record),
            "EnableResourceNameDnsAAAARecord" => b(p.enable_resource_name_dns_aaaa_record),
        }),
        "StateReason" => o(&i.state_reason, |r| obj! {
            "Code" => s(&r.code),
            "Message" => s(&r.message),
        }),
        "ProductCodes" => list(&i.product_codes, |p| obj! {
            "ProductCodeId" => s(&p.product_code_id),
            "ProductCodeType" => e(&p.product_code_type),
        }),
        "Tags" => list(&i.tags, tag),
    }
}

fn network_interface(ni: &InstanceNetworkInterface) -> Value {
    obj! {
        "NetworkInterfaceId" => s(&ni.network_interface_id),
        "Description" => s(&ni.description),
        "Status" => e(&ni.status),
        "SubnetId" => s(&ni.subnet_id),
        "VpcId" => s(&ni.vpc_id),
        "OwnerId" => s(&ni.owner_id),
        "MacAddress" => s(&ni.mac_address),
        "InterfaceType" => s(&ni.interface_type),
        "PrivateDnsName" => s(&ni.private_dns_name),
        "PrivateIpAddress" => s(&ni.private_ip_address),
        "SourceDestCheck" => b(ni.source_dest_check),
        "Association" => o(&ni.association, |a| obj! {
            "IpOwnerId" => s(&a.ip_owner_id),
            "PublicDnsName" => s(&a.public_dns_name),
            "PublicIp" => s(&a.public_ip),
            "CarrierIp" => s(&a.carrier_ip),
            "CustomerOwnedIp" => s(&a.customer_owned_ip),
        }),
        "Attachment" => o(&ni.attachment, |a| obj! {
            "AttachmentId" => s(&a.attachment_id),
            "AttachTime" => t(&a.attach_time),
            "DeleteOnTermination" => b(a.delete_on_termination),
            "DeviceIndex" => n(a.device_index),
            "NetworkCardIndex" => n(a.network_card_index),
            "Status" => e(&a.status),
        }),
        "Groups" => list(&ni.groups, group_identifier),
        "Ipv6Addresses" => list(&ni.ipv6_addresses, |a| obj! {
            "Ipv6Address" => s(&a.ipv6_address),
            "IsPrimaryIpv6" => b(a.is_primary_ipv6),
        }),
        "PrivateIpAddresses" => list(&ni.private_ip_addresses, |a| obj! {
            "Primary" => b(a.primary),
            "PrivateDnsName" => s(&a.private_dns_name),
            "PrivateIpAddress" => s(&a.private_ip_address),
            "Association" => o(&a.association, |x| obj! {
                "IpOwnerId" => s(&x.ip_owner_id),
                "PublicDnsName" => s(&x.public_dns_name),
                "PublicIp" => s(&x.public_ip),
            }),
        }),
    }
}

fn instance_block_device(m: &InstanceBlockDeviceMapping) -> Value {
    obj! {
        "DeviceName" => s(&m.device_name),
        "Ebs" => o(&m.ebs, |ebs| obj! {
            "AttachTime" => t(&ebs.attach_time),
            "DeleteOnTermination" => b(ebs.delete_on_termination),
            "Status" => e(&ebs.status),
            "VolumeId" => s(&ebs.volume_id),
        }),
    }
}

fn image(i: &Image) -> Value {
    obj! {
        "ImageId" => s(&i.image_id),
        "ImageLocation" => s(&i.image_location),
        "ImageType" => e(&i.image_type),
        "Name" => s(&i.name),
        "Description" => s(&i.description),
        "OwnerId" => s(&i.owner_id),
        "ImageOwnerAlias" => s(&i.image_owner_alias),
        "CreationDate" => s(&i.creation_date),
        "DeprecationTime" => s(&i.deprecation_time),
        "LastLaunchedTime" => s(&i.last_launched_time),
        "State" => e(&i.state),
        "StateReason" => o(&i.state_reason, |r| obj! {
            "Code" => s(&r.code),
            "Message" => s(&r.message),
        }),
        "Public" => b(i.public),
        "Architecture" => e(&i.architecture),
        "Platform" => e(&i.platform),
        "PlatformDetails" => s(&i.platform_details),
        "UsageOperation" => s(&i.usage_operation),
        "Hypervisor" => e(&i.hypervisor),
        "VirtualizationType" => e(&i.virtualization_type),
        "RootDeviceName" => s(&i.root_device_name),
        "RootDeviceType" => e(&i.root_device_type),
        "EnaSupport" => b(i.ena_support),
        "SriovNetSupport" => s(&i.sriov_net_support),
        "BootMode" => e(&i.boot_mode),
        "TpmSupport" => e(&i.tpm_support),
        "ImdsSupport" => e(&i.imds_support),
        "SourceInstanceId" => s(&i.source_instance_id),
        "SourceImageId" => s(&i.source_image_id),
        "SourceImageRegion" => s(&i.source_image_region),
        "DeregistrationProtection" => s(&i.deregistration_protection),
        "KernelId" => s(&i.kernel_id),
        "RamdiskId" => s(&i.ramdisk_id),
        "ProductCodes" => list(&i.product_codes, |p| obj! {
            "ProductCodeId" => s(&p.product_code_id),
            "ProductCodeType" => e(&p.product_code_type),
        }),
        "BlockDeviceMappings" => list(&i.block_device_mappings, block_device),
        "Tags" => list(&i.tags, tag),
    }
}

fn block_device(m: &BlockDeviceMapping) -> Value {
    obj! {
        "DeviceName" => s(&m.device_name),
        "VirtualName" => s(&m.virtual_name),
        "NoDevice" => s(&m.no_device),
        "Ebs" => o(&m.ebs, |ebs| obj! {
            "DeleteOnTermination" => b(ebs.delete_on_termination),
            "Encrypted" => b(ebs.encrypted),
            "Iops" => n(ebs.iops),
            "KmsKeyId" => s(&ebs.kms_key_id),
            "SnapshotId" => s(&ebs.snapshot_id),
            "Throughput" => n(ebs.throughput),
            "VolumeSize" => n(ebs.volume_size),
            "VolumeType" => e(&ebs.volume_type),
        }),
    }
}

fn network_acl(acl: &NetworkAcl) -> Value {
    obj! {
        "NetworkAclId" => s(&acl.network_acl_id),
        "VpcId" => s(&acl.vpc_id),
        "OwnerId" => s(&acl.owner_id),
        "IsDefault" => b(acl.is_default),
        "Entries" => list(&acl.entries, acl_entry),
        "Associations" => list(&acl.associations, |a| obj! {
            "NetworkAclAssociationId" => s(&a.network_acl_association_id),
            "NetworkAclId" => s(&a.network_acl_id),
            "SubnetId" => s(&a.subnet_id),
        }),
        "Tags" => list(&acl.tags, tag),
    }
}

fn acl_entry(entry: &NetworkAclEntry) -> Value {
    obj! {
        "RuleNumber" => n(entry.rule_number),
        "Protocol" => s(&entry.protocol),
        "RuleAction" => e(&entry.rule_action),
        "Egress" => b(entry.egress),
        "CidrBlock" => s(&entry.cidr_block),
        "Ipv6CidrBlock" => s(&entry.ipv6_cidr_block),
        "PortRange" => o(&entry.port_range, |r| obj! {
            "From" => n(r.from),
            "To" => n(r.to),
        }),
        "IcmpTypeCode" => o(&entry.icmp_type_code, |c| obj! {
            "Code" => n(c.code),
            "Type" => n(c.r#type),
        }),
    }
}
