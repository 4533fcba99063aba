//! The organisation's list of approved machine images: the images it
//! counts as hardened (its own image pipeline, a CIS-hardened vendor).
//!
//! ```toml
//! owners = ["444455556666"]          # accounts whose images are approved
//! image_ids = ["ami-0abc..."]        # single images
//! name_patterns = ["CIS *"]          # AWS Marketplace images by name
//! ```
//!
//! Name patterns apply only to AWS Marketplace images: anyone can name an
//! image of their own "CIS ...", but only a Marketplace seller publishes
//! under the `aws-marketplace` alias.

use crate::snapshot::shapes::Image;
use serde::Deserialize;
use std::path::Path;

/// The approved-image list, as read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovedImages {
    #[serde(default)]
    pub owners: Vec<String>,
    #[serde(default)]
    pub image_ids: Vec<String>,
    #[serde(default)]
    pub name_patterns: Vec<String>,
    #[serde(skip)]
    patterns: Vec<glob::Pattern>,
    /// Whether a list was given at all.
    #[serde(skip)]
    pub given: bool,
}

/// The image alias AWS Marketplace sellers publish under.
const MARKETPLACE: &str = "aws-marketplace";

impl ApprovedImages {
    /// Reads the list from a TOML file.
    pub fn load(path: &Path) -> Result<ApprovedImages, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<ApprovedImages, String> {
        let mut list: ApprovedImages =
            toml::from_str(text).map_err(|e| crate::toml_error::describe(text, &e))?;
        list.patterns = list
            .name_patterns
            .iter()
            .map(|p| glob::Pattern::new(p).map_err(|e| format!("name pattern `{p}`: {e}")))
            .collect::<Result<_, _>>()?;
        list.check()?;
        list.given = true;
        Ok(list)
    }

    /// Refuses entries that could never match, which would otherwise fail
    /// every instance without a word.
    fn check(&self) -> Result<(), String> {
        if self.owners.is_empty() && self.image_ids.is_empty() && self.name_patterns.is_empty() {
            return Err(
                "lists no `owners`, `image_ids` or `name_patterns`: nothing would be approved"
                    .into(),
            );
        }
        for owner in &self.owners {
            if owner.len() != 12 || !owner.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "owner `{owner}` is not a 12-digit AWS account ID (aliases such as `amazon` \
                     cannot be trusted: match Marketplace images with `name_patterns`)"
                ));
            }
        }
        for id in &self.image_ids {
            let hex = id.strip_prefix("ami-").unwrap_or("");
            if !(hex.len() == 8 || hex.len() == 17) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "image ID `{id}` is not an AMI ID such as `ami-0abcdef1234567890`"
                ));
            }
        }
        Ok(())
    }

    /// Why `image` is approved, or `None`.
    pub fn approves(&self, image: &Image) -> Option<String> {
        let id = image.image_id.as_deref().unwrap_or("");
        let owner = image.owner_id.as_deref().unwrap_or("");
        if self.image_ids.iter().any(|i| i == id) {
            return Some(format!("image {id} is on the approved list"));
        }
        if self.owners.iter().any(|o| o == owner) {
            return Some(format!("owner {owner} is an approved image publisher"));
        }
        let name = image.name.as_deref().unwrap_or("");
        if image.image_owner_alias.as_deref() == Some(MARKETPLACE)
            && let Some(p) = self.patterns.iter().find(|p| p.matches(name))
        {
            return Some(format!("Marketplace image `{name}` matches `{p}`"));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(owner: &str, alias: Option<&str>, name: &str) -> Image {
        serde_json::from_value(serde_json::json!({
            "ImageId": "ami-1", "OwnerId": owner, "ImageOwnerAlias": alias, "Name": name
        }))
        .unwrap()
    }

    #[test]
    fn owners_ids_and_marketplace_names_approve() {
        let list =
            ApprovedImages::parse("owners = [\"444455556666\"]\nname_patterns = [\"CIS *\"]")
                .unwrap();
        assert!(list.approves(&image("444455556666", None, "x")).is_some());
        assert!(
            list.approves(&image(
                "679593333241",
                Some("aws-marketplace"),
                "CIS Ubuntu"
            ))
            .is_some()
        );
    }

    #[test]
    fn a_name_pattern_does_not_approve_an_image_anyone_could_name() {
        let list = ApprovedImages::parse("name_patterns = [\"CIS *\"]").unwrap();
        assert!(
            list.approves(&image("123456789012", None, "CIS Ubuntu"))
                .is_none()
        );
        assert!(
            list.approves(&image("099720109477", None, "ubuntu/images/hvm-ssd"))
                .is_none()
        );
    }

    #[test]
    fn entries_that_could_never_match_are_refused() {
        for (text, says) in [
            ("owners = [\"44445555666\"]", "12-digit"),
            ("owners = [\"aws-marketplace\"]", "12-digit"),
            ("image_ids = [\"ami-xyz\"]", "not an AMI ID"),
            ("", "lists no"),
        ] {
            assert!(
                ApprovedImages::parse(text).unwrap_err().contains(says),
                "{text}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(
            ApprovedImages::parse("owner = [\"1\"]")
                .unwrap_err()
                .contains("owner")
        );
    }
}
