//! Reading request bodies the way the reference API does: JSON only, the
//! payload under `data` (and `config`), and every mistake answered with a 4xx
//! error envelope that names the field at fault.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use crate::error::ApiError;

/// The largest request body accepted (axum's default limit, made explicit):
/// a larger one is answered 413, at once when `Content-Length` says so.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

fn invalid(name: &str, description: impl Into<Json>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "body", name, description)
}

/// Checks the content type and parses the body as a JSON object.
pub fn json_object(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<serde_json::Map<String, Json>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "header",
            "Content-Type",
            "Content-Type header should be one of ['application/json']",
        ));
    }
    let value: Json = serde_json::from_slice(body)
        .map_err(|e| invalid("data", format!("Expecting value: {e}")))?;
    match value {
        Json::Object(object) => Ok(object),
        _ => Err(invalid("data", "Data not available")),
    }
}

/// Turns a deserialisation error at `path` into the reference API's wording:
/// `Rogue field` for unknown fields, `This field is required.` for missing ones.
fn field_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error
        .path()
        .iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            _ => None,
        })
        .collect::<Vec<_>>();
    let message = error.inner().to_string();
    let quoted = message.split('`').nth(1).map(str::to_owned);
    let join = |extra: Option<String>| {
        let mut names = path.clone();
        // The path of an unknown field already ends with it.
        if extra.is_some() && names.last() != extra.as_ref() {
            names.extend(extra);
        }
        if names.is_empty() {
            "data".to_owned()
        } else {
            names.join(".")
        }
    };
    if message.starts_with("unknown field") {
        invalid(&join(quoted), "Rogue field")
    } else if message.starts_with("missing field") {
        invalid(&join(quoted), "This field is required.")
    } else {
        // Drop serde's " at line L column C": the body was already parsed.
        let description = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        invalid(&join(None), description)
    }
}

/// Deserialises one part of the body (e.g. `data`) into `T`.
pub fn part<T: DeserializeOwned>(value: Json) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(field_error)
}

/// The body's `data`, as `T`.
pub fn data<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, ApiError> {
    let mut object = json_object(headers, body)?;
    let data = object
        .remove("data")
        .ok_or_else(|| invalid("data", "Data not available"))?;
    if !data.is_object() {
        return Err(invalid("data", "Data not available"));
    }
    part(data)
}
