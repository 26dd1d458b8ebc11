//! `cdb replay …` as a real child process, on data written by a real
//! `cdb serve` over HTTP: rebuild after a crash (digests identical),
//! tampering named by `verify`, export bundles checked offline, `show --at`
//! and `history` output, progress on stderr, exit codes; rebuild's peak
//! memory not growing with the log, on both backends.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use commands::store::{StoreLocation, open_store};
use serde_json::{Value as Json, json};

mod common;

use common::CDB;
const BROKER_KEY: &str = "replay-test-broker-key-0123";

/// A running `cdb serve`, stopped with SIGKILL if the test fails first.
struct Server {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Server {
    /// Starts `cdb serve` on `data_dir` with one broker whose key is
    /// [`BROKER_KEY`].
    fn start(data_dir: &Path) -> Server {
        let brokers = common::brokers_file(
            &data_dir.with_extension("brokers.toml"),
            "broker",
            BROKER_KEY,
        );
        let brokers = brokers.to_string_lossy();
        let (child, base) = common::spawn_serve(data_dir, &["--brokers", &brokers], "warn");
        Server {
            child,
            base,
            client: reqwest::Client::new(),
        }
    }

    async fn health(&self) -> Json {
        let response = self
            .client
            .get(format!("{}/health", self.base))
            .send()
            .await
            .expect("GET /health");
        response.json().await.expect("health JSON")
    }

    /// Waits until every read model has applied the whole log.
    async fn wait_for_lag_0(&self) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let health = self.health().await;
            let head = health["store"]["head"].as_u64().expect("head");
            if ["documents", "feed"]
                .iter()
                .all(|model| health["projections"][model]["lag"] == 0)
            {
                return head;
            }
            assert!(Instant::now() < deadline, "projections lag: {health}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Creates a draft tender; answers (id, owner token).
    async fn create(&self, n: usize) -> (String, String) {
        let response = self
            .client
            .post(format!("{}/api/2.5/tenders", self.base))
            .bearer_auth(BROKER_KEY)
            .json(&tender_body(n))
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 201);
        let body: Json = response.json().await.expect("JSON");
        let id = body["data"]["id"].as_str().expect("id").to_owned();
        let token = body["access"]["token"].as_str().expect("token").to_owned();
        (id, token)
    }

    async fn retitle(&self, id: &str, token: &str, title: &str) {
        let response = self
            .client
            .patch(format!(
                "{}/api/2.5/tenders/{id}?acc_token={token}",
                self.base
            ))
            .bearer_auth(BROKER_KEY)
            .json(&json!({"data": {"title": title}}))
            .send()
            .await
            .expect("PATCH");
        assert_eq!(response.status(), 200);
    }

    /// The exact bytes `GET /api/2.5/tenders/{id}` serves.
    async fn document(&self, id: &str) -> Vec<u8> {
        let response = self
            .client
            .get(format!("{}/api/2.5/tenders/{id}", self.base))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 200);
        response.bytes().await.expect("body").to_vec()
    }

    /// SIGTERM, then wait for a clean exit.
    fn terminate(mut self) {
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "cdb serve exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "cdb serve did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("wait");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tender_body(n: usize) -> Json {
    json!({
        "data": {
            "title": format!("Tender {n}"),
            "procuringEntity": {
                "name": "Buyer",
                "identifier": {"scheme": "UA-EDR", "id": "00037256"},
                "address": {"countryName": "Україна"},
                "kind": "general"
            },
            "value": {"amount": 1000 + n, "currency": "UAH"},
            "tenderPeriod": {"endDate": "2099-01-01T00:00:00+02:00"},
            "procurementMethodType": "priceQuotation",
            "items": [{"description": "Paper", "quantity": 5, "unit": {"code": "KGM"},
                       "profile": "655360-30230000-889652-40000777"}],
            "agreement": {"id": "2e14a78a2074952d5a2d256c3c004dda"}
        }
    })
}

/// Runs `cdb replay ARGS… --data-dir DATA_DIR`.
fn replay(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(CDB)
        .arg("replay")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .expect("run cdb replay")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A failure: the exit code, and exactly one `error:` line naming `expected`.
fn assert_fails(output: &Output, code: i32, expected: &[&str]) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line: {text}");
    for part in expected {
        assert!(
            errors[0].contains(part),
            "{:?} should mention {part}",
            errors[0]
        );
    }
    assert!(!text.contains("panicked"), "{text}");
}

/// The rebuild's digest line for `model`: (rows, verdict).
fn digest_line<'a>(text: &'a str, model: &str) -> (u64, &'a str) {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("cdb: {model} ")))
        .unwrap_or_else(|| panic!("no digest line for {model}: {text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let rows = words
        .iter()
        .position(|w| *w == "rows")
        .and_then(|i| words.get(i + 1))
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no row count in {line}"));
    let digests: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| **w == "digest")
        .filter_map(|(i, _)| words.get(i + 1).copied())
        .collect();
    assert_eq!(digests.len(), 2, "rebuilt and live digests: {line}");
    assert_eq!(digests[0].trim_end_matches(')').len(), 64, "{line}");
    let verdict = words.last().copied().unwrap_or_default();
    if verdict == "identical" {
        assert_eq!(
            digests[0],
            digests[1].trim_end_matches(')'),
            "identical means equal digests: {line}"
        );
    }
    (rows, verdict)
}

/// A small data directory written over HTTP: three draft tenders, the first
/// retitled after its creation. Answers the data directory, that tender's id
/// and the bytes `GET` served before and after the retitle.
struct Small {
    _dir: tempfile::TempDir,
    data_dir: PathBuf,
    id: String,
    served_first: Vec<u8>,
    served_now: Vec<u8>,
}

async fn small() -> Small {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("data");
    let server = Server::start(&data_dir);
    let (id, token) = server.create(1).await;
    server.wait_for_lag_0().await;
    let served_first = server.document(&id).await;
    server.create(2).await;
    server.retitle(&id, &token, "Папір офісний").await;
    server.create(3).await;
    server.wait_for_lag_0().await;
    let served_now = server.document(&id).await;
    assert_ne!(served_first, served_now);
    server.terminate();
    Small {
        _dir: dir,
        data_dir,
        id,
        served_first,
        served_now,
    }
}

/// (a) kill -9 of `cdb serve` while writes stream in and the projector
/// follows them; after a restart the read models catch up (lag 0), and a
/// rebuild from the log gives identical digests for both read models.
#[tokio::test]
async fn rebuild_after_a_kill_9_mid_projection_is_identical() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("data");
    let server = Server::start(&data_dir);
    // The id of every tender answered 201, and any other answer (a 5xx
    // above all) or a request that failed before the kill.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let killed = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..6 {
        let (client, base) = (server.client.clone(), server.base.clone());
        let (acknowledged, failures, killed) = (
            Arc::clone(&acknowledged),
            Arc::clone(&failures),
            Arc::clone(&killed),
        );
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let sent = client
                    .post(format!("{base}/api/2.5/tenders"))
                    .bearer_auth(BROKER_KEY)
                    .json(&tender_body(writer * 100_000 + n))
                    .send()
                    .await;
                let failure = match sent {
                    Ok(response) if response.status() == 201 => {
                        match response.json::<Json>().await {
                            Ok(body) => match body["data"]["id"].as_str() {
                                Some(id) => {
                                    acknowledged
                                        .lock()
                                        .unwrap_or_else(|e| e.into_inner())
                                        .push(id.to_owned());
                                    continue;
                                }
                                None => format!("201 without data.id: {body}"),
                            },
                            // Cut off mid-answer by the kill: not acknowledged.
                            Err(_) if killed.load(Ordering::SeqCst) => return,
                            Err(error) => format!("201 with an unreadable body: {error}"),
                        }
                    }
                    Ok(response) => {
                        let status = response.status();
                        let body = response.text().await.unwrap_or_default();
                        format!("answered {status}: {body}")
                    }
                    Err(_) if killed.load(Ordering::SeqCst) => return,
                    Err(error) => format!("request failed before the kill: {error}"),
                };
                failures
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(failure);
                return;
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while acknowledged.lock().unwrap_or_else(|e| e.into_inner()).len() < 120 {
        assert!(Instant::now() < deadline, "too few writes acknowledged");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    killed.store(true, Ordering::SeqCst);
    server.kill_9();
    for writer in writers {
        writer.await.expect("writer task");
    }
    let failures = failures.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(failures.is_empty(), "non-201 answers: {failures:?}");
    let acknowledged = acknowledged
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();

    let server = Server::start(&data_dir);
    let head = server.wait_for_lag_0().await;
    // Every acknowledged tender is served by the restarted server…
    for id in &acknowledged {
        server.document(id).await;
    }
    server.terminate();

    // …and its creation is in the log, once: one TenderCreated per
    // procedure, each procedure created once. Tenders committed but not
    // acknowledged (their answer was cut off by the kill) may be there too.
    let store = open_store(&StoreLocation::Sqlite(data_dir.join("cdb.sqlite3")), false)
        .await
        .expect("open the store");
    let events = store.read_all(0, usize::MAX).await.expect("read the log");
    drop(store);
    assert_eq!(events.len() as u64, head);
    let mut created = std::collections::HashMap::<&str, usize>::new();
    for event in &events {
        assert_eq!(event.event_type, "TenderCreated", "{event:?}");
        *created.entry(event.procedure_id.as_str()).or_default() += 1;
    }
    assert!(
        created.values().all(|&n| n == 1),
        "created twice: {created:?}"
    );
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !created.contains_key(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not in the log: {missing:?}"
    );
    let distinct: std::collections::HashSet<&String> = acknowledged.iter().collect();
    assert_eq!(distinct.len(), acknowledged.len(), "an id answered twice");

    let output = replay(&data_dir, &["rebuild"]);
    let text = stderr(&output);
    assert!(output.status.success(), "rebuild failed: {text}");
    assert!(text.contains(&format!("rebuilt {head} events")), "{text}");
    for model in ["documents", "feed"] {
        let (rows, verdict) = digest_line(&text, model);
        assert_eq!(verdict, "identical", "{text}");
        // One draft tender per event: every acknowledged one is there.
        assert_eq!(rows, head, "{model}: {text}");
    }
    assert!(
        text.contains("OK: the live read models equal a rebuild"),
        "{text}"
    );
    // It is repeatable: the installed content is the same again.
    let again = replay(&data_dir, &["rebuild"]);
    assert!(again.status.success(), "{}", stderr(&again));
}

/// (b) A direct edit of one stored event in the SQLite file: `verify`
/// exits 1 naming that event (position, procedure, id, type). An untouched
/// store verifies; a missing store is a configuration error.
#[tokio::test]
async fn verify_names_an_event_edited_in_the_database() {
    let small = small().await;
    let output = replay(&small.data_dir, &["verify"]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("OK: 4 events in 3 procedures"), "{text}");

    let database =
        rusqlite::Connection::open(small.data_dir.join("cdb.sqlite3")).expect("open SQLite");
    // The retitle (the first tender's 2nd event, position 3).
    let (position, event_id, event_type, data): (i64, String, String, String) = database
        .query_row(
            "SELECT position, event_id, event_type, data FROM events \
             WHERE procedure_id = ?1 AND procedure_version = 2",
            [&small.id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .expect("the retitle event");
    assert_eq!(position, 3);
    let forged = data.replace("Папір офісний", "Папір підмінений");
    assert_ne!(forged, data);
    database
        .execute_batch("DROP TRIGGER events_no_update")
        .expect("drop the append-only trigger");
    database
        .execute(
            "UPDATE events SET data = ?1 WHERE position = ?2",
            rusqlite::params![forged, position],
        )
        .expect("update");
    drop(database);

    let output = replay(&small.data_dir, &["verify"]);
    assert_fails(
        &output,
        1,
        &[
            "verification FAILED",
            &format!("event {event_id}"),
            "position 3",
            &format!("procedure {}", small.id),
            &event_type,
            "content hashes to",
        ],
    );

    let missing = small.data_dir.join("nowhere");
    let output = replay(&missing, &["verify"]);
    assert_fails(&output, 2, &["no event store"]);
    assert!(!missing.exists(), "auditing creates nothing");
}

/// (c) `export` writes a bundle that `verify --bundle` accepts offline (the
/// store moved away); an edited bundle fails naming the event.
#[tokio::test]
async fn exported_bundles_verify_offline_and_edits_fail() {
    let small = small().await;
    let bundle = small.data_dir.with_extension("bundle.json");
    let bundle_arg = bundle.to_str().expect("UTF-8 path");
    let output = replay(&small.data_dir, &["export", &small.id, "--out", bundle_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    // To stdout without --out: the same bundle.
    let output = replay(&small.data_dir, &["export", &small.id]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&bundle).expect("read the bundle");
    assert_eq!(output.stdout, text.as_bytes());

    let parsed: Json = serde_json::from_str(&text).expect("JSON");
    assert_eq!(parsed["format"], "opencdb-procedure-bundle");
    assert_eq!(parsed["format_version"], 1);
    assert_eq!(parsed["procedure_id"], small.id.as_str());
    assert_eq!(parsed["kind"], "priceQuotation");
    let events = parsed["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(parsed["head_hash"], events[1]["hash"]);

    // Offline: no store anywhere near.
    std::fs::rename(&small.data_dir, small.data_dir.with_extension("moved")).expect("move");
    let offline = small.data_dir.join("nowhere");
    let output = replay(&offline, &["verify", "--bundle", bundle_arg]);
    let text_err = stderr(&output);
    assert!(output.status.success(), "{text_err}");
    assert!(text_err.contains("OK: bundle of procedure"), "{text_err}");
    assert!(text_err.contains("2 events"), "{text_err}");

    let mut edited = parsed.clone();
    edited["events"][0]["data"]["tender"]["title"] = json!("Підмінена назва");
    assert_ne!(edited, parsed);
    std::fs::write(&bundle, edited.to_string()).expect("write");
    let output = replay(&offline, &["verify", "--bundle", bundle_arg]);
    let first_id = events[0]["event_id"].as_str().expect("event id");
    assert_fails(&output, 1, &["verification FAILED", first_id, "position 1"]);

    let mut cut = parsed.clone();
    cut["events"].as_array_mut().expect("events").pop();
    std::fs::write(&bundle, cut.to_string()).expect("write");
    let output = replay(&offline, &["verify", "--bundle", bundle_arg]);
    assert_fails(&output, 1, &["verification FAILED", "head_hash"]);

    std::fs::write(&bundle, "not json").expect("write");
    let output = replay(&offline, &["verify", "--bundle", bundle_arg]);
    assert_fails(&output, 1, &["not a procedure bundle"]);
}

/// (d) `show` prints exactly the bytes `GET` served (at a position, at a
/// time, now) plus one newline; `history` prints one JSON object per event
/// with a JSON patch; bad input is a one-line error.
#[tokio::test]
async fn show_and_history_print_what_was_served() {
    let small = small().await;
    let with_newline = |bytes: &[u8]| [bytes, b"\n"].concat();

    let output = replay(&small.data_dir, &["show", &small.id, "--at", "2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, with_newline(&small.served_first));
    let output = replay(&small.data_dir, &["show", &small.id]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, with_newline(&small.served_now));
    let output = replay(&small.data_dir, &["show", &small.id, "--at", "3"]);
    assert_eq!(output.stdout, with_newline(&small.served_now));

    let output = replay(&small.data_dir, &["history", &small.id]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(text.ends_with('\n'));
    let entries: Vec<Json> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(entries.len(), 2, "{text}");
    assert_eq!(
        (
            &entries[0]["position"],
            &entries[0]["version"],
            &entries[0]["type"]
        ),
        (&json!(1), &json!(1), &json!("TenderCreated"))
    );
    assert_eq!(
        (
            &entries[1]["position"],
            &entries[1]["version"],
            &entries[1]["type"]
        ),
        (&json!(3), &json!(2), &json!("TenderEdited"))
    );
    assert!(
        entries[0]["stream"]
            .as_str()
            .is_some_and(|s| s.contains(&small.id)),
        "{text}"
    );
    assert_eq!(
        entries[1]["patch"]
            .as_array()
            .expect("patch")
            .iter()
            .find(|op| op["path"] == "/data/title"),
        Some(&json!({"op": "replace", "path": "/data/title", "value": "Папір офісний"})),
        "{text}"
    );
    // The first patch creates the whole document served then.
    let first: Json = serde_json::from_slice(&small.served_first).expect("JSON");
    assert_eq!(
        entries[0]["patch"],
        json!([{"op": "replace", "path": "", "value": first}])
    );

    // The Kyiv time of each event: --at that time shows the document after it.
    for (entry, served) in entries.iter().zip([&small.served_first, &small.served_now]) {
        let at = entry["recordedAt"].as_str().expect("recordedAt");
        assert!(at.ends_with("+02:00") || at.ends_with("+03:00"), "{at}");
        let output = replay(&small.data_dir, &["show", &small.id, "--at", at]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(output.stdout, with_newline(served), "at {at}");
    }

    let output = replay(
        &small.data_dir,
        &["show", &small.id, "--at", "2001-01-01T00:00:00+02:00"],
    );
    assert_fails(&output, 1, &["did not exist yet"]);
    let output = replay(&small.data_dir, &["show", &small.id, "--at", "0"]);
    assert_fails(&output, 1, &["did not exist yet"]);
    let output = replay(&small.data_dir, &["show", &small.id, "--at", "yesterday"]);
    assert_fails(&output, 2, &["bad --at"]);
    let unknown = "0123456789abcdef0123456789abcdef";
    let output = replay(&small.data_dir, &["show", unknown]);
    assert_fails(&output, 1, &["no procedure", unknown]);
    let output = replay(&small.data_dir, &["history", unknown]);
    assert_fails(&output, 1, &["no procedure", unknown]);
    let output = replay(&small.data_dir, &["export", unknown]);
    assert_fails(&output, 1, &["no procedure", unknown]);
}

/// (e) `rebuild` reports its progress and a summary on stderr (stderr is
/// not a terminal here: plain lines, no bar) and finishes; when a live
/// document was altered it says DIFFERENT, exits 1, and repairs it.
#[tokio::test]
async fn rebuild_reports_progress_and_repairs_an_altered_read_model() {
    let small = small().await;
    // Only the event log: the read models are rebuilt from nothing, after
    // being brought up to the head (as a restarted server would).
    let read_file = small.data_dir.join("cdb.sqlite3.read");
    assert!(read_file.exists(), "the read models live next to the store");
    std::fs::remove_file(&read_file).expect("remove the read models");
    let _ = std::fs::remove_file(small.data_dir.join("cdb.sqlite3.read-wal"));
    let _ = std::fs::remove_file(small.data_dir.join("cdb.sqlite3.read-shm"));

    let output = replay(&small.data_dir, &["rebuild"]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("rebuilding the read models"), "{text}");
    assert!(
        text.contains("were at position 0, behind the log; brought them up to 4"),
        "{text}"
    );
    assert!(text.contains("rebuilt 4 events in"), "{text}");
    assert!(text.contains("events/s"), "{text}");
    assert!(
        !text.contains('\r') && !text.contains("\u{1b}["),
        "no bar drawn: {text:?}"
    );
    assert_eq!(digest_line(&text, "documents"), (3, "identical"), "{text}");
    assert_eq!(digest_line(&text, "feed"), (3, "identical"), "{text}");

    // Alter one served document in the live read models.
    let read = rusqlite::Connection::open(&read_file).expect("open the read models");
    let changed = read
        .execute(
            "UPDATE read_documents SET body = '{\"data\":{}}' WHERE procedure_id = ?1",
            [&small.id],
        )
        .expect("update");
    assert_eq!(changed, 1);
    drop(read);
    let output = replay(&small.data_dir, &["rebuild"]);
    let text = stderr(&output);
    assert_eq!(digest_line(&text, "documents").1, "DIFFERENT", "{text}");
    assert_eq!(digest_line(&text, "feed").1, "identical", "{text}");
    assert_fails(&output, 1, &["DIFFERED", "documents", "installed"]);

    // Repaired: a restarted server serves the right bytes again.
    let output = replay(&small.data_dir, &["rebuild"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let server = Server::start(&small.data_dir);
    assert_eq!(server.document(&small.id).await, small.served_now);
    server.terminate();
}

/// Runs `cdb replay rebuild ARGS…` to its end; answers its stderr and its
/// peak resident memory in KiB as the kernel counted it: `ru_maxrss` of
/// `wait4` on this very child, so other tests' children do not count.
// The child is reaped by `wait4` (which also answers its rusage), not by
// `Child::wait`.
#[allow(clippy::zombie_processes)]
fn rebuild_with_peak(program: &Path, args: &[String]) -> (String, u64) {
    let mut child = Command::new(program)
        .args(["replay", "rebuild"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cdb replay rebuild");
    let mut text = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut text)
        .expect("read stderr");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child with valid pointers to locals; the
    // `Child` is not waited for again (dropping it does not wait).
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "rebuild failed ({status}): {text}"
    );
    (text, usage.ru_maxrss as u64)
}

/// The `N` of the `cdb: peak memory N MB` line.
fn printed_peak_mb(text: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix("cdb: peak memory "))
        .and_then(|rest| rest.strip_suffix(" MB"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory line: {text}"))
}

/// A rebuild of a log of `tenders` drafts that finds the live read models
/// identical; answers its peak memory in KiB.
fn measured_rebuild(args: &[String], tenders: usize) -> u64 {
    let (text, peak_kib) = rebuild_with_peak(Path::new(CDB), args);
    assert!(
        text.contains(&format!("rebuilt {tenders} events")),
        "{text}"
    );
    for model in ["documents", "feed"] {
        assert_eq!(
            digest_line(&text, model),
            (tenders as u64, "identical"),
            "{text}"
        );
    }
    // What it prints is the kernel's figure (at the time it printed).
    let printed = printed_peak_mb(&text);
    assert!(
        printed > 0 && printed <= peak_kib.div_ceil(1024),
        "printed {printed} MB, measured {peak_kib} KiB: {text}"
    );
    eprintln!(
        "rebuild of {tenders} events ({}): peak {} MB",
        args.join(" "),
        peak_kib / 1024
    );
    peak_kib
}

/// Rebuilds a log of 1,000 events, then the same log grown to 4,000 (4 and
/// 16 rebuild batches): the larger rebuild's peak memory is at most 1.3
/// times the smaller's plus 30 MB. (It used to grow with every event: with
/// these drafts of some 28 KB each, by about 150 KB per event, 450 MB here.)
///
/// Each size is rebuilt twice, first bringing the live read models up to
/// the head, then with nothing to catch up, and its figure is the larger
/// peak of the two (a process's peak varies by some 30 MB from run to run
/// with how the allocator's arenas fall; two runs make the comparison
/// steadier).
fn rebuild_memory_does_not_grow(location: &StoreLocation, args: &[String]) {
    const SMALL: usize = 1_000;
    const LARGE: usize = 4_000;
    common::fill_store(location, 0, SMALL);
    let small = measured_rebuild(args, SMALL).max(measured_rebuild(args, SMALL));
    common::fill_store(location, SMALL, LARGE - SMALL);
    let large = measured_rebuild(args, LARGE).max(measured_rebuild(args, LARGE));
    assert!(
        large <= small * 13 / 10 + 30 * 1024,
        "rebuild's peak memory grew with the log: {} MB for {SMALL} events, {} MB for {LARGE}",
        small / 1024,
        large / 1024
    );
}

/// (f) The peak memory of `rebuild` does not grow with the log (embedded).
#[test]
fn rebuild_memory_does_not_grow_with_the_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).expect("data dir");
    let location = StoreLocation::Sqlite(data_dir.join("cdb.sqlite3"));
    let args = ["--data-dir".to_owned(), data_dir.display().to_string()];
    rebuild_memory_does_not_grow(&location, &args);
}

/// (f) The same on PostgreSQL (`--store postgres://…`).
#[test]
fn rebuild_memory_does_not_grow_with_the_log_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let Some(url) = runtime.block_on(e2e::pg::fresh_database()) else {
        return;
    };
    drop(runtime);
    let location = StoreLocation::Postgres(url.clone());
    rebuild_memory_does_not_grow(&location, &["--store".to_owned(), url]);
}

/// The figures of docs/benchmarks.md ("Replay rebuild"): time and peak
/// memory of `rebuild` on logs of `CDB_REBUILD_SIZES` drafts (default
/// 10000,30000,100000; the log is grown from one size to the next), for
/// `cdb` and, if `CDB_REBUILD_BASELINE` names one, another `cdb` binary to
/// compare with (`CDB_REBUILD_DIR`: fill and keep that data directory,
/// which must start empty). Each size is first rebuilt once to bring the live read
/// models up to the head; the figures are of the rebuilds after it.
/// `cargo test -p api --test replay rebuild_memory_figures -- --ignored --nocapture`
#[test]
#[ignore = "takes minutes; run by hand for docs/benchmarks.md"]
fn rebuild_memory_figures() {
    let sizes: Vec<usize> = std::env::var("CDB_REBUILD_SIZES")
        .unwrap_or_else(|_| "10000,30000,100000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("CDB_REBUILD_SIZES: numbers"))
        .collect();
    let mut programs = vec![("cdb", PathBuf::from(CDB))];
    if let Some(baseline) = std::env::var_os("CDB_REBUILD_BASELINE") {
        programs.push(("baseline", PathBuf::from(baseline)));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // `CDB_REBUILD_DIR`: a data directory to fill instead, and keep.
    let data_dir =
        std::env::var_os("CDB_REBUILD_DIR").map_or_else(|| dir.path().join("data"), PathBuf::from);
    std::fs::create_dir_all(&data_dir).expect("data dir");
    let location = StoreLocation::Sqlite(data_dir.join("cdb.sqlite3"));
    let args = ["--data-dir".to_owned(), data_dir.display().to_string()];
    let mut filled = 0;
    for size in sizes {
        let started = Instant::now();
        common::fill_store(&location, filled, size - filled);
        filled = size;
        eprintln!(
            "filled the log to {size} events in {:.0?}",
            started.elapsed()
        );
        let started = Instant::now();
        let (_, peak) = rebuild_with_peak(Path::new(CDB), &args);
        eprintln!(
            "figures: {size} events, cdb with catch-up: {:.1} s, peak {} MB",
            started.elapsed().as_secs_f64(),
            peak / 1024
        );
        for (name, program) in &programs {
            let started = Instant::now();
            let (text, peak) = rebuild_with_peak(program, &args);
            assert!(text.contains(&format!("rebuilt {size} events")), "{text}");
            eprintln!(
                "figures: {size} events, {name}: {:.1} s, peak {} MB",
                started.elapsed().as_secs_f64(),
                peak / 1024
            );
        }
    }
}
