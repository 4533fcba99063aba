//! AWS Config: is a *configuration recorder* recording resource
//! configuration? It counts when it is recording now (`recording: true`:
//! `lastStatus` only says how its last delivery went and stays `SUCCESS`
//! after a stop) and records every supported resource type. *Global*
//! resource types (IAM users, roles, policies) need recording in one region
//! only.

use super::{CONFIG, absent, answered, or_none, refused};
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::log::CallStatus;
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{
    ConfigurationRecorder, ConfigurationRecorderStatus, ConfigurationRecorders, RecordingGroup,
};

pub(super) fn config_recording(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(CONFIG, |account, region| {
        let answer = ctx
            .snapshot
            .answer::<ConfigurationRecorders>(account, region);
        let builder = Finding::on(CONFIG, account, region, account);
        let none = format!("no AWS Config recorder in {region}");
        let Some((list, file)) = answered(&answer) else {
            return vec![refused(builder, &answer, CallStatus::NotFound, &none)];
        };
        if list.configuration_recorders.is_empty() {
            let builder = builder.evidence(file, pointer(&[&"ConfigurationRecorders"]));
            return vec![absent(builder, &answer, none)];
        }
        let statuses = ctx
            .snapshot
            .answer::<ConfigurationRecorderStatus>(account, region);
        let recorders = list.configuration_recorders.iter().enumerate();
        recorders
            .map(|(i, recorder)| {
                let name = or_none(recorder.name.as_deref());
                let builder = Finding::on(CONFIG, account, region, name).evidence(
                    file,
                    pointer(&[&"ConfigurationRecorders", &i, &"recordingGroup"]),
                );
                judge_recorder(builder, region, recorder, &statuses)
            })
            .collect()
    })
}

/// Passes a recorder that is recording now and records every supported type.
fn judge_recorder(
    builder: FindingBuilder,
    region: &str,
    recorder: &ConfigurationRecorder,
    statuses: &Answer<'_, ConfigurationRecorderStatus>,
) -> Finding {
    let name = or_none(recorder.name.as_deref());
    let Some((list, file)) = answered(statuses) else {
        return unavailable(builder, statuses);
    };
    let found = list
        .configuration_recorders_status
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == recorder.name);
    let Some((j, status)) = found else {
        return builder.evidence(file, "").not_assessed(format!(
            "describe-configuration-recorder-status has no status for recorder {name}"
        ));
    };
    let builder = builder.evidence(
        file,
        pointer(&[&"ConfigurationRecordersStatus", &j, &"recording"]),
    );
    let Some(group) = &recorder.recording_group else {
        return builder.not_assessed(format!("recorder {name}: the answer has no recordingGroup"));
    };

    let mut problems = Vec::new();
    if status.recording != Some(true) {
        problems.push(format!(
            "is not recording (recording {}; lastStatus {} only reports its last delivery)",
            status
                .recording
                .map_or("absent".to_string(), |r| r.to_string()),
            or_none(status.last_status.as_deref())
        ));
    }
    problems.extend(coverage_gap(group));
    let global = global_types(group);
    if problems.is_empty() {
        builder.pass(format!(
            "recorder {name} in {region} is recording all supported resource types; {global}"
        ))
    } else {
        let problems = problems.join(" and ");
        builder.fail(format!("recorder {name} in {region} {problems}; {global}"))
    }
}

/// What a recorder leaves out, or `None` when it records every supported
/// resource type.
fn coverage_gap(group: &RecordingGroup) -> Option<String> {
    let strategy = group
        .recording_strategy
        .as_ref()
        .and_then(|s| s.use_only.as_deref());
    if group.all_supported == Some(true) || strategy == Some("ALL_SUPPORTED_RESOURCE_TYPES") {
        return None;
    }
    if strategy == Some("EXCLUSION_BY_RESOURCE_TYPES") {
        let excluded = group
            .exclusion_by_resource_types
            .as_ref()
            .map_or(0, |e| e.resource_types.len());
        return Some(format!("leaves out {excluded} resource types"));
    }
    let types = &group.resource_types;
    Some(match types.len() {
        0 => "records no resource type".to_string(),
        n if n <= 5 => format!("records only {n} resource types ({})", types.join(", ")),
        n => format!("records only {n} resource types"),
    })
}

/// Global resource types (IAM) need recording in one region only, so their
/// absence is said, not failed.
fn global_types(group: &RecordingGroup) -> &'static str {
    match group.include_global_resource_types {
        Some(true) => "global resource types (IAM) included",
        _ => {
            "global resource types (IAM) not included here; one region's recorder should include them"
        }
    }
}
