//! Typed views of what the AWS CLI prints, one type per call.
//!
//! Importing an export parses every file through these types, so a file
//! that is not what the AWS CLI prints (a string where a port number
//! belongs, a truncated file) is refused with its path, the JSON path and the
//! line and column. The checks read the same types.
//!
//! The types are lenient about presence and strict about type: every member
//! may be absent or `null` (exports from different CLI versions and SDK
//! dumps leave different members out), unknown members are ignored, but a
//! member that is present must have the type the API gives it.

mod common;
mod ec2;
mod iam;
mod monitoring;
mod provider;

pub use common::{List, Tag, Timestamp};
pub use ec2::*;
pub use iam::*;
pub use monitoring::*;
pub use provider::*;

use serde::de::DeserializeOwned;

/// A JSON document that did not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// Where in the document, as `SecurityGroups[0].IpPermissions[1].FromPort`
    /// (empty for the document itself).
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)?;
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )?;
        }
        if !self.path.is_empty() && self.path != "." {
            write!(f, " (at `{}`)", self.path)?;
        }
        Ok(())
    }
}

/// Parses `bytes` as `T`, naming the place of the first problem.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ShapeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ShapeError {
            path: String::new(),
            line: 0,
            column: 0,
            message: "is UTF-16 text, as Windows PowerShell's `>` writes it; save the AWS CLI's \
                      output as UTF-8 (`... | Out-File -Encoding utf8 FILE`) or run the export in CloudShell"
                .into(),
        });
    }
    // A UTF-8 byte-order mark (some Windows editors add one) is not JSON.
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        shape_error(path, err.into_inner())
    })?;
    de.end()
        .map_err(|inner| shape_error(String::new(), inner))?;
    Ok(value)
}

fn shape_error(path: String, inner: serde_json::Error) -> ShapeError {
    use serde_json::error::Category;
    let (path, message) = match inner.classify() {
        // Broken JSON has no meaningful member path, only a position.
        Category::Eof => (
            String::new(),
            "the file ends too early; it may have been cut short".to_string(),
        ),
        Category::Syntax => (
            String::new(),
            format!("not valid JSON: {}", strip_position(&inner.to_string())),
        ),
        Category::Data | Category::Io => (path, plain_words(&strip_position(&inner.to_string()))),
    };
    ShapeError {
        path,
        line: inner.line(),
        column: inner.column(),
        message,
    }
}

/// serde's messages name Rust types; a person reading about a JSON file
/// wants JSON words.
fn plain_words(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("no {rest} member: the file does not hold what this call prints");
    }
    let mut text = message.to_string();
    for (rust, json) in [
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a JSON array"),
        ("expected a map", "expected a JSON object"),
    ] {
        text = text.replace(rust, json);
    }
    if let Some(at) = text.find("expected struct ") {
        text.truncate(at);
        text.push_str("expected a JSON object");
    }
    text
}

/// serde_json appends " at line L column C"; the position is printed first.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

macro_rules! shapes {
    ($($variant:ident => $ty:ty),* $(,)?) => {
        /// Which type a call's output is read as.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Shape { $($variant),* }

        /// One call's output, parsed.
        #[derive(Debug, Clone)]
        pub enum Document { $($variant($ty)),* }

        impl Shape {
            /// Parses `bytes` as this shape.
            pub fn parse(self, bytes: &[u8]) -> Result<Document, ShapeError> {
                match self {
                    $(Shape::$variant => parse::<$ty>(bytes).map(Document::$variant)),*
                }
            }
        }

        impl Document {
            fn facts(&self) -> &dyn Facts {
                match self { $(Document::$variant(d) => d),* }
            }
        }

        $(
            impl FromDocument for $ty {
                const SHAPE: Shape = Shape::$variant;
                fn from_document(document: &Document) -> Option<&Self> {
                    match document {
                        Document::$variant(d) => Some(d),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*
    };
}

shapes! {
    CallerIdentity => CallerIdentity,
    Regions => Regions,
    AccountSummary => AccountSummary,
    CredentialReport => CredentialReport,
    PasswordPolicy => PasswordPolicyOutput,
    VirtualMfaDevices => VirtualMfaDevices,
    Users => Users,
    PublicAccessBlock => PublicAccessBlockOutput,
    TrustedAdvisorChecks => TrustedAdvisorChecks,
    TrustedAdvisorCheckResult => TrustedAdvisorCheckResultOutput,
    ArtifactReports => ArtifactReports,
    ArtifactDownload => ArtifactDownload,
    EvidenceFolders => EvidenceFolders,
    FolderEvidence => FolderEvidence,
    SecurityGroups => SecurityGroups,
    Instances => Instances,
    Images => Images,
    NetworkAcls => NetworkAcls,
    EbsEncryptionByDefault => EbsEncryptionByDefault,
    InstanceMetadataDefaults => InstanceMetadataDefaults,
    InstanceInformation => InstanceInformation,
    Detectors => Detectors,
    Detector => Detector,
    Hub => Hub,
    EnabledStandards => EnabledStandards,
    ConfigurationRecorders => ConfigurationRecorders,
    ConfigurationRecorderStatus => ConfigurationRecorderStatus,
    Trails => Trails,
    TrailStatus => TrailStatus,
    InspectorAccountStatus => InspectorAccountStatus,
}

/// A call's output type, found in a [`Document`].
pub trait FromDocument: Sized {
    /// The shape this type is read as.
    const SHAPE: Shape;
    /// The value, if `document` holds this type.
    fn from_document(document: &Document) -> Option<&Self>;
}

/// What collection needs to know of any call's output.
pub(crate) trait Facts {
    /// How many resources the output lists, where it lists any.
    fn resource_count(&self) -> Option<usize> {
        None
    }

    /// The pagination token left in the output, if the listing was cut short.
    fn continuation(&self) -> Option<&str> {
        None
    }

    /// The resources a per-resource call is made for (detector IDs, trail
    /// names, Trusted Advisor security checks), where this call lists them.
    fn listed_resources(&self) -> Vec<String> {
        Vec::new()
    }

    /// Checks that cannot be written as types (a credential report's CSV).
    fn validate(&self) -> Result<(), ShapeError> {
        Ok(())
    }

    /// The SHA-256 this answer records of the document stored beside it.
    fn document_sha256(&self) -> Option<&str> {
        None
    }

    /// The resource a per-resource answer names itself, where it does, and
    /// the member that names it (a Trusted Advisor result's `checkId`): it
    /// must be the resource its file is named after.
    fn own_resource(&self) -> Option<(&'static str, &str)> {
        None
    }
}

impl Document {
    /// How many resources the output lists, where it lists any.
    pub fn resource_count(&self) -> Option<usize> {
        self.facts().resource_count()
    }

    /// The pagination token left in the output, if the listing was cut short.
    pub fn continuation(&self) -> Option<&str> {
        self.facts().continuation()
    }

    /// The resources per-resource calls are made for, where this lists them.
    pub fn listed_resources(&self) -> Vec<String> {
        self.facts().listed_resources()
    }

    /// Checks the parts of a document that its type cannot express.
    pub fn validate(&self) -> Result<(), ShapeError> {
        self.facts().validate()
    }

    /// The SHA-256 this answer records of the document stored beside it.
    pub fn document_sha256(&self) -> Option<&str> {
        self.facts().document_sha256()
    }

    /// The resource a per-resource answer names itself, and the member
    /// naming it, where it does.
    pub fn own_resource(&self) -> Option<(&'static str, &str)> {
        self.facts().own_resource()
    }
}

/// A pagination token, or `None` when it is absent or empty.
pub(crate) fn token(token: &Option<String>) -> Option<&str> {
    token.as_deref().filter(|t| !t.is_empty())
}
