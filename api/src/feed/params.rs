//! Query parameters of the feeds, with the reference API's errors.

use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

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

    /// The offset as a log position; the offset is opaque to clients, who
    /// only ever pass back one the server gave them.
    pub fn offset(&self) -> Result<Option<u64>, ApiError> {
        match self.offset.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "querystring",
                    "offset",
                    "Offset expired/invalid",
                )
            }),
        }
    }

    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.limit.as_deref() {
            None | Some("") => Ok(DEFAULT_LIMIT),
            Some(text) => match text.parse::<usize>() {
                Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
                _ => Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "querystring",
                    "limit",
                    format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                )),
            },
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
            return last
                .to_str()
                .ok()
                .and_then(|text| text.trim().parse().ok())
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "header",
                        "Last-Event-ID",
                        "Last-Event-ID must be an event id this server sent",
                    )
                });
        }
        Ok(self.offset()?.unwrap_or(0))
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
        if let Some(limit) = &self.limit {
            query.append_pair("limit", limit);
        }
        if let Some(fields) = &self.opt_fields {
            query.append_pair("opt_fields", fields);
        }
        query.append_pair("offset", &offset.to_string());
        query.finish()
    }
}
