//! What existing broker clients of the reference API send and expect, beyond
//! the procedures' own rules: compressed answers, the SPORE description,
//! the object token in `X-Access-Token`, a PATCH carrying the object's own
//! id, and feed offsets in the older time forms.

use std::io::Read;

use axum::http::{HeaderMap, Method, StatusCode};
use chrono::TimeDelta;
use e2e::http::{BROKER_KEY, TestServer};
use serde_json::{Value as Json, json};

e2e::on_both_backends!(feed_offsets_may_be_times);

async fn get_with(server: &TestServer, path: &str, encoding: Option<&str>) -> (HeaderMap, Vec<u8>) {
    let client = reqwest::Client::new();
    let mut request = client.get(format!("{}{path}", server.base));
    if let Some(encoding) = encoding {
        request = request.header("accept-encoding", encoding);
    }
    let response = request.send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.expect("body").to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn json_answers_are_compressed_for_clients_that_ask() {
    let server = TestServer::embedded().await;
    for _ in 0..3 {
        e2e::pq::activated(&server).await;
    }
    server.settle().await;
    let path = "/api/2.5/tenders?feed=changes&opt_fields=status,procurementMethodType";
    let (plain_headers, plain) = get_with(&server, path, None).await;
    assert!(plain_headers.get("content-encoding").is_none());
    let expected: Json = serde_json::from_slice(&plain).expect("JSON");
    assert_eq!(
        expected["data"].as_array().map(Vec::len),
        Some(3),
        "{expected}"
    );

    let (headers, gzipped) = get_with(&server, path, Some("gzip")).await;
    assert_eq!(headers["content-encoding"], "gzip");
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(gzipped.as_slice())
        .read_to_end(&mut text)
        .expect("gzip");
    assert_eq!(
        serde_json::from_slice::<Json>(&text).expect("JSON"),
        expected
    );
    assert!(gzipped.len() < plain.len());

    let (headers, brotlied) = get_with(&server, path, Some("br")).await;
    assert_eq!(headers["content-encoding"], "br");
    let mut text = Vec::new();
    brotli::Decompressor::new(brotlied.as_slice(), 4096)
        .read_to_end(&mut text)
        .expect("brotli");
    assert_eq!(
        serde_json::from_slice::<Json>(&text).expect("JSON"),
        expected
    );

    // A live stream is never held back by compression.
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/2.5/tenders?feed=changes&mode=stream",
            server.base
        ))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("stream");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("content-encoding").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn spore_describes_every_route() {
    let server = TestServer::embedded().await;
    let response = reqwest::Client::new()
        .head(format!("{}/api/2.5/spore", server.base))
        .send()
        .await
        .expect("HEAD spore");
    assert_eq!(response.status(), StatusCode::OK);
    let (status, _, spore) = server.get("/api/2.5/spore", None, None).await;
    assert_eq!(status, StatusCode::OK, "{spore}");
    assert_eq!(spore["base_url"], format!("{}/api/2.5", server.base));
    for method in [
        "GET /api/2.5/tenders/{id}",
        "PATCH /api/2.5/tenders/{id}",
        "POST /api/procedures/{id}/bids",
    ] {
        assert!(spore["methods"].get(method).is_some(), "{method}: {spore}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_token_may_come_in_a_header_and_a_patch_may_carry_its_own_id() {
    let server = TestServer::embedded().await;
    let tender = e2e::pq::create(&server).await;
    let send = |token: &str, data: Json| {
        let client = reqwest::Client::new();
        let url = format!("{}{}", server.base, tender.path);
        let token = token.to_owned();
        async move {
            let response = client
                .request(Method::PATCH, url)
                .bearer_auth(BROKER_KEY)
                .header("x-access-token", token)
                .json(&json!({ "data": data }))
                .send()
                .await
                .expect("PATCH");
            let status = response.status();
            (status, response.json::<Json>().await.expect("JSON"))
        }
    };
    let (status, body) = send(
        &tender.token,
        json!({"id": tender.id, "title": "Нова назва"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["title"], "Нова назва");
    let (status, body) = send("not-the-token", json!({"title": "Чужа назва"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Another id is not the object's own: still refused, naming it.
    let (status, body) = send(
        &tender.token,
        json!({"id": "0123456789abcdef0123456789abcdef"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["name"], "id", "{body}");
}

fn listed(feed: &Json) -> Vec<String> {
    feed["data"]
        .as_array()
        .expect("feed data")
        .iter()
        .filter_map(|item| item["id"].as_str().map(str::to_owned))
        .collect()
}

/// An offset in the older time forms starts the feed at the first change at
/// or after that time; a time after everything gives an empty page.
async fn feed_offsets_may_be_times(server: TestServer) {
    // Published tenders: drafts are not in the feed.
    let early = e2e::pq::activated(&server).await;
    server.advance(TimeDelta::hours(1));
    let between = server.now() - TimeDelta::minutes(30);
    let late = e2e::pq::activated(&server).await;
    server.settle().await;
    let kyiv = between
        .with_timezone(&chrono_tz::Europe::Kyiv)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let unix = format!("{}.5", between.timestamp());
    for offset in [kyiv, unix, domain::time::format_kyiv(between)] {
        let query = form_urlencoded_pair("offset", &offset);
        let (status, _, feed) = server
            .get(
                &format!("/api/2.5/tenders?feed=changes&{query}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{offset}: {feed}");
        assert_eq!(
            listed(&feed),
            std::slice::from_ref(&late.id),
            "{offset}: {feed}"
        );
        assert!(!listed(&feed).contains(&early.id));
    }
    let after = domain::time::format_kyiv(server.now() + TimeDelta::days(1));
    let query = form_urlencoded_pair("offset", &after);
    let (status, _, feed) = server
        .get(
            &format!("/api/2.5/tenders?feed=changes&{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert!(listed(&feed).is_empty(), "{feed}");
    // Not a time and not a position: as before.
    let (status, _, body) = server
        .get("/api/2.5/tenders?feed=changes&offset=yesterday", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

fn form_urlencoded_pair(name: &str, value: &str) -> String {
    let encoded: String = value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("{name}={encoded}")
}

/// A download is served with the format and file name it was uploaded with
/// (the official client reads the name from `Content-Disposition`); a
/// format that is not a plain media type is served as bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn downloads_carry_their_format_and_file_name() {
    let server = TestServer::embedded().await;
    let title = "Протокол №1 \"фінальний\".pdf";
    let query = form_urlencoded_pair("title", title);
    let (status, _, uploaded) = server
        .send_raw(
            Method::POST,
            &format!("/api/2.5/documents?{query}"),
            Some(BROKER_KEY),
            Some("application/pdf"),
            Some(b"%PDF-1.4 protocol".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let url = uploaded["data"]["url"].as_str().expect("url");
    let path = url.trim_start_matches(&server.base);
    let (status, headers, body) = server.get_bytes_as(path, Some(BROKER_KEY)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"%PDF-1.4 protocol");
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().expect("ASCII");
    // What the official client does with it.
    let name = disposition
        .split("; filename=")
        .nth(1)
        .expect("a file name")
        .trim_matches('"');
    let decoded = percent_decode(name);
    assert_eq!(decoded, title, "{disposition}");

    let (status, _, hostile) = server
        .send_raw(
            Method::POST,
            "/api/2.5/documents?title=page.html",
            Some(BROKER_KEY),
            Some("text/html<script>"),
            Some(b"<script>alert(1)</script>".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hostile}");
    let url = hostile["data"]["url"].as_str().expect("url");
    let (_, headers, _) = server
        .get_bytes_as(url.trim_start_matches(&server.base), Some(BROKER_KEY))
        .await;
    assert_eq!(headers["content-type"], "application/octet-stream");
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}
