//! The auction's page, `/auctions/{id}`: one HTML document with its style
//! and script, which reads the live channel and, opened through a
//! participation link, shows the bid form with the allowed bounds. The page
//! is the same for every auction; what it shows comes from the API.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("page.html");

pub async fn page(Path(_id): Path<String>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PAGE,
    )
        .into_response()
}
