//! Writing SDK answers in the shapes the AWS CLI prints.
//!
//! The CLI prints an API's answer as JSON with the API's own member names
//! (`GroupId`, `IpPermissions`; camelCase where the API uses it), leaves
//! out members the answer did not carry, prints timestamps as ISO 8601 and
//! enumerations as their wire text. A snapshot collected live must read
//! exactly like an export, so the converters here name every member
//! explicitly, as the API spells it, and skip what is absent.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::Value;

/// A JSON object of the members that are present. Members come out sorted
/// by name (serde_json's map); nothing reads them by position.
///
/// ```ignore
/// obj! { "GroupId" => s(&group.group_id), "Tags" => list(&group.tags, tag) }
/// ```
macro_rules! obj {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut map = serde_json::Map::new();
        $(
            if let Some(value) = $value {
                map.insert($key.to_string(), value);
            }
        )*
        serde_json::Value::Object(map)
    }};
}
pub(crate) use obj;

/// A text member.
pub fn s(value: &Option<String>) -> Option<Value> {
    value.as_ref().map(|v| Value::String(v.clone()))
}

/// A text member the converter knows is always there.
pub fn text(value: &str) -> Option<Value> {
    Some(Value::String(value.to_string()))
}

/// A true/false member.
pub fn b(value: Option<bool>) -> Option<Value> {
    value.map(Value::Bool)
}

/// A whole-number member.
pub fn n<N: Into<i64>>(value: Option<N>) -> Option<Value> {
    value.map(|v| Value::from(v.into()))
}

/// An enumeration, printed as its wire text.
pub fn e<E: AsRef<str>>(value: &Option<E>) -> Option<Value> {
    value
        .as_ref()
        .map(|v| Value::String(v.as_ref().to_string()))
}

/// A timestamp, printed as ISO 8601 in UTC, as the AWS CLI v2 prints it.
pub fn t(value: &Option<DateTime>) -> Option<Value> {
    value
        .as_ref()
        .and_then(|v| v.fmt(Format::DateTime).ok())
        .map(Value::String)
}

/// A timestamp the API always returns.
pub fn at(value: &DateTime) -> Option<Value> {
    value.fmt(Format::DateTime).ok().map(Value::String)
}

/// A list of enumerations.
pub fn enums<E: AsRef<str>>(value: &Option<Vec<E>>) -> Option<Value> {
    value.as_ref().map(|v| {
        Value::Array(
            v.iter()
                .map(|item| Value::String(item.as_ref().to_string()))
                .collect(),
        )
    })
}

/// A list of structures, each converted by `convert`.
pub fn list<T>(value: &Option<Vec<T>>, convert: fn(&T) -> Value) -> Option<Value> {
    value
        .as_ref()
        .map(|items| Value::Array(items.iter().map(convert).collect()))
}

/// A list that the converter gathered itself (several pages, say): always
/// printed, even when empty, as the CLI prints the list a listing call
/// always returns.
pub fn all<T>(items: &[T], convert: fn(&T) -> Value) -> Option<Value> {
    Some(Value::Array(items.iter().map(convert).collect()))
}

/// A nested structure.
pub fn o<T>(value: &Option<T>, convert: fn(&T) -> Value) -> Option<Value> {
    value.as_ref().map(convert)
}

/// JSON text as the AWS CLI writes it: indented by four spaces, with a
/// final newline.
pub fn to_cli_bytes(value: &Value) -> Vec<u8> {
    use serde::Serialize;
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    // Serialising a `Value` into memory cannot fail.
    value
        .serialize(&mut serializer)
        .expect("a JSON value serialises");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_members_are_left_out() {
        let none: Option<String> = None;
        let value = obj! {
            "Zeta" => s(&Some("z".into())),
            "Absent" => s(&none),
            "Alpha" => b(Some(false)),
            "Count" => n(Some(3_i32)),
        };
        let text = String::from_utf8(to_cli_bytes(&value)).unwrap();
        assert!(!text.contains("Absent"));
        assert!(text.contains("\"Count\": 3"));
        assert!(text.contains("\"Alpha\": false"));
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn timestamps_print_as_iso_8601_that_the_snapshot_reader_reads_back() {
        let when = DateTime::from_secs_and_nanos(1_582_221_233, 421_000_000);
        let printed = t(&Some(when)).unwrap();
        let read: crate::snapshot::shapes::Timestamp =
            serde_json::from_value(printed.clone()).unwrap();
        assert_eq!(read.0.unix_timestamp(), 1_582_221_233);
        assert_eq!(printed, Value::String("2020-02-20T17:53:53.421Z".into()));
    }

    #[test]
    fn empty_gathered_lists_are_printed() {
        let items: Vec<u8> = Vec::new();
        assert_eq!(all(&items, |_| Value::Null), Some(Value::Array(vec![])));
        assert_eq!(list::<u8>(&None, |_| Value::Null), None);
    }
}
