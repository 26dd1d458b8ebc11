//! Query parameters of the feeds, with the reference API's errors.

use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;
/// The largest log position there can be (positions are signed 64-bit in
/// both stores), and so the largest offset.
pub const MAX_POSITION: u64 = i64::MAX as u64;

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `text` as a log position: `None` when it is not a whole number,
/// `Some(Err)` when it is one beyond [`MAX_POSITION`].
fn position(text: &str) -> Option<Result<u64, ()>> {
    if !is_number(text) {
        return None;
    }
    Some(
        text.parse::<u64>()
            .ok()
            .filter(|position| *position <= MAX_POSITION)
            .ok_or(()),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct FeedParams {
    pub feed: Option<String>,
    pub offset: Option<String>,
    pub limit: Option<String>,
    pub opt_fields: Option<String>,
    pub descending: Option<String>,
    pub mode: Option<String>,
    pub opt_pretty: Option<String>,
}

impl FeedParams {
    pub fn pretty(&self) -> bool {
        matches!(self.opt_pretty.as_deref(), Some("1" | "true" | "True" | ""))
    }

    pub fn descending(&self) -> bool {
        matches!(self.descending.as_deref(), Some("1" | "true" | "True"))
    }

    pub fn stream(&self) -> bool {
        self.mode.as_deref() == Some("stream")
    }

    /// `mode=test`: only test procedures (the reference marks them
    /// `mode: "test"` and keeps them out of the default feed). No input
    /// here accepts `mode`, so there are none and such a page is empty;
    /// `mode=_all_` (test and real) is then the normal feed.
    pub fn test_only(&self) -> bool {
        self.mode.as_deref() == Some("test")
    }

    /// The offset as a log position; the offset is opaque to clients, who
    /// only ever pass back one the server gave them. A number beyond the
    /// positions a log can have is 422 (it must never wrap round to an
    /// early position); anything else that is not a number is 404, as in
    /// the reference API.
    pub fn offset(&self) -> Result<Option<u64>, ApiError> {
        match self.offset.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => match position(text) {
                Some(Ok(position)) => Ok(Some(position)),
                Some(Err(())) => Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "querystring",
                    "offset",
                    format!("offset must be at most {MAX_POSITION}"),
                )),
                None => Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "querystring",
                    "offset",
                    "Offset expired/invalid",
                )),
            },
        }
    }

    /// The page size: 100 by default, at most [`MAX_LIMIT`] (a larger number
    /// is clamped to it, as the reference API does); zero, a negative number
    /// or not a whole number is 422.
    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.limit.as_deref() {
            None | Some("") => Ok(DEFAULT_LIMIT),
            Some(text) if is_number(text) && text.bytes().any(|b| b != b'0') => {
                // Every digit string parses unless it overflows: then it is
                // above the maximum too.
                Ok(text
                    .parse::<usize>()
                    .map_or(MAX_LIMIT, |n| n.min(MAX_LIMIT)))
            }
            Some(_) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "querystring",
                "limit",
                format!(
                    "limit must be a whole number from 1 (more than {MAX_LIMIT} gives {MAX_LIMIT})"
                ),
            )),
        }
    }

    pub fn opt_fields(&self) -> Vec<String> {
        self.opt_fields
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|field| !field.is_empty() && *field != "id" && *field != "dateModified")
            .map(str::to_owned)
            .collect()
    }

    /// Where an SSE client resumes: `Last-Event-ID` wins over `offset`.
    pub fn resume_from(&self, headers: &HeaderMap) -> Result<u64, ApiError> {
        if let Some(last) = headers.get("last-event-id") {
            let text = last.to_str().unwrap_or("").trim();
            return match position(text) {
                Some(Ok(position)) => Ok(position),
                Some(Err(())) => Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "header",
                    "Last-Event-ID",
                    format!("Last-Event-ID must be at most {MAX_POSITION}"),
                )),
                None => Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "header",
                    "Last-Event-ID",
                    "Last-Event-ID must be an event id this server sent",
                )),
            };
        }
        Ok(self.offset()?.unwrap_or(0))
    }

    /// The time the offset names, when a client sent one of the older time
    /// forms instead of a position (see [`super::since`]).
    pub fn offset_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.offset.as_deref().and_then(super::since::parse)
    }

    /// The query string of a page link: these parameters with another offset
    /// and direction.
    pub fn link_query(&self, offset: u64, descending: bool) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(feed) = &self.feed {
            query.append_pair("feed", feed);
        }
        if descending {
            query.append_pair("descending", "1");
        }
        if self.limit.as_deref().is_some_and(|limit| !limit.is_empty())
            && let Ok(limit) = self.limit()
        {
            query.append_pair("limit", &limit.to_string());
        }
        if let Some(fields) = &self.opt_fields {
            query.append_pair("opt_fields", fields);
        }
        // A page's links stay in its mode (`test`, `_all_`).
        if let Some(mode) = &self.mode {
            query.append_pair("mode", mode);
        }
        query.append_pair("offset", &offset.to_string());
        query.finish()
    }
}
