//! The OpenProcurement error envelope:
//! `{"status":"error","errors":[{"location","name","description"}]}`.

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorItem {
    pub location: String,
    pub name: String,
    pub description: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<ErrorItem>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        location: &str,
        name: &str,
        description: impl Into<serde_json::Value>,
    ) -> Self {
        ApiError {
            status,
            errors: vec![ErrorItem {
                location: location.to_owned(),
                name: name.to_owned(),
                description: description.into(),
            }],
        }
    }

    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "url", "url", "Not Found")
    }

    /// The body: `{"status":"error","errors":[…]}`.
    pub fn envelope(&self) -> serde_json::Value {
        serde_json::json!({ "status": "error", "errors": self.errors })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.envelope())).into_response()
    }
}

/// The error of an answer made outside the handlers (axum's rejections and
/// 405, the timeout and body-limit layers, hyper's parse errors), whose own
/// body, if any, is plain text: `text`.
pub fn for_status(status: StatusCode, text: &str) -> ApiError {
    let text = text.trim();
    let (location, name, description) = match status.as_u16() {
        400 if text.starts_with("Failed to deserialize query string") => {
            // "…: duplicate field `limit`" names the parameter at fault.
            let name = text.split('`').nth(1).unwrap_or("querystring");
            ("querystring", name, text.to_owned())
        }
        400 if text.starts_with("Invalid URL") || text.starts_with("Wrong number of path") => {
            ("url", "url", text.to_owned())
        }
        400 if text.starts_with("Failed to buffer the request body") => {
            ("body", "data", text.to_owned())
        }
        400 => ("url", "request", "Bad request".to_owned()),
        405 => ("url", "method", "Method not allowed".to_owned()),
        408 => (
            "url",
            "request",
            "Request timeout: the request was not received and answered in time".to_owned(),
        ),
        413 => (
            "body",
            "data",
            format!(
                "Request body too large: at most {} bytes",
                crate::body::MAX_BODY_BYTES
            ),
        ),
        414 => ("url", "url", "Request URI too long".to_owned()),
        415 => ("header", "Content-Type", text.to_owned()),
        431 => (
            "header",
            "headers",
            "Request header fields too large".to_owned(),
        ),
        _ => (
            "url",
            "request",
            if text.is_empty() {
                status.canonical_reason().unwrap_or("Error").to_owned()
            } else {
                text.to_owned()
            },
        ),
    };
    ApiError::new(status, location, name, description)
}

/// Middleware: every error answer that is not JSON yet goes out in the
/// envelope, keeping its status and its other headers (e.g. `Allow`).
pub async fn envelope_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let mut enveloped = for_status(status, &text).into_response();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    enveloped.headers_mut().extend(parts.headers);
    enveloped
}
