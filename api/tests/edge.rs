//! The HTTP edge of the real `cdb` binary against hostile clients, over raw
//! TCP: every error in the JSON envelope, read timeouts and the connection
//! cap, bodies announced over the limit, out-of-range feed offsets, limits
//! above the maximum, links that never follow the `Host` header, and the
//! exact `Authorization` forms accepted.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

mod common;

use common::CDB;
const KEY: &str = "edge-broker-key-0123456789";

/// A running `cdb serve` with one broker (`KEY`), killed when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    address: String,
}

impl Server {
    fn start(data_dir: &Path, extra: &[&str]) -> Server {
        let brokers = common::brokers_file(&data_dir.join("edge-brokers.toml"), "edge", KEY);
        let brokers = brokers.to_string_lossy();
        let mut args = vec!["--brokers", &brokers];
        args.extend_from_slice(extra);
        let (child, base) = common::spawn_serve(data_dir, &args, "error");
        let address = base
            .strip_prefix("http://")
            .expect("an http address")
            .to_owned();
        Server { child, address }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.address).expect("connect");
        // Only a bound on a hung server: a page of 1,000 events takes
        // seconds on a debug build of a busy two-core machine. The tests
        // about timing set their own.
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
    }

    /// Sends `request` on a new connection and reads one answer.
    fn raw(&self, request: &[u8]) -> Answer {
        let mut stream = self.connect();
        // The server may answer and close before it has read everything.
        let _ = stream.write_all(request);
        read_answer(&mut stream).unwrap_or_else(|e| panic!("no answer: {e}"))
    }

    fn get(&self, target: &str) -> Answer {
        self.raw(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
    }

    fn get_with(&self, target: &str, header: &str) -> Answer {
        self.raw(format!("GET {target} HTTP/1.1\r\nHost: x\r\n{header}\r\n\r\n").as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} answered a body that is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The answer is `status` in the error envelope; returns its one error.
    fn assert_envelope(&self, status: u16) -> Json {
        assert_eq!(self.status, status, "{self:?}");
        let content_type = self.header("content-type").unwrap_or("");
        assert!(
            content_type.starts_with("application/json"),
            "{status} answered with content-type {content_type:?}: {:?}",
            String::from_utf8_lossy(&self.body)
        );
        let body = self.json();
        assert_eq!(body["status"], "error", "{body}");
        let errors = body["errors"].as_array().expect("errors");
        assert!(!errors.is_empty(), "{body}");
        for error in errors {
            for field in ["location", "name", "description"] {
                assert!(!error[field].is_null(), "no {field}: {body}");
            }
        }
        errors[0].clone()
    }
}

/// Reads one HTTP/1.1 answer: the head, then `Content-Length` bytes (or,
/// without one, until the connection closes).
fn read_answer(stream: &mut TcpStream) -> std::io::Result<Answer> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "closed after {:?}",
                    String::from_utf8_lossy(&buffer).into_owned()
                ),
            ));
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = buffer[head_end..].to_vec();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    match length {
        Some(length) => {
            while body.len() < length {
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
            body.truncate(length);
        }
        None => {
            stream.read_to_end(&mut body)?;
        }
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// Whether the server closes `stream` within `within` (a read sees EOF or
/// a reset) rather than holding it open.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

fn basic(user: &str, password: &str) -> String {
    // A tiny standard base64 encoder, to keep the test free of the server's own.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// Item 6: the answers axum and hyper make themselves (unsupported method,
/// body over the limit, repeated query parameter, URI and headers too
/// large, an unparseable request) are in the error envelope too.
#[test]
fn every_error_is_answered_in_the_json_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);

    let error = server
        .raw(b"PUT /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .assert_envelope(405);
    assert_eq!(error["name"], "method", "{error}");
    server
        .raw(b"PUT /api/2.5/tenders HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .assert_envelope(405);

    // A body over the limit, streamed in chunks (no Content-Length).
    let mut request = format!(
        "POST /api/2.5/tenders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..48 {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(&chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let error = server.raw(&request).assert_envelope(413);
    assert_eq!(error["location"], "body", "{error}");

    let error = server
        .get("/api/2.5/tenders?feed=changes&limit=1&limit=2")
        .assert_envelope(400);
    assert_eq!(error["location"], "querystring", "{error}");
    assert_eq!(error["name"], "limit", "{error}");

    let long = format!("/api/2.5/tenders?opt_fields={}", "a".repeat(70 * 1024));
    let error = server.get(&long).assert_envelope(414);
    assert_eq!(error["location"], "url", "{error}");

    let mut many = String::from("GET /health HTTP/1.1\r\nHost: x\r\n");
    for i in 0..200 {
        many.push_str(&format!("X-Filler-{i}: {i}\r\n"));
    }
    many.push_str("\r\n");
    let error = server.raw(many.as_bytes()).assert_envelope(431);
    assert_eq!(error["location"], "header", "{error}");
    let big = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(512 * 1024)
    );
    server.raw(big.as_bytes()).assert_envelope(431);

    server
        .raw(b"GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        .assert_envelope(400);

    // Unknown routes and path mistakes were already enveloped; still are.
    server.get("/nowhere").assert_envelope(404);
    // And a good request still works on the same server.
    let health = server.get("/health");
    assert_eq!(health.status, 200, "{health:?}");
}

/// Item 7: a Content-Length over the body limit is refused at once with
/// 413, without waiting for a body that will never come.
#[test]
fn a_body_announced_over_the_limit_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let started = Instant::now();
    let answer = server.raw(
        format!(
            "POST /api/2.5/tenders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\
             Content-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{{"
        )
        .as_bytes(),
    );
    let error = answer.assert_envelope(413);
    assert_eq!(error["location"], "body", "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// Item 7: partial headers, a partial body and idle connections are cut off
/// after the configured timeouts, and connections over the cap wait.
#[test]
fn slow_clients_are_cut_off_and_connections_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &[
            "--header-read-timeout-ms",
            "500",
            "--request-timeout-ms",
            "1000",
            "--max-connections",
            "3",
        ],
    );

    // Partial headers: closed after the header read timeout.
    let mut partial = server.connect();
    partial
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let started = Instant::now();
    assert!(closed_within(&mut partial, Duration::from_secs(5)));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // Connected, nothing sent: closed too.
    let mut idle = server.connect();
    assert!(closed_within(&mut idle, Duration::from_secs(5)));

    // A partial body: answered 408 in the envelope after the request timeout.
    let mut slow_body = server.connect();
    slow_body
        .write_all(
            format!(
                "POST /api/2.5/tenders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\
                 Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"data\""
            )
            .as_bytes(),
        )
        .unwrap();
    let started = Instant::now();
    read_answer(&mut slow_body)
        .expect("an answer to the partial body")
        .assert_envelope(408);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    drop(slow_body);
    drop(partial);
    drop(idle);
    std::thread::sleep(Duration::from_millis(200));

    // The cap: with three connections held open, a fourth is not served
    // until one of them goes away.
    let mut held: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut stream = server.connect();
            stream.write_all(b"GET /health HTTP/1.1\r\n").unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let mut fourth = server.connect();
    fourth
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    fourth
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut byte = [0u8; 1];
    let early = fourth.read(&mut byte);
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "a connection over the cap was served at once: {early:?}"
    );
    held.pop();
    fourth
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let answer = read_answer(&mut fourth).expect("served once a slot is free");
    assert_eq!(answer.status, 200, "{answer:?}");
}

/// Item 8: offsets beyond the log's position range are refused with 422
/// naming `offset` (they used to wrap round and replay the feed from the
/// start), on every feed, as pages and streams, and as `Last-Event-ID`.
#[test]
fn out_of_range_feed_offsets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::fill_log(dir.path(), 4);
    let server = Server::start(dir.path(), &[]);

    for feed in [
        "/api/2.5/tenders?feed=changes",
        "/api/procedures?feed=changes",
        "/api/2.5/events?x=1",
    ] {
        for offset in [
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999999",
        ] {
            for mode in ["", "&mode=stream", "&descending=1"] {
                let error = server
                    .get(&format!("{feed}&offset={offset}{mode}"))
                    .assert_envelope(422);
                assert_eq!(error["name"], "offset", "{feed} {offset} {mode}: {error}");
                assert_eq!(error["location"], "querystring", "{error}");
            }
        }
        let error = server
            .get_with(
                &format!("{feed}&mode=stream"),
                "Last-Event-ID: 9223372036854775808",
            )
            .assert_envelope(422);
        assert_eq!(error["name"], "Last-Event-ID", "{feed}: {error}");
        assert_eq!(error["location"], "header", "{error}");
        // The largest position is still a good offset.
        let answer = server.get(&format!("{feed}&offset=9223372036854775807"));
        assert_eq!(answer.status, 200, "{feed}: {answer:?}");
        assert_eq!(answer.json()["data"], serde_json::json!([]), "{feed}");
    }

    // The log has events; none is replayed for an offset past its end.
    let all = server.get("/api/2.5/events");
    assert!(
        all.json()["data"]
            .as_array()
            .is_some_and(|events| !events.is_empty()),
        "{all:?}"
    );

    // A descending page with nothing after it links to an offset that works.
    let page = server.get("/api/2.5/tenders?feed=changes&descending=1");
    assert_eq!(page.status, 200, "{page:?}");
    let next = page.json()["next_page"]["path"]
        .as_str()
        .expect("next_page.path")
        .to_owned();
    let answer = server.get(&next);
    assert_eq!(answer.status, 200, "{next}: {answer:?}");
}

/// Item 9: a limit above the maximum is clamped to 1000 (as the reference
/// API does); zero, negative and non-numbers are still refused.
#[test]
fn feed_limits_above_the_maximum_are_clamped() {
    let dir = tempfile::tempdir().unwrap();
    common::fill_log(dir.path(), 1200);
    let server = Server::start(dir.path(), &[]);
    for limit in ["1001", "5000", "99999999999999999999999"] {
        let answer = server.get(&format!("/api/2.5/events?limit={limit}"));
        assert_eq!(answer.status, 200, "limit={limit}: {answer:?}");
        let body = answer.json();
        assert_eq!(body["data"].as_array().map(Vec::len), Some(1000), "{limit}");
        assert!(
            body["next_page"]["path"]
                .as_str()
                .is_some_and(|path| path.contains("limit=1000")),
            "{}",
            body["next_page"]
        );
        for feed in ["/api/2.5/tenders", "/api/procedures"] {
            let answer = server.get(&format!("{feed}?feed=changes&limit={limit}"));
            assert_eq!(answer.status, 200, "{feed} limit={limit}: {answer:?}");
        }
    }
    for limit in ["0", "-1", "abc", "1.5", "-99999999999999999999"] {
        for feed in [
            "/api/2.5/events?x=1",
            "/api/2.5/tenders?feed=changes",
            "/api/procedures?feed=changes",
        ] {
            let error = server
                .get(&format!("{feed}&limit={limit}"))
                .assert_envelope(422);
            assert_eq!(error["name"], "limit", "{feed} {limit}: {error}");
        }
    }
}

/// Item 11: links are built on the configured public URL, whatever `Host`
/// the client sends; by default on the address the server listens on.
#[test]
fn links_use_the_public_url_never_the_host_header() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--public-url", "https://cdb.example.org/"]);
    let upload = server.raw(
        format!(
            "POST /api/2.5/documents HTTP/1.1\r\nHost: evil.example\r\n\
             Authorization: Bearer {KEY}\r\nContent-Type: application/pdf\r\n\
             Content-Length: 5\r\n\r\nhello"
        )
        .as_bytes(),
    );
    assert_eq!(upload.status, 201, "{upload:?}");
    let location = upload.header("location").unwrap_or_default().to_owned();
    assert!(
        location.starts_with("https://cdb.example.org/api/2.5/documents/"),
        "{location}"
    );
    assert_eq!(upload.json()["data"]["url"], location.as_str());
    for feed in [
        "/api/2.5/tenders?feed=changes",
        "/api/procedures?feed=changes",
        "/api/2.5/events",
    ] {
        let page =
            server.raw(format!("GET {feed} HTTP/1.1\r\nHost: evil.example\r\n\r\n").as_bytes());
        let uri = page.json()["next_page"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            uri.starts_with("https://cdb.example.org/api/"),
            "{feed}: {uri}"
        );
    }
    drop(server);

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let page = server.raw(b"GET /api/2.5/events HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    let uri = page.json()["next_page"]["uri"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        uri.starts_with(&format!("http://{}/api/2.5/events?", server.address)),
        "{uri}"
    );
}

/// Item 11: a bad `--public-url` stops the server at start-up: exit 2, one
/// line naming the flag.
#[test]
fn a_bad_public_url_is_refused_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [
        "ftp://cdb.example.org",
        "cdb.example.org",
        "https://",
        "https://cdb.example.org/?a=1",
        "https://user@cdb.example.org",
        "",
    ] {
        let output = Command::new(CDB)
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .args(["--public-url", bad])
            .output()
            .expect("run cdb");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "{bad:?}: {stderr}");
        assert!(errors[0].contains("--public-url"), "{bad:?}: {stderr}");
        assert!(errors[0].contains(&format!("{bad:?}")), "{bad:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Item 11: the broker key is accepted as `Bearer <key>` and as the user
/// name of HTTP Basic, like the reference API; a bare key is not.
#[test]
fn the_broker_key_is_accepted_in_the_reference_forms_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let post = |authorization: &str| {
        server.raw(
            format!(
                "POST /api/2.5/tenders HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization}\r\n\
                 Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"
            )
            .as_bytes(),
        )
    };
    // Accepted: the body is then refused for its own sake (422).
    for accepted in [
        format!("Bearer {KEY}"),
        format!("bearer {KEY}"),
        basic(KEY, ""),
        basic(KEY, "anything"),
    ] {
        let answer = post(&accepted);
        assert_eq!(answer.status, 422, "{accepted}: {answer:?}");
        let error = answer.assert_envelope(422);
        assert_eq!(error["name"], "data", "{accepted}: {error}");
    }
    for refused in [
        KEY.to_owned(),
        format!("Token {KEY}"),
        format!("Bearer{KEY}"),
        basic("someone-else", KEY),
        format!("Basic {KEY}"),
        "Basic".to_owned(),
        "Bearer ".to_owned(),
    ] {
        let answer = post(&refused);
        assert_eq!(answer.status, 401, "{refused}: {answer:?}");
        let error = answer.assert_envelope(401);
        assert_eq!(error["name"], "Authorization", "{refused}: {error}");
    }
}
