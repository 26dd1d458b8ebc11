//! The OpenAPI description of the HTTP API, served at
//! `/api/2.5/openapi.json`. It is written by hand next to the routes
//! (`api/openapi.json`); a test checks that every route is described.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub const DOCUMENT: &str = include_str!("../openapi.json");

pub async fn serve() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        DOCUMENT,
    )
        .into_response()
}

/// priceQuotation's part of the description.
pub const PRICE_QUOTATION: &str = DOCUMENT;

/// The multi-award sale's part of the description.
pub const MULTI_AWARD_SALE: &str = DOCUMENT;
