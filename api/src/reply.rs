//! Answers in the reference API's envelopes, pretty-printed on `opt_pretty`,
//! with absolute `Location` headers for created objects, built on the
//! configured public URL.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value as Json;

/// Query parameters every endpoint understands.
#[derive(Debug, Default, Deserialize)]
pub struct Query {
    pub acc_token: Option<String>,
    pub opt_pretty: Option<String>,
    /// On a documents list: every version, not only the current ones (any
    /// value but the empty one, as the reference reads it).
    pub all: Option<String>,
}

impl Query {
    pub fn pretty(&self) -> bool {
        matches!(self.opt_pretty.as_deref(), Some("1" | "true" | "True" | ""))
    }

    pub fn all(&self) -> bool {
        self.all.as_deref().is_some_and(|all| !all.is_empty())
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

/// [`stored_json`] of bytes shared with a cache.
pub fn stored_bytes(status: StatusCode, body: bytes::Bytes, pretty: bool) -> Response {
    if pretty && let Ok(parsed) = serde_json::from_slice::<Json>(&body) {
        return json(status, &parsed, true);
    }
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
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

/// The server's public base URL (`cdb serve --public-url`): every absolute
/// link it answers with starts with it, whatever `Host` a client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// An `http` or `https` URL with a host, optionally a port and a path
    /// prefix; no user info, query or fragment. A trailing `/` is dropped.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = |why: &str| Err(format!("bad --public-url {text:?}: {why}"));
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => return bad("expected http://HOST[:PORT][/PATH] or https://…"),
        };
        if scheme != "http" && scheme != "https" {
            return bad("only http and https URLs are allowed");
        }
        if rest.contains(['?', '#']) {
            return bad("a query or fragment is not allowed");
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.is_empty() {
            return bad("no host");
        }
        if authority.contains('@') {
            return bad("user info is not allowed");
        }
        let parsed = format!("{scheme}://{authority}{path}");
        match parsed.parse::<axum::http::Uri>() {
            Ok(uri) if uri.host().is_some_and(|h| !h.is_empty()) => {}
            _ => return bad("not a valid URL"),
        }
        if !path
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'\\' && b != b'"')
        {
            return bad("the path has characters a URL cannot hold");
        }
        Ok(PublicUrl(parsed.trim_end_matches('/').to_owned()))
    }

    /// `http://ADDRESS` for a server listening on `address`; an unspecified
    /// address (`0.0.0.0`, `::`) becomes the loopback one.
    pub fn from_listen_address(address: std::net::SocketAddr) -> Self {
        let mut address = address;
        if address.ip().is_unspecified() {
            address.set_ip(match address.ip() {
                std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        PublicUrl(format!("http://{address}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `<public URL><path>`: the reference API answers with absolute URLs.
pub fn absolute_url(base: &PublicUrl, path: &str) -> String {
    format!("{}{path}", base.0)
}

pub fn created(base: &PublicUrl, path: &str, body: &Json, pretty: bool) -> Response {
    let mut response = json(StatusCode::CREATED, body, pretty);
    if let Ok(location) = HeaderValue::from_str(&absolute_url(base, path)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::PublicUrl;

    #[test]
    fn public_urls() {
        for (text, expected) in [
            ("https://cdb.example.org", "https://cdb.example.org"),
            ("https://cdb.example.org/", "https://cdb.example.org"),
            (
                "HTTP://cdb.example.org:8443/cdb/",
                "http://cdb.example.org:8443/cdb",
            ),
            ("http://[::1]:8080", "http://[::1]:8080"),
        ] {
            assert_eq!(PublicUrl::parse(text).unwrap().as_str(), expected, "{text}");
        }
        for bad in [
            "",
            "cdb.example.org",
            "ftp://cdb.example.org",
            "https://",
            "https:///path",
            "https://u:p@cdb.example.org",
            "https://cdb.example.org/?q",
            "https://cdb.example.org/#f",
            "https://cdb example.org",
            "https://cdb.example.org/a b",
        ] {
            let error = PublicUrl::parse(bad).unwrap_err();
            assert!(error.contains("--public-url"), "{bad}: {error}");
        }
        let any: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(
            PublicUrl::from_listen_address(any).as_str(),
            "http://127.0.0.1:8080"
        );
    }
}
