//! One recorded exchange (`*.http`): the request a client sent to the
//! reference API and the response it got.
//!
//! The files are written by the reference's documentation tests in one
//! layout:
//!
//! ```text
//! POST /api/2.5/tenders?opt_pretty=1 HTTP/1.0
//! Authorization: Bearer broker
//! Content-Type: application/json
//! Host: lb-api-sandbox.prozorro.gov.ua
//!
//! {"data": …}            (only when the request has a body)
//!
//!
//! HTTP/1.0 201 Created
//! Content-Type: application/json
//! Location: http://lb-api-sandbox.prozorro.gov.ua/api/2.5/tenders/…
//!
//! {"data": …}
//! ```
//!
//! The response starts at the first line after a blank line that begins with
//! `HTTP/`; everything in a request or response after its first blank line
//! is its body, which must be JSON (every recording is).

use std::fmt;

use serde_json::Value as Json;

/// A parsed recording.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The file name, e.g. `tendering__pricequotation__http__tender-active.http`.
    pub name: String,
    pub request: Request,
    pub response: Response,
}

#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target as recorded: path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Json>,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Json>,
}

/// A header's value by case-insensitive name (the first one).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The target's path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The broker name of `Authorization: Bearer <name>`, the recordings'
    /// only form of authentication.
    pub fn broker(&self) -> Option<&str> {
        let value = self.header("Authorization")?.trim();
        let (scheme, name) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(name.trim())
    }
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Whether the reference answered with an error (4xx or 5xx).
    pub fn is_error(&self) -> bool {
        self.status >= 400
    }
}

/// Why a recording could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.reason)
    }
}

impl std::error::Error for ParseError {}

/// Parses the text of one recording named `name`.
pub fn parse(name: &str, text: &str) -> Result<Exchange, ParseError> {
    let fail = |reason: String| ParseError {
        file: name.to_owned(),
        reason,
    };
    // Recordings use LF; tolerate CRLF so an editor's save does not break them.
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let split = (1..lines.len())
        .find(|&i| lines[i].starts_with("HTTP/") && lines[i - 1].trim().is_empty())
        .ok_or_else(|| fail("no response status line (`HTTP/…` after a blank line)".into()))?;

    let (request_line, request_headers, request_body) =
        head_and_body(&lines[..split]).map_err(|e| fail(format!("request: {e}")))?;
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(fail(format!("unreadable request line {request_line:?}")));
    };

    let (status_line, response_headers, response_body) =
        head_and_body(&lines[split..]).map_err(|e| fail(format!("response: {e}")))?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| fail(format!("unreadable status line {status_line:?}")))?;

    Ok(Exchange {
        name: name.to_owned(),
        request: Request {
            method: method.to_owned(),
            target: target.to_owned(),
            headers: request_headers,
            body: request_body,
        },
        response: Response {
            status,
            headers: response_headers,
            body: response_body,
        },
    })
}

type Head<'a> = (&'a str, Vec<(String, String)>, Option<Json>);

/// The first line, the `Name: value` lines up to the first blank line, and
/// the JSON after it (`None` when there is only whitespace).
fn head_and_body<'a>(lines: &[&'a str]) -> Result<Head<'a>, String> {
    let (first, rest) = lines.split_first().ok_or_else(|| "empty".to_owned())?;
    let blank = rest
        .iter()
        .position(|line| line.trim().is_empty())
        .unwrap_or(rest.len());
    let mut headers = Vec::new();
    for line in &rest[..blank] {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("unreadable header line {line:?}"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let body_text = rest[blank..].join("\n");
    let body = if body_text.trim().is_empty() {
        None
    } else {
        Some(
            serde_json::from_str(body_text.trim())
                .map_err(|e| format!("the body is not JSON: {e}"))?,
        )
    };
    Ok((first.trim(), headers, body))
}
