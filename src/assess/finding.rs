//! A finding: what one check says about one resource.

use serde::{Deserialize, Serialize};

/// A check's verdict on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// The check does not apply (no instance in the region, a region the
    /// account has not enabled).
    NotApplicable,
    /// The evidence needed is not in the snapshot (denied, missing, only a
    /// first page): never counted as a pass.
    NotAssessed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not-applicable",
            Status::NotAssessed => "not-assessed",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the snapshot a finding's evidence sits: a file, and a JSON
/// pointer (RFC 6901) into it, empty for the whole file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub file: String,
    pub pointer: String,
}

impl Evidence {
    pub fn new(file: &str, pointer: impl Into<String>) -> Evidence {
        Evidence {
            file: file.to_string(),
            pointer: pointer.into(),
        }
    }
}

/// One check's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub check_id: String,
    pub status: Status,
    pub account_id: String,
    /// A region, or `global` for account-wide resources.
    pub region: String,
    pub resource_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// One line a person can read.
    pub reason: String,
    pub evidence: Vec<Evidence>,
    /// Network exposure: the controlled ports reachable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<u16>>,
    /// Network exposure: the protocols of the rules that expose them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Network exposure: the sources allowed (`0.0.0.0/0`, `::/0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Finding {
    /// A finding of `check` on `resource_id`; set the verdict with
    /// [`Finding::pass`], [`Finding::fail`] and the like.
    pub fn on(
        check: &str,
        account: &str,
        region: &str,
        resource_id: impl Into<String>,
    ) -> FindingBuilder {
        FindingBuilder {
            finding: Finding {
                check_id: check.to_string(),
                status: Status::NotAssessed,
                account_id: account.to_string(),
                region: region.to_string(),
                resource_id: resource_id.into(),
                resource_name: None,
                reason: String::new(),
                evidence: Vec::new(),
                ports: None,
                protocol: None,
                source: None,
            },
        }
    }
}

/// Builds a [`Finding`].
#[derive(Debug, Clone)]
pub struct FindingBuilder {
    finding: Finding,
}

impl FindingBuilder {
    pub fn name(mut self, name: Option<&str>) -> Self {
        self.finding.resource_name = name.filter(|n| !n.is_empty()).map(str::to_string);
        self
    }

    pub fn evidence(mut self, file: &str, pointer: impl Into<String>) -> Self {
        self.finding.evidence.push(Evidence::new(file, pointer));
        self
    }

    /// Evidence in `file` when there is one (an unavailable call may have
    /// its error text as evidence, or nothing).
    pub fn evidence_opt(self, file: Option<&str>, pointer: impl Into<String>) -> Self {
        match file {
            Some(file) => self.evidence(file, pointer),
            None => self,
        }
    }

    pub fn exposure(mut self, ports: Vec<u16>, protocol: String, source: String) -> Self {
        self.finding.ports = Some(ports);
        self.finding.protocol = Some(protocol);
        self.finding.source = Some(source);
        self
    }

    fn done(mut self, status: Status, reason: impl Into<String>) -> Finding {
        self.finding.status = status;
        self.finding.reason = reason.into();
        self.finding
    }

    pub fn pass(self, reason: impl Into<String>) -> Finding {
        self.done(Status::Pass, reason)
    }

    pub fn fail(self, reason: impl Into<String>) -> Finding {
        self.done(Status::Fail, reason)
    }

    pub fn not_applicable(self, reason: impl Into<String>) -> Finding {
        self.done(Status::NotApplicable, reason)
    }

    pub fn not_assessed(self, reason: impl Into<String>) -> Finding {
        self.done(Status::NotAssessed, reason)
    }

    /// `pass` or `fail` by `ok`.
    pub fn verdict(self, ok: bool, pass: impl Into<String>, fail: impl Into<String>) -> Finding {
        if ok { self.pass(pass) } else { self.fail(fail) }
    }
}

/// A JSON pointer from path segments, escaping `~` and `/` (RFC 6901).
pub fn pointer(segments: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        out.push_str(&segment.to_string().replace('~', "~0").replace('/', "~1"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(
            pointer(&[&"SecurityGroups", &3, &"a/b~c"]),
            "/SecurityGroups/3/a~1b~0c"
        );
        assert_eq!(pointer(&[]), "");
    }

    #[test]
    fn findings_serialise_with_kebab_case_status_and_without_empty_exposure() {
        let f = Finding::on("net.x", "1", "eu-west-2", "sg-1")
            .evidence("f.json", "/A")
            .fail("open");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["status"], "fail");
        assert!(json.get("ports").is_none());
        assert_eq!(json["evidence"][0]["pointer"], "/A");
    }
}
