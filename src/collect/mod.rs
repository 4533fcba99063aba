//! Collection: turning an AWS account into a snapshot.
//!
//! Evidence comes in from a folder of AWS CLI exports ([`exports::import`])
//! or live from the account, through the AWS SDK ([`live::collect`]); the
//! calls expected are those of the snapshot format's catalogue. This stage
//! writes snapshots and never judges them.

pub mod classify;
pub mod exports;
pub mod live;

pub use exports::{Collected, ExportOptions, import};

use std::path::PathBuf;

/// One file of an export that cannot be read as what it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub path: PathBuf,
    /// What is wrong, in one line, with the place in the file where known.
    pub problem: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

/// Why a collection could not produce a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("`{}` is not a folder", .0.display())]
    NotAFolder(PathBuf),

    #[error("`{}` holds no account folder", .0.display())]
    NoAccounts(PathBuf),

    #[error("{}", describe_problems(.0))]
    BadFiles(Vec<FileProblem>),

    #[error("`{}` already exists", .0.display())]
    OutputExists(PathBuf),

    #[error("`{}` is the export folder, or inside it or around it", .0.display())]
    OutputOverlapsInput(PathBuf),

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn describe_problems(problems: &[FileProblem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => {
            let mut text = format!("{} export files cannot be read:", many.len());
            for problem in many {
                text.push_str("\n  ");
                text.push_str(&problem.to_string());
            }
            text
        }
    }
}

impl CollectError {
    /// What the user can do about it, where there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            CollectError::NotAFolder(_) => {
                Some("pass the folder that scripts/export-aws-cli.sh wrote".into())
            }
            CollectError::NoAccounts(_) => Some(
                "an export holds ACCOUNT_ID/REGION/SERVICE/OPERATION.json, with a 12-digit account \
                 folder at the top; pass the folder that holds the account folders"
                    .into(),
            ),
            CollectError::BadFiles(_) => Some(
                "each file must hold exactly what `aws SERVICE OPERATION --output json` printed, \
                 in the folder of its account and region; export the call again, or delete the \
                 file to have the call logged as missing"
                    .into(),
            ),
            CollectError::OutputOverlapsInput(_) => {
                Some("write the snapshot to a folder of its own, outside the export".into())
            }
            CollectError::OutputExists(_) => {
                Some("choose another --out, or pass --force to replace it".into())
            }
            CollectError::Io { .. } => None,
        }
    }
}
