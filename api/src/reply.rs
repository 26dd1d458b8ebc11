//! Answers in the reference API's envelopes, pretty-printed on `opt_pretty`,
//! with absolute `Location` headers for created objects.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value as Json;

/// Query parameters every endpoint understands.
#[derive(Debug, Default, Deserialize)]
pub struct Query {
    pub acc_token: Option<String>,
    pub opt_pretty: Option<String>,
}

impl Query {
    pub fn pretty(&self) -> bool {
        matches!(self.opt_pretty.as_deref(), Some("1" | "true" | "True" | ""))
    }
}

pub fn json(status: StatusCode, body: &Json, pretty: bool) -> Response {
    let text = if pretty {
        serde_json::to_string_pretty(body)
    } else {
        serde_json::to_string(body)
    };
    match text {
        Ok(text) => text_response(status, text),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// 200 with `{"data": data}`, the envelope of every read.
pub fn data<T: serde::Serialize>(data: T, pretty: bool) -> Response {
    json(StatusCode::OK, &serde_json::json!({ "data": data }), pretty)
}

/// A stored compact JSON body, served as stored (or pretty-printed).
pub fn stored_json(status: StatusCode, body: String, pretty: bool) -> Response {
    if pretty && let Ok(parsed) = serde_json::from_str::<Json>(&body) {
        return json(status, &parsed, true);
    }
    text_response(status, body)
}

fn text_response(status: StatusCode, text: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

/// `http://<Host>/<path>`: the reference API answers with absolute URLs on
/// the host the client used.
pub fn absolute_url(headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}{path}")
}

pub fn created(headers: &HeaderMap, path: &str, body: &Json, pretty: bool) -> Response {
    let mut response = json(StatusCode::CREATED, body, pretty);
    if let Ok(location) = HeaderValue::from_str(&absolute_url(headers, path)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}
