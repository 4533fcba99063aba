//! Reading and checking the control-mapping CSV files.
//!
//! The shipped files are compiled in, so the binary works from any folder.
//! A user's folder (`--mappings DIR`) holds files of the same names: a
//! controls row replaces the shipped row with the same ID (or adds a new
//! control); a mapping row adds a link, and a row whose `check_id` is `-`
//! first removes every shipped link of that control.

use crate::assess::find_check;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How much of a control AWS APIs can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    /// Fully shown by checks.
    Automated,
    /// Partly shown by checks; an attestation covers the rest.
    Partial,
    /// No API can show it: only an attestation can.
    Manual,
}

impl Coverage {
    /// The word used in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Automated => "automated",
            Coverage::Partial => "partial",
            Coverage::Manual => "manual",
        }
    }
}

/// One control of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    pub control_id: String,
    pub title: String,
    pub theme: String,
    pub assessment: Coverage,
    /// For NHS guidance points: the data risk classes it applies to.
    #[serde(default)]
    pub applies_to: String,
}

/// A framework and its controls, in file order.
#[derive(Debug, Clone)]
pub struct Framework {
    pub id: String,
    pub name: String,
    /// A name short enough for a table column.
    pub short_name: String,
    pub version: String,
    pub controls: Vec<Control>,
}

/// A link: this check is evidence for this control, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub framework: String,
    pub control_id: String,
    pub check_id: String,
    pub rationale: String,
}

/// Every framework and every link.
#[derive(Debug, Clone)]
pub struct Mappings {
    pub frameworks: Vec<Framework>,
    pub links: Vec<Mapping>,
}

/// A mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct MappingError {
    pub file: String,
    pub line: Option<u64>,
    pub message: String,
}

const SHIPPED: &[(&str, &str)] = &[
    (
        "frameworks.csv",
        include_str!("../../control-mappings/frameworks.csv"),
    ),
    (
        "nhs-p14.csv",
        include_str!("../../control-mappings/nhs-p14.csv"),
    ),
    (
        "cyber-essentials.csv",
        include_str!("../../control-mappings/cyber-essentials.csv"),
    ),
    (
        "iso27001.csv",
        include_str!("../../control-mappings/iso27001.csv"),
    ),
    (
        "mappings.csv",
        include_str!("../../control-mappings/mappings.csv"),
    ),
];

#[derive(Deserialize, PartialEq)]
struct FrameworkRow {
    framework: String,
    name: String,
    short_name: String,
    version: String,
    controls_file: String,
}

/// A source of CSV text: the shipped copy, or a user's file.
struct Source {
    name: String,
    text: String,
}

impl Mappings {
    /// The shipped mappings, with the files of `overrides` applied.
    pub fn load(overrides: Option<&Path>) -> Result<Mappings, MappingError> {
        let shipped = |name: &str| -> Source {
            let text = SHIPPED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.to_string())
                .unwrap_or_default();
            Source {
                name: format!("control-mappings/{name} (shipped)"),
                text,
            }
        };
        let user = |name: &str| -> Result<Option<Source>, MappingError> {
            let Some(dir) = overrides else {
                return Ok(None);
            };
            let path: PathBuf = dir.join(name);
            if !path.exists() {
                return Ok(None);
            }
            let text = std::fs::read_to_string(&path).map_err(|e| MappingError {
                file: path.display().to_string(),
                line: None,
                message: e.to_string(),
            })?;
            Ok(Some(Source {
                name: path.display().to_string(),
                text,
            }))
        };
        if let Some(dir) = overrides.filter(|d| !d.is_dir()) {
            return Err(MappingError {
                file: dir.display().to_string(),
                line: None,
                message: "not a folder".into(),
            });
        }
        if let Some(dir) = overrides {
            check_override_names(dir)?;
        }

        let framework_rows: Vec<(FrameworkRow, u64)> = rows(&shipped("frameworks.csv"))?;
        // The frameworks assessed are fixed by auditpack's checks, so
        // `frameworks.csv` cannot be overridden; a copy of the shipped one
        // (as left by copying the whole folder) is accepted, an edited one
        // refused rather than silently ignored.
        if let Some(source) = user("frameworks.csv")? {
            let mine: Vec<FrameworkRow> = rows(&source)?.into_iter().map(|(r, _)| r).collect();
            let same = mine.len() == framework_rows.len()
                && mine.iter().zip(&framework_rows).all(|(a, (b, _))| a == b);
            if !same {
                return Err(MappingError {
                    file: source.name,
                    line: None,
                    message: "differs from the shipped frameworks.csv, which cannot be \
                              overridden (the frameworks assessed are fixed); remove it from the \
                              folder, or make it a copy of the shipped one"
                        .into(),
                });
            }
        }
        let mut frameworks = Vec::new();
        for (row, _) in framework_rows {
            let mut controls: Vec<Control> = rows(&shipped(&row.controls_file))?
                .into_iter()
                .map(|(c, _)| c)
                .collect();
            if let Some(source) = user(&row.controls_file)? {
                for (control, _) in rows::<Control>(&source)? {
                    match controls
                        .iter_mut()
                        .find(|c| c.control_id == control.control_id)
                    {
                        Some(existing) => *existing = control,
                        None => controls.push(control),
                    }
                }
            }
            frameworks.push(Framework {
                id: row.framework,
                name: row.name,
                short_name: row.short_name,
                version: row.version,
                controls,
            });
        }

        let mut links: Vec<(Mapping, String, u64)> = rows::<Mapping>(&shipped("mappings.csv"))?
            .into_iter()
            .map(|(m, line)| {
                (
                    m,
                    "control-mappings/mappings.csv (shipped)".to_string(),
                    line,
                )
            })
            .collect();
        if let Some(source) = user("mappings.csv")? {
            let mine = rows::<Mapping>(&source)?;
            let cleared: BTreeSet<(String, String)> = mine
                .iter()
                .filter(|(m, _)| m.check_id == "-")
                .map(|(m, _)| (m.framework.clone(), m.control_id.clone()))
                .collect();
            links.retain(|(m, _, _)| {
                !cleared.contains(&(m.framework.clone(), m.control_id.clone()))
            });
            for (m, line) in mine.into_iter().filter(|(m, _)| m.check_id != "-") {
                // A row for a link already made (as in a copy of the
                // shipped file) replaces it rather than doubling it.
                let same = |l: &Mapping| {
                    l.framework == m.framework
                        && l.control_id == m.control_id
                        && l.check_id == m.check_id
                };
                match links.iter_mut().find(|(l, _, _)| same(l)) {
                    Some(existing) => *existing = (m, source.name.clone(), line),
                    None => links.push((m, source.name.clone(), line)),
                }
            }
        }

        let mappings = Mappings {
            frameworks,
            links: links.iter().map(|(m, _, _)| m.clone()).collect(),
        };
        mappings.check(&links)?;
        Ok(mappings)
    }

    /// Every link names a known check and control; every automated or
    /// partial control has a link; manual controls have none.
    fn check(&self, links: &[(Mapping, String, u64)]) -> Result<(), MappingError> {
        for (link, file, line) in links {
            let error = |message: String| MappingError {
                file: file.clone(),
                line: Some(*line),
                message,
            };
            if find_check(&link.check_id).is_none() {
                return Err(error(format!("check `{}` does not exist", link.check_id)));
            }
            match self.control(&link.framework, &link.control_id) {
                None => {
                    return Err(error(format!(
                        "control `{}:{}` does not exist",
                        link.framework, link.control_id
                    )));
                }
                Some(control) if control.assessment == Coverage::Manual => {
                    return Err(error(format!(
                        "control `{}:{}` is manual, so no check can be evidence for it; mark it partial",
                        link.framework, link.control_id
                    )));
                }
                Some(_) => {}
            }
        }
        for framework in &self.frameworks {
            for control in framework
                .controls
                .iter()
                .filter(|c| c.assessment != Coverage::Manual)
            {
                if self
                    .checks_for(&framework.id, &control.control_id)
                    .is_empty()
                {
                    return Err(MappingError {
                        file: "mappings.csv".into(),
                        line: None,
                        message: format!(
                            "control `{}:{}` is {} but no check is mapped to it; map one or mark it manual",
                            framework.id,
                            control.control_id,
                            control.assessment.as_str()
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    pub fn control(&self, framework: &str, control_id: &str) -> Option<&Control> {
        self.framework(framework)?
            .controls
            .iter()
            .find(|c| c.control_id == control_id)
    }

    /// The checks mapped to a control, in file order, without repeats.
    pub fn checks_for(&self, framework: &str, control_id: &str) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.links
            .iter()
            .filter(|m| m.framework == framework && m.control_id == control_id)
            .map(|m| m.check_id.as_str())
            .filter(|c| seen.insert(*c))
            .collect()
    }

    /// Controls per framework that each check is evidence for.
    pub fn controls_by_check(&self) -> BTreeMap<&str, Vec<(&str, &str)>> {
        let mut out: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for link in &self.links {
            out.entry(link.check_id.as_str())
                .or_default()
                .push((&link.framework, &link.control_id));
        }
        out
    }
}

/// A CSV file in the override folder that auditpack would not read is
/// almost always a misspelt name: say so rather than ignore it.
fn check_override_names(dir: &Path) -> Result<(), MappingError> {
    let known: Vec<&str> = SHIPPED.iter().map(|(name, _)| *name).collect();
    let entries = std::fs::read_dir(dir).map_err(|e| MappingError {
        file: dir.display().to_string(),
        line: None,
        message: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") && !known.contains(&name.as_str()) {
            return Err(MappingError {
                file: entry.path().display().to_string(),
                line: None,
                message: format!(
                    "not a file auditpack reads (a misspelt name?); override files are named {}",
                    known.join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// Parses a CSV source into rows with their line numbers.
fn rows<T: serde::de::DeserializeOwned>(source: &Source) -> Result<Vec<(T, u64)>, MappingError> {
    let error = |line: Option<u64>, message: String| MappingError {
        file: source.name.clone(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(source.text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| error(Some(1), e.to_string()))?
        .clone();
    let mut record = csv::StringRecord::new();
    let mut out = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(error(e.position().map(|p| p.line()), e.to_string())),
        }
        let line = record.position().map(|p| p.line());
        let row = record
            .deserialize(Some(&headers))
            .map_err(|e| error(line, e.to_string()))?;
        out.push((row, line.unwrap_or(0)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_mappings_are_complete_and_consistent() {
        let mappings = Mappings::load(None).unwrap();
        let count = |id| mappings.framework(id).unwrap().controls.len();
        assert_eq!(
            count("iso27001"),
            93,
            "all 93 ISO/IEC 27001:2022 Annex A controls"
        );
        assert_eq!(
            count("cyber-essentials"),
            28,
            "all 28 Cyber Essentials v3.3 requirements"
        );
        assert_eq!(
            count("nhs-p14"),
            3,
            "the three Principle 14 guidance points"
        );
        let classes: Vec<&str> = mappings
            .framework("nhs-p14")
            .unwrap()
            .controls
            .iter()
            .map(|c| c.applies_to.as_str())
            .collect();
        assert_eq!(classes, ["all", "all", "III-V"]);
    }

    #[test]
    fn every_check_is_evidence_for_some_control() {
        let mappings = Mappings::load(None).unwrap();
        let used = mappings.controls_by_check();
        for check in crate::assess::all_checks() {
            assert!(
                used.contains_key(check.id),
                "{} is mapped to no control",
                check.id
            );
        }
    }

    fn with_override(name: &str, text: &str) -> Result<Mappings, MappingError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        Mappings::load(Some(dir.path()))
    }

    #[test]
    fn a_mapping_naming_an_unknown_check_is_refused_with_file_and_line() {
        let err = with_override(
            "mappings.csv",
            "framework,control_id,check_id,rationale\niso27001,8.16,mon.nothing,x\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("mappings.csv, line 2: check `mon.nothing` does not exist"),
            "{err}"
        );
    }

    #[test]
    fn a_mapping_naming_an_unknown_control_is_refused() {
        let err = with_override(
            "mappings.csv",
            "framework,control_id,check_id,rationale\niso27001,9.99,mon.guardduty,x\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("control `iso27001:9.99` does not exist"),
            "{err}"
        );
    }

    #[test]
    fn a_control_neither_mapped_nor_manual_is_refused() {
        let err = with_override(
            "mappings.csv",
            "framework,control_id,check_id,rationale\nnhs-p14,NHS-P14-2,-,\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`nhs-p14:NHS-P14-2` is partial but no check is mapped to it"),
            "{err}"
        );
    }

    #[test]
    fn a_dash_row_replaces_the_shipped_links_of_a_control() {
        let mappings = with_override(
            "mappings.csv",
            "framework,control_id,check_id,rationale\niso27001,8.16,-,\niso27001,8.16,mon.securityhub,ours\n",
        )
        .unwrap();
        assert_eq!(mappings.checks_for("iso27001", "8.16"), ["mon.securityhub"]);
    }

    #[test]
    fn a_controls_row_replaces_the_shipped_one() {
        let text = "control_id,title,theme,assessment,applies_to\n5.1,Our policies,Organizational,manual,\n";
        let mappings = with_override("iso27001.csv", text).unwrap();
        assert_eq!(
            mappings.control("iso27001", "5.1").unwrap().title,
            "Our policies"
        );
        assert_eq!(mappings.framework("iso27001").unwrap().controls.len(), 93);
    }

    #[test]
    fn a_copy_of_the_shipped_folder_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in SHIPPED {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let copied = Mappings::load(Some(dir.path())).unwrap();
        let shipped = Mappings::load(None).unwrap();
        assert_eq!(copied.links, shipped.links, "no link doubled or lost");
        assert_eq!(copied.frameworks.len(), shipped.frameworks.len());
    }

    #[test]
    fn an_edited_frameworks_csv_is_refused_not_ignored() {
        let text =
            "framework,name,short_name,version,controls_file\nnhs-p14,Ours,Ours,1,nhs-p14.csv\n";
        let err = with_override("frameworks.csv", text).unwrap_err();
        assert!(
            err.to_string()
                .contains("frameworks.csv: differs from the shipped"),
            "{err}"
        );
    }

    #[test]
    fn a_misspelt_override_file_is_refused_not_ignored() {
        let err =
            with_override("mapping.csv", "framework,control_id,check_id,rationale\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("mapping.csv: not a file auditpack reads"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_assessment_value_names_its_line() {
        let text =
            "control_id,title,theme,assessment,applies_to\n5.1,x,Organizational,sometimes,\n";
        let err = with_override("iso27001.csv", text).unwrap_err();
        assert!(err.to_string().contains("iso27001.csv, line 2"), "{err}");
    }
}
