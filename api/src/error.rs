//! The OpenProcurement error envelope:
//! `{"status":"error","errors":[{"location","name","description"}]}`.

use axum::Json;
use axum::http::StatusCode;
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
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "status": "error", "errors": self.errors });
        (self.status, Json(body)).into_response()
    }
}
