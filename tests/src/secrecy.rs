//! The secrecy scan: everything a non-owner can get from a running server,
//! searched for marker values that the rules keep sealed.
//!
//! The routes come from the router itself (`api::server::routes()`), so a
//! route added anywhere is scanned without editing this file. Each GET route
//! is requested with every known id in each path parameter, as every viewer,
//! with and without feed and `opt_fields` queries; a route that answers with
//! server-sent events is read until it goes quiet. Refused writes and their
//! error bodies are scanned too.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Duration;

use axum::http::Method;
use serde_json::Value as Json;

use crate::http::{StatusCode, TestServer};

/// Who is looking: no key, another broker's key, or the buyer (its key and
/// its owner token, which must not open anyone's bid).
#[derive(Debug, Clone)]
pub struct Viewer {
    pub name: &'static str,
    pub key: Option<&'static str>,
    pub acc_token: Option<String>,
}

/// Who the scans read as: nobody, a broker with no part in the procedure,
/// and the procedure's owner presenting its token (who must still not see
/// other brokers' sealed bids).
pub fn viewers(owner_token: &str) -> Vec<Viewer> {
    vec![
        Viewer {
            name: "anonymous",
            key: None,
            acc_token: None,
        },
        Viewer {
            name: "a broker with no part in it",
            key: Some(crate::http::STRANGER_KEY),
            acc_token: None,
        },
        Viewer {
            name: "the owner with its token",
            key: Some(crate::http::BROKER_KEY),
            acc_token: Some(owner_token.to_owned()),
        },
    ]
}

/// The ids a path parameter can take, by parameter name.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub values: BTreeMap<String, Vec<String>>,
}

impl Known {
    pub fn add(&mut self, parameter: impl Into<String>, value: impl Into<String>) {
        let values = self.values.entry(parameter.into()).or_default();
        let value = value.into();
        if !values.contains(&value) {
            values.push(value);
        }
    }
}

/// A write that must be refused; its answer is scanned.
#[derive(Debug, Clone)]
pub struct Probe {
    pub method: Method,
    pub path: String,
    pub key: Option<&'static str>,
    pub body: Option<Json>,
}

/// One answer a non-owner got.
#[derive(Debug, Clone)]
pub struct Answer {
    pub request: String,
    pub status: StatusCode,
    pub body: String,
}

/// Every field a feed or list may be asked to add.
const OPT_FIELDS: &str = "status,bids,awards,contracts,cancellations,documents,value,\
     tenderers,bidders,items,auctionId,tenderID,procurementMethodType,sellingMethod,owner";

/// The query variants of a route without path parameters (a collection, a
/// feed, the event log): as it is, the change feed both ways with every
/// optional field, and the live form.
fn collection_queries() -> Vec<String> {
    vec![
        String::new(),
        format!("?opt_fields={OPT_FIELDS}&limit=1000"),
        format!("?feed=changes&opt_fields={OPT_FIELDS}&limit=1000"),
        format!("?feed=changes&descending=1&opt_fields={OPT_FIELDS}&limit=1000"),
        format!("?feed=changes&mode=stream&opt_fields={OPT_FIELDS}"),
        "?mode=stream".to_owned(),
    ]
}

/// `pattern` with each `{parameter}` replaced by each known value.
fn expand(pattern: &str, known: &Known) -> Vec<String> {
    let mut paths = vec![String::new()];
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .unwrap_or_else(|| panic!("unclosed parameter in {pattern}"));
        let literal = &rest[..open];
        let name = &rest[open + 1..close];
        let values = known.values.get(name).unwrap_or_else(|| {
            panic!(
                "route {pattern} has a path parameter {{{name}}} the secrecy scan has no ids for: \
                 give the scan's `Known` values for it"
            )
        });
        paths = paths
            .iter()
            .flat_map(|prefix| values.iter().map(move |v| format!("{prefix}{literal}{v}")))
            .collect();
        rest = &rest[close + 1..];
    }
    paths.into_iter().map(|p| format!("{p}{rest}")).collect()
}

fn with_token(path: &str, token: Option<&str>) -> String {
    match token {
        None => path.to_owned(),
        Some(token) if path.contains('?') => format!("{path}&acc_token={token}"),
        Some(token) => format!("{path}?acc_token={token}"),
    }
}

/// GETs `path` as `viewer`; a server-sent-events answer is read until it
/// has been quiet for a moment.
async fn fetch(server: &TestServer, path: &str, viewer: &Viewer) -> Answer {
    let client = reqwest::Client::new();
    let mut request = client.get(format!("{}{path}", server.base));
    if let Some(key) = viewer.key {
        request = request.bearer_auth(key);
    }
    let mut response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status();
    let streaming = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/event-stream"));
    let mut body = Vec::new();
    if streaming {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let quiet = tokio::time::Instant::now() + Duration::from_millis(700);
            match tokio::time::timeout_at(quiet.min(deadline), response.chunk()).await {
                Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
                Ok(Ok(None)) | Err(_) => break,
                Ok(Err(e)) => panic!("reading the stream {path}: {e}"),
            }
        }
    } else {
        body = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: reading the body: {e}"))
            .to_vec();
    }
    Answer {
        request: format!("GET {path} as {}", viewer.name),
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// What one scan read.
pub struct Scan {
    pub routes: usize,
    pub answers: Vec<Answer>,
}

impl Scan {
    /// The answers whose body shows `marker` ([`shows`]).
    pub fn containing(&self, marker: &str) -> Vec<&Answer> {
        self.answers
            .iter()
            .filter(|a| shows(&a.body, marker))
            .collect()
    }
}

/// Whether `body` shows `marker`. A marker made of digits (a price, a
/// register code) counts only where it stands as a number of its own, not
/// inside a longer one: `/metrics` writes durations such as
/// `2.691753171000001`, which hold `71000001` by chance, while a leaked code
/// or price stands between quotes, commas or spaces.
pub fn shows(body: &str, marker: &str) -> bool {
    let numeric = |c: char| c.is_ascii_digit() || c == '.';
    if marker.is_empty() || !marker.chars().all(numeric) {
        return body.contains(marker);
    }
    body.match_indices(marker).any(|(at, _)| {
        let before = body[..at].chars().next_back();
        let after = body[at + marker.len()..].chars().next();
        !before.is_some_and(numeric) && !after.is_some_and(numeric)
    })
}

/// The id no object has: what a route of objects no scanned procedure
/// holds is probed with.
const ABSENT: &str = "0123456789abcdef0123456789abcdef";

/// `route` as `(procedure route, list, parameter)` when it is one object of
/// a list in the procedure's document, `<collection>/{id}/<list>/{<x>}`
/// (`…/lots/{lot_id}`).
fn listed_object(route: &str) -> Option<(&str, &str, &str)> {
    let (holder, parameter) = route.strip_suffix('}')?.rsplit_once("/{")?;
    let (procedure, list) = holder.rsplit_once('/')?;
    let ok = procedure.ends_with("/{id}") && !list.contains('{') && !parameter.contains('/');
    ok.then_some((procedure, list, parameter))
}

/// `known` with the ids of every object the procedures' public documents
/// list for a route of one such object (questions, lots, awards…), so a
/// type's new sub-resource is scanned with real ids without the scan
/// being told about it; a route whose list no procedure has is probed
/// with an id nothing has.
async fn with_listed_ids(server: &TestServer, routes: &[String], known: &Known) -> Known {
    let mut found = known.clone();
    let ids = known.values.get("id").cloned().unwrap_or_default();
    for route in routes {
        let Some((procedure, list, parameter)) = listed_object(route) else {
            continue;
        };
        for id in &ids {
            let (status, _, body) = server.get(&procedure.replace("{id}", id), None, None).await;
            if status != StatusCode::OK {
                continue;
            }
            for object in body["data"][list].as_array().into_iter().flatten() {
                if let Some(object_id) = object["id"].as_str() {
                    found.add(parameter, object_id);
                }
            }
        }
        if !found.values.contains_key(parameter) {
            found.add(parameter, ABSENT);
        }
    }
    found
}

/// `known` with the ocid of every procedure the OCDS releases show, so
/// that every record is scanned whatever the procedure's type.
async fn with_ocids(server: &TestServer, known: &Known) -> Known {
    let mut known = known.clone();
    known.add("ocid", "ocds-000000-none");
    let (status, _, package) = server
        .get("/api/2.5/ocds/releases?limit=1000", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{package}");
    for release in package["releases"].as_array().into_iter().flatten() {
        if let Some(ocid) = release["ocid"].as_str() {
            known.add("ocid", ocid);
        }
    }
    known
}

/// Reads everything `viewers` can get: every GET route of the router with
/// every known id, the feeds and the event log in every form, the answers
/// to `probes`. No answer may be a server error.
pub async fn collect(
    server: &TestServer,
    known: &Known,
    viewers: &[Viewer],
    probes: &[Probe],
) -> Scan {
    server.settle().await;
    let routes: Vec<_> = api::server::routes(&server.registry)
        .entries()
        .into_iter()
        .filter(|route| route.method == Method::GET)
        .collect();
    let paths: Vec<String> = routes.iter().map(|route| route.path.clone()).collect();
    let known = &with_listed_ids(server, &paths, &with_ocids(server, known).await).await;
    let mut answers = Vec::new();
    for route in &routes {
        let parameterised = route.path.contains('{');
        let queries = if parameterised {
            vec![String::new(), format!("?opt_fields={OPT_FIELDS}")]
        } else {
            collection_queries()
        };
        for path in expand(&route.path, known) {
            for query in &queries {
                for viewer in viewers {
                    // The live forms are public and the same for everyone.
                    if query.contains("mode=stream") && viewer.key.is_some() {
                        continue;
                    }
                    let path = with_token(&format!("{path}{query}"), viewer.acc_token.as_deref());
                    answers.push(fetch(server, &path, viewer).await);
                }
            }
        }
    }
    for probe in probes {
        let (status, _, body) = server
            .send(
                probe.method.clone(),
                &probe.path,
                probe.key,
                probe.body.clone(),
            )
            .await;
        assert!(
            status.is_client_error(),
            "{} {} must be refused, answered {status}: {body}",
            probe.method,
            probe.path
        );
        answers.push(Answer {
            request: format!("{} {} as {:?}", probe.method, probe.path, probe.key),
            status,
            body: body.to_string(),
        });
    }
    for answer in &answers {
        assert!(
            !answer.status.is_server_error(),
            "{} answered {}: {}",
            answer.request,
            answer.status,
            answer.body
        );
    }
    Scan {
        routes: routes.len(),
        answers,
    }
}

/// Fails naming every answer that shows a sealed marker, and every
/// disclosed marker that no answer shows; then prints what was scanned.
pub fn check(scan: &Scan, label: &str, sealed: &[String], disclosed: &[String]) {
    let mut failures = Vec::new();
    for marker in sealed {
        for answer in scan.containing(marker) {
            failures.push(format!(
                "sealed {marker:?} shown by {} ({}): {}",
                answer.request,
                answer.status,
                excerpt(&answer.body, marker)
            ));
        }
    }
    for marker in disclosed {
        if scan.containing(marker).is_empty() {
            failures.push(format!("disclosed {marker:?} shown by no answer"));
        }
    }
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for answer in &scan.answers {
        *statuses.entry(answer.status.as_u16()).or_default() += 1;
    }
    let line = format!(
        "secrecy scan {label}: {} GET routes, {} answers (by status {:?}), {} sealed and {} disclosed markers checked\n",
        scan.routes,
        scan.answers.len(),
        statuses,
        sealed.len(),
        disclosed.len()
    );
    // Straight to the process's stderr, past the test harness's capture, so
    // the counts show in every run.
    let _ = std::io::stderr().write_all(line.as_bytes());
    assert!(
        failures.is_empty(),
        "{label}: {} secrecy failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn excerpt(body: &str, marker: &str) -> String {
    let at = body.find(marker).unwrap_or(0);
    let start = body[..at]
        .char_indices()
        .rev()
        .nth(120)
        .map_or(0, |(i, _)| i);
    let end = (at + marker.len() + 120).min(body.len());
    let end = (end..=body.len())
        .find(|i| body.is_char_boundary(*i))
        .unwrap_or(body.len());
    body[start..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numeric_marker_shows_only_as_a_number_of_its_own() {
        assert!(shows(r#"{"id":"71000001"}"#, "71000001"));
        assert!(shows(r#"{"amount":1234.56,"#, "1234.56"));
        assert!(shows("71000001", "71000001"));
        assert!(!shows("_sum 2.691753171000001", "71000001"));
        assert!(!shows(r#"{"amount":11234.567}"#, "1234.56"));
        assert!(shows(
            "bidder71000001@example.com",
            "bidder71000001@example.com"
        ));
        assert!(shows("x-71000001-y", "71000001"));
    }

    #[test]
    fn every_parameter_takes_every_known_value() {
        let mut known = Known::default();
        known.add("id", "t1");
        known.add("id", "t2");
        known.add("bid_id", "b1");
        assert_eq!(
            expand("/x/{id}/bids/{bid_id}/documents", &known),
            ["/x/t1/bids/b1/documents", "/x/t2/bids/b1/documents"]
        );
        assert_eq!(expand("/health", &known), ["/health"]);
    }

    #[test]
    fn objects_of_a_procedure_list_are_recognised() {
        assert_eq!(
            listed_object("/api/2.5/tenders/{id}/lots/{lot_id}"),
            Some(("/api/2.5/tenders/{id}", "lots", "lot_id"))
        );
        assert_eq!(
            listed_object("/api/2.5/tenders/{id}/bids/{bid_id}/documents/{document_id}"),
            None
        );
        assert_eq!(listed_object("/api/2.5/tenders/{id}"), None);
    }

    #[test]
    #[should_panic(expected = "has a path parameter {award_id}")]
    fn an_unknown_parameter_is_loud() {
        expand("/x/{award_id}", &Known::default());
    }
}
