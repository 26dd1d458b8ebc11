//! Turning a recorded request into one for our server, and a recorded
//! response into what our server should answer.
//!
//! The reference generated its ids and tokens, wrote its own host into
//! links, stored documents in its own document service and ran on its own
//! frozen clock, so none of those values can be sent or expected verbatim:
//!
//! - **ids and tokens** (32 lowercase hex digits): each recorded value is
//!   mapped to the one our server produced at the same place, learnt by
//!   walking a recorded response and ours side by side ([`Mapper::learn`])
//!   and from the `Location` headers. Values never learnt (ids a client
//!   chose, such as an item's) are sent as recorded.
//! - **dates**: every recorded timestamp is shifted by one offset, our
//!   clock's start minus the recording's earliest timestamp, so the
//!   recorded periods keep their lengths and lie ahead of our clock.
//! - **brokers**: a recorded `Authorization: Bearer <name>` becomes the key
//!   of our test broker of that name.
//! - **links**: the reference's host becomes our server's base URL.
//! - **documents**: a recorded document-service URL becomes the URL of a
//!   body uploaded to our server ([`Mapper::add_upload`]), with its hash.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta, Utc};
use serde_json::Value as Json;

use super::exchange::Request;
use super::ordering::{hex32_in, is_hex32};

/// Parses an RFC 3339 timestamp with a time of day (`2024-01-01T00:00:01+02:00`);
/// plain dates (`2025-10-31`, a legislation's version) are not timestamps.
pub fn timestamp(text: &str) -> Option<DateTime<FixedOffset>> {
    if text.len() < 20 || text.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    DateTime::parse_from_rfc3339(text).ok()
}

/// The earliest timestamp in any recorded response body: the moment the
/// recording's procedure was created.
pub fn earliest_timestamp<'a>(bodies: impl IntoIterator<Item = &'a Json>) -> Option<DateTime<Utc>> {
    fn walk(value: &Json, earliest: &mut Option<DateTime<Utc>>) {
        match value {
            Json::String(text) => {
                if let Some(at) = timestamp(text) {
                    let at = at.with_timezone(&Utc);
                    if earliest.is_none_or(|e| at < e) {
                        *earliest = Some(at);
                    }
                }
            }
            Json::Array(items) => items.iter().for_each(|item| walk(item, earliest)),
            Json::Object(map) => map.values().for_each(|item| walk(item, earliest)),
            _ => {}
        }
    }
    let mut earliest = None;
    for body in bodies {
        walk(body, &mut earliest);
    }
    earliest
}

/// A request ready for our server.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub method: String,
    /// Path and query on our server.
    pub target: String,
    /// Our broker key, when the recording authenticated.
    pub key: Option<String>,
    pub body: Option<Json>,
    /// Ids in the recorded path that no answer of ours produced: the
    /// request will address something our server does not have.
    pub unmapped: Vec<String>,
}

/// A document the recording attached, which our server needs uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentToUpload {
    /// The recorded URL without its query (the reference signs each
    /// answer's link anew, so only the path names the document).
    pub recorded: String,
    pub title: String,
    pub format: String,
}

#[derive(Debug, Clone)]
pub struct Mapper {
    /// Recorded id or token → ours.
    ids: HashMap<String, String>,
    /// Added to every recorded timestamp.
    shift: TimeDelta,
    /// `http://127.0.0.1:PORT`
    base: String,
    /// Recorded broker name → our key.
    brokers: HashMap<String, String>,
    /// Recorded document URL (no query) → our upload's `url` and `hash`.
    uploads: HashMap<String, (String, String)>,
}

/// `http://host/path?query` → (`http://host`, `/path?query`).
fn split_url(url: &str) -> Option<(&str, &str)> {
    let after_scheme = url.find("://")? + 3;
    let path_start = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    Some((&url[..path_start], &url[path_start..]))
}

fn without_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

impl Mapper {
    pub fn new(base: &str, shift: TimeDelta, brokers: HashMap<String, String>) -> Mapper {
        Mapper {
            ids: HashMap::new(),
            shift,
            base: base.trim_end_matches('/').to_owned(),
            brokers,
            uploads: HashMap::new(),
        }
    }

    pub fn shift(&self) -> TimeDelta {
        self.shift
    }

    /// Our value for a recorded id or token, if learnt.
    pub fn id(&self, recorded: &str) -> Option<&str> {
        self.ids.get(recorded).map(String::as_str)
    }

    /// Replaces every learnt id inside `text`.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for id in hex32_in(text) {
            if let Some(ours) = self.ids.get(id) {
                out = out.replace(id, ours);
            }
        }
        out
    }

    /// A recorded timestamp moved by the shift, in the recorded offset.
    pub fn date(&self, recorded: &DateTime<FixedOffset>) -> String {
        (*recorded + self.shift).to_rfc3339_opts(SecondsFormat::AutoSi, false)
    }

    /// A recorded request value as ours: ids, dates, document links.
    pub fn value(&self, recorded: &Json) -> Json {
        match recorded {
            Json::String(text) => match timestamp(text) {
                Some(at) => Json::String(self.date(&at)),
                None => Json::String(self.text(text)),
            },
            Json::Array(items) => Json::Array(items.iter().map(|v| self.value(v)).collect()),
            Json::Object(map) => {
                let mut out: serde_json::Map<String, Json> = map
                    .iter()
                    .map(|(key, v)| (key.clone(), self.value(v)))
                    .collect();
                let upload = map
                    .get("url")
                    .and_then(Json::as_str)
                    .and_then(|url| self.uploads.get(without_query(url)));
                if let Some((url, hash)) = upload {
                    out.insert("url".into(), Json::String(url.clone()));
                    if out.contains_key("hash") {
                        out.insert("hash".into(), Json::String(hash.clone()));
                    }
                }
                Json::Object(out)
            }
            other => other.clone(),
        }
    }

    /// Documents in a recorded request body that live in the reference's
    /// document service (any `url` not on our server), each once.
    pub fn documents_to_upload(&self, body: &Json) -> Vec<DocumentToUpload> {
        fn walk(value: &Json, base: &str, out: &mut Vec<DocumentToUpload>) {
            match value {
                Json::Object(map) => {
                    if let Some(url) = map.get("url").and_then(Json::as_str)
                        && url.contains("://")
                        && !url.starts_with(base)
                    {
                        let recorded = without_query(url).to_owned();
                        if !out.iter().any(|d| d.recorded == recorded) {
                            let text = |key: &str| map.get(key).and_then(Json::as_str);
                            out.push(DocumentToUpload {
                                recorded,
                                title: text("title").unwrap_or("document").to_owned(),
                                format: text("format")
                                    .unwrap_or("application/octet-stream")
                                    .to_owned(),
                            });
                        }
                    }
                    map.values().for_each(|v| walk(v, base, out));
                }
                Json::Array(items) => items.iter().for_each(|v| walk(v, base, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(body, &self.base, &mut out);
        out.retain(|d| !self.uploads.contains_key(&d.recorded));
        out
    }

    /// Records our upload (`url`, `hash`) for a recorded document URL.
    pub fn add_upload(&mut self, recorded: &str, url: &str, hash: &str) {
        self.uploads.insert(
            without_query(recorded).to_owned(),
            (url.to_owned(), hash.to_owned()),
        );
    }

    /// Our key for a recorded broker name; a name we have no broker for is
    /// sent as is (no broker holds it, so it is refused like any bad key).
    pub fn key(&self, broker: &str) -> String {
        self.brokers
            .get(broker)
            .cloned()
            .unwrap_or_else(|| broker.to_owned())
    }

    /// A recorded path and query as ours.
    pub fn target(&self, target: &str) -> (String, Vec<String>) {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let mut unmapped = Vec::new();
        let path = path
            .split('/')
            .map(|segment| match self.ids.get(segment) {
                Some(ours) => ours.clone(),
                None => {
                    if is_hex32(segment) {
                        unmapped.push(segment.to_owned());
                    }
                    segment.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let target = match query {
            Some(query) => {
                let query = query
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((name, value)) => {
                            let value = self.ids.get(value).map_or(value, String::as_str);
                            format!("{name}={value}")
                        }
                        None => pair.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("&");
                format!("{path}?{query}")
            }
            None => path,
        };
        (target, unmapped)
    }

    /// The recorded request as ours.
    pub fn request(&self, request: &Request) -> Mapped {
        let (target, unmapped) = self.target(&request.target);
        Mapped {
            method: request.method.clone(),
            target,
            key: request.broker().map(|broker| self.key(broker)),
            body: request.body.as_ref().map(|body| self.value(body)),
            unmapped,
        }
    }

    /// The `Location` our server should answer for a recorded one: our
    /// base URL and our ids.
    pub fn location(&self, recorded: &str) -> String {
        match split_url(recorded) {
            Some((_, path)) => format!("{}{}", self.base, self.target(path).0),
            None => recorded.to_owned(),
        }
    }

    /// Whether our `Location` is the recorded one on our base URL: the same
    /// path, with our id wherever we learnt one for a recorded id, and some
    /// id (32 hex) wherever we did not (the object this answer created, when
    /// its body does not name it).
    pub fn location_matches(&self, recorded: &str, ours: &str) -> bool {
        let (Some((_, recorded)), Some((our_base, ours))) = (split_url(recorded), split_url(ours))
        else {
            return false;
        };
        let recorded: Vec<&str> = recorded.split('/').collect();
        let ours: Vec<&str> = ours.split('/').collect();
        our_base == self.base
            && recorded.len() == ours.len()
            && recorded
                .iter()
                .zip(&ours)
                .all(|(recorded, ours)| match self.ids.get(*recorded) {
                    Some(mapped) => mapped == ours,
                    None if is_hex32(recorded) => is_hex32(ours),
                    None => recorded == ours,
                })
    }

    /// Learns ids and tokens from a recorded `Location` and ours: the same
    /// path, segment by segment.
    pub fn learn_location(&mut self, recorded: &str, ours: &str) {
        let (Some((_, recorded)), Some((_, ours))) = (split_url(recorded), split_url(ours)) else {
            return;
        };
        let recorded: Vec<&str> = without_query(recorded).split('/').collect();
        let ours: Vec<&str> = without_query(ours).split('/').collect();
        if recorded.len() != ours.len() {
            return;
        }
        for (recorded, ours) in recorded.into_iter().zip(ours) {
            self.learn_one(recorded, ours);
        }
    }

    /// Learns ids and tokens from a recorded response body and ours, walked
    /// side by side: wherever the recording has an id or token, ours has
    /// its counterpart at the same key path (the first value learnt for an
    /// id stays).
    pub fn learn(&mut self, recorded: &Json, ours: &Json) {
        match (recorded, ours) {
            (Json::Object(recorded), Json::Object(ours)) => {
                for (key, value) in recorded {
                    if let Some(our_value) = ours.get(key) {
                        self.learn(value, our_value);
                    }
                }
            }
            (Json::Array(recorded), Json::Array(ours)) => {
                for (value, our_value) in recorded.iter().zip(ours) {
                    self.learn(value, our_value);
                }
            }
            (Json::String(recorded), Json::String(ours)) => self.learn_one(recorded, ours),
            _ => {}
        }
    }

    /// Learns that the recorded id or token `recorded` is our `ours`.
    pub fn learn_id(&mut self, recorded: &str, ours: &str) {
        self.learn_one(recorded, ours);
    }

    fn learn_one(&mut self, recorded: &str, ours: &str) {
        if is_hex32(recorded) && !ours.is_empty() {
            self.ids
                .entry(recorded.to_owned())
                .or_insert_with(|| ours.to_owned());
        }
    }
}
