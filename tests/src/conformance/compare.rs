//! The structural comparison of a recorded response with ours.
//!
//! What must hold (the rest may differ; extra keys in our answer are fine):
//!
//! - the status code;
//! - `Location`, when recorded: exactly the recorded one with our base URL
//!   and our ids;
//! - an error envelope (`"status": "error"`): exactly, once the recorded ids
//!   are mapped to ours;
//! - otherwise every key path of the recorded body exists in ours with the
//!   same JSON type, arrays have the recorded length, and:
//!   - booleans and the values of enumerated fields ([`ENUMERATED`]) are
//!     equal;
//!   - a recorded timestamp is matched by any RFC 3339 timestamp (ours come
//!     from a different clock);
//!   - any other string or number matches by type: ids, tokens, signed
//!     links, hashes and amounts are the reference's own.

use serde_json::Value as Json;

use super::mapper::{Mapper, timestamp};

/// Keys whose values come from a closed list: a different value is a
/// different meaning, not a different instance.
pub const ENUMERATED: &[&str] = &[
    "status",
    "procurementMethodType",
    "procurementMethod",
    "mainProcurementCategory",
    "awardCriteria",
    "submissionMethod",
    "documentType",
    "documentOf",
    "confidentiality",
    "language",
    "reasonType",
    "cancellationOf",
    "kind",
    "scale",
    "currency",
    "dataType",
    "relatesTo",
    "source",
    "author",
    "type",
    "scheme",
];

/// What our server answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: Json,
}

fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// A short rendering of a value for a difference line.
pub fn brief(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 300 {
        let cut: String = text.chars().take(300).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn is_error_envelope(body: &Json) -> bool {
    body.get("status").and_then(Json::as_str) == Some("error") && body.get("errors").is_some()
}

/// The recorded error envelope with our ids in it.
pub fn expected_error(recorded: &Json, mapper: &Mapper) -> Json {
    match recorded {
        Json::String(text) => Json::String(mapper.text(text)),
        Json::Array(items) => {
            Json::Array(items.iter().map(|v| expected_error(v, mapper)).collect())
        }
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), expected_error(value, mapper)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every difference between the recorded response and ours, one readable
/// line each; empty when they match.
pub fn compare(
    status: u16,
    location: Option<&str>,
    body: Option<&Json>,
    ours: &Answer,
    mapper: &Mapper,
) -> Vec<String> {
    let mut differences = Vec::new();
    if status != ours.status {
        let detail = if is_error_envelope(&ours.body) {
            format!(": {}", brief(&ours.body["errors"]))
        } else {
            String::new()
        };
        differences.push(format!(
            "status: recorded {status}, ours {}{detail}",
            ours.status
        ));
        // The bodies of different outcomes cannot be compared usefully.
        return differences;
    }
    if let Some(recorded) = location {
        match &ours.location {
            None => differences.push(format!("Location: missing (recorded {recorded})")),
            Some(ours) if !mapper.location_matches(recorded, ours) => differences.push(format!(
                "Location: expected {}, ours {ours}",
                mapper.location(recorded)
            )),
            Some(_) => {}
        }
    }
    match body {
        None => {}
        Some(recorded) if is_error_envelope(recorded) => {
            let expected = expected_error(recorded, mapper);
            if expected != ours.body {
                differences.push(format!(
                    "error envelope: expected {}, ours {}",
                    brief(&expected),
                    brief(&ours.body)
                ));
            }
        }
        Some(recorded) => structure(recorded, &ours.body, "", None, &mut differences),
    }
    differences
}

fn structure(recorded: &Json, ours: &Json, path: &str, key: Option<&str>, out: &mut Vec<String>) {
    let at = if path.is_empty() { "body" } else { path };
    match (recorded, ours) {
        (Json::Object(recorded), Json::Object(ours)) => {
            for (name, value) in recorded {
                let child = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                match ours.get(name) {
                    Some(our_value) => structure(value, our_value, &child, Some(name), out),
                    None => out.push(format!("{child}: missing (recorded {})", brief(value))),
                }
            }
        }
        (Json::Array(recorded), Json::Array(ours)) => {
            if recorded.len() != ours.len() {
                out.push(format!(
                    "{at}: {} elements, recorded {}",
                    ours.len(),
                    recorded.len()
                ));
            }
            for (i, (value, our_value)) in recorded.iter().zip(ours).enumerate() {
                structure(value, our_value, &format!("{path}[{i}]"), key, out);
            }
        }
        (Json::String(recorded), Json::String(ours)) => {
            if timestamp(recorded).is_some() {
                if timestamp(ours).is_none() {
                    out.push(format!(
                        "{at}: {ours:?} is not a timestamp (recorded {recorded:?})"
                    ));
                }
            } else if key.is_some_and(|key| ENUMERATED.contains(&key)) && recorded != ours {
                out.push(format!("{at}: {ours:?}, recorded {recorded:?}"));
            }
        }
        (Json::Bool(recorded), Json::Bool(ours)) => {
            if recorded != ours {
                out.push(format!("{at}: {ours}, recorded {recorded}"));
            }
        }
        (Json::Number(_), Json::Number(_)) | (Json::Null, Json::Null) => {}
        (recorded, ours) => out.push(format!(
            "{at}: {} {}, recorded {} {}",
            kind(ours),
            brief(ours),
            kind(recorded),
            brief(recorded)
        )),
    }
}
