//! Types shared by every service's shapes.

use serde::{Deserialize, Deserializer};
use std::ops::Deref;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A JSON array that may also be absent or `null`, both read as empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Ok(List(Option::<Vec<T>>::deserialize(de)?.unwrap_or_default()))
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// For a member the AWS CLI always prints: absent or `null` is an error,
/// so a file holding another call's output (or `{}`) is refused instead of
/// read as "nothing there".
pub fn always<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    de: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(de).map(Some)
}

/// [`always`] for a list: the list may be empty, but must be there.
pub fn always_list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    de: D,
) -> Result<List<T>, D::Error> {
    Vec::<T>::deserialize(de).map(List)
}

/// A resource tag.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// An instant as the AWS CLI prints it.
///
/// AWS CLI v2 prints ISO 8601 (`2020-02-20T17:53:53.421000+00:00`, EC2's
/// `2022-11-15T10:48:59.000Z`); AWS CLI v1 prints the timestamps of
/// JSON-protocol services (SSM, GuardDuty, Config, Security Hub) as epoch
/// seconds (`1582221233.421`). Both read as the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    /// Reads an ISO 8601 / RFC 3339 text, as the AWS CLI v2 prints it.
    pub fn parse_text(text: &str) -> Option<Timestamp> {
        OffsetDateTime::parse(text.trim(), &Rfc3339)
            .ok()
            .map(Timestamp)
    }

    /// Reads seconds since the Unix epoch, as the AWS CLI v1 prints them.
    pub fn from_epoch_seconds(seconds: f64) -> Option<Timestamp> {
        if !seconds.is_finite() {
            return None;
        }
        // A double holds about 16 significant digits: enough for whole
        // microseconds of a present-day epoch time, not for nanoseconds.
        let micros = (seconds * 1e6).round() as i128;
        OffsetDateTime::from_unix_timestamp_nanos(micros * 1000)
            .ok()
            .map(Timestamp)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{:?}", self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an ISO 8601 timestamp or epoch seconds")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse_text(v)
                    .ok_or_else(|| E::custom(format!("`{v}` is not an ISO 8601 timestamp")))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Timestamp::from_epoch_seconds(v)
                    .ok_or_else(|| E::custom(format!("{v} is not a time in epoch seconds")))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }
        }
        de.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_v1_epoch_seconds_and_cli_v2_iso_text_are_the_same_instant() {
        let v1: Timestamp = serde_json::from_str("1582221233.421").unwrap();
        let v2: Timestamp = serde_json::from_str("\"2020-02-20T17:53:53.421000+00:00\"").unwrap();
        assert_eq!(v1, v2);
    }

    #[test]
    fn ec2_millisecond_zulu_form_parses() {
        let t: Timestamp = serde_json::from_str("\"2022-11-15T10:48:59.000Z\"").unwrap();
        assert_eq!(t.0.unix_timestamp(), 1_668_509_339);
    }

    #[test]
    fn a_date_that_is_not_a_date_is_an_error_not_a_panic() {
        assert!(serde_json::from_str::<Timestamp>("\"no_information\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("true").is_err());
    }

    #[test]
    fn null_and_absent_lists_read_as_empty() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default)]
            items: List<u8>,
        }
        let null: Holder = serde_json::from_str(r#"{"items": null}"#).unwrap();
        let absent: Holder = serde_json::from_str("{}").unwrap();
        assert!(null.items.is_empty() && absent.items.is_empty());
    }
}
