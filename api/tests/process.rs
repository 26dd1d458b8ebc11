//! The `cdb` binary as a real child process: start-up, shutdown, crashes and
//! bad configuration.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use commands::store::{EventStore, StoreLocation, open_store};

mod common;

use common::CDB;

/// A running `cdb serve`, stopped with SIGKILL if the test fails first.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data_dir: &Path) -> Server {
        Server::start_with(data_dir, &[])
    }

    fn start_with(data_dir: &Path, extra: &[&str]) -> Server {
        let (child, base) = common::spawn_serve(data_dir, extra, "warn");
        Server { child, base }
    }

    async fn health(&self) -> serde_json::Value {
        let response = reqwest::get(format!("{}/health", self.base))
            .await
            .expect("GET /health");
        assert_eq!(response.status(), 200);
        response.json().await.expect("health JSON")
    }

    /// SIGTERM, then wait for a clean exit.
    fn terminate(mut self) -> std::process::ExitStatus {
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "cdb serve did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cdb soak` to put `appends` two-event appends into the data dir.
fn soak(data_dir: &Path, appends: u64) {
    let status = Command::new(CDB)
        .args(["soak", "--appends", &appends.to_string(), "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::null())
        .status()
        .expect("run cdb soak");
    assert!(status.success());
}

async fn embedded_store(data_dir: &Path) -> Arc<dyn EventStore> {
    open_store(&StoreLocation::Sqlite(data_dir.join("cdb.sqlite3")), false)
        .await
        .expect("open store")
}

#[tokio::test]
async fn serve_answers_health_and_restarts_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let health = server.health().await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["store"]["backend"], "embedded");
    assert_eq!(health["store"]["head"], 0);
    // The generated brokers file is where the server said it would be.
    assert!(dir.path().join("brokers.toml").exists());
    let metrics = reqwest::get(format!("{}/metrics", server.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("cdb_http_requests_total"), "{metrics}");
    assert!(server.terminate().success(), "clean exit on SIGTERM");

    for _ in 0..2 {
        let server = Server::start(dir.path());
        assert_eq!(server.health().await["store"]["head"], 0);
        assert!(server.terminate().success());
    }
}

/// A log holding procedures of a type this build does not serve (here the
/// synthetic ones `cdb soak` writes) is refused at start-up with one line
/// naming the kind and where it first appears, and is left as it was.
#[tokio::test]
async fn serve_refuses_a_log_holding_an_unknown_kind() {
    let dir = tempfile::tempdir().unwrap();
    soak(dir.path(), 40);
    let before = embedded_store(dir.path())
        .await
        .read_all(0, usize::MAX)
        .await
        .unwrap();
    assert_eq!(before.len(), 80);
    let output = Command::new(CDB)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "off")
        .output()
        .expect("run cdb serve");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "one error line: {stderr}");
    assert!(
        errors[0].contains("kind \"soak\"") && errors[0].contains("position 1"),
        "{stderr}"
    );
    let after = embedded_store(dir.path())
        .await
        .read_all(0, usize::MAX)
        .await
        .unwrap();
    assert_eq!(after, before);
}

/// `--sale-periods` sets the period lengths of new sales per sellingMethod;
/// other methods keep the defaults (20 and 5 business days).
#[tokio::test]
async fn sale_periods_come_from_the_operators_file() {
    let dir = tempfile::tempdir().unwrap();
    let periods = dir.path().join("periods.toml");
    std::fs::write(
        &periods,
        "[\"basicSell-multiAwards-fast\"]\nqualificationPeriodDays = 2\nadmissionPeriodDays = 1\n",
    )
    .unwrap();
    let server = Server::start_with(
        dir.path(),
        &["--sale-periods", &periods.display().to_string()],
    );
    let text = std::fs::read_to_string(dir.path().join("brokers.toml")).unwrap();
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("key = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_owned();
    let end = (chrono::Utc::now() + chrono::TimeDelta::days(3)).to_rfc3339();
    let client = reqwest::Client::new();
    for (method, days) in [
        ("basicSell-multiAwards-fast", (2, 1)),
        ("basicSell-multiAwards", (20, 5)),
    ] {
        // The suite's publication body (the spec's multiLang shapes), with
        // this method and a tender period ahead of the real clock.
        let mut body = e2e::sale::procedure_request(
            serde_json::json!(1000),
            serde_json::json!(200),
            serde_json::json!(100),
        );
        body["data"]["sellingMethod"] = serde_json::json!(method);
        body["data"]["tenderPeriod"]["endDate"] = serde_json::json!(end);
        let response = client
            .post(format!("{}/api/procedures", server.base))
            .bearer_auth(&key)
            .json(&body)
            .send()
            .await
            .expect("POST /api/procedures");
        assert_eq!(response.status(), 201);
        let created: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(
            (
                created["config"]["qualificationPeriodDays"].as_u64(),
                created["config"]["admissionPeriodDays"].as_u64()
            ),
            (Some(days.0), Some(days.1)),
            "{method}"
        );
    }
    assert!(server.terminate().success());
}

/// A SIGTERM that arrives the moment the address is printed still shuts the
/// server down cleanly: the handler is installed before it listens.
#[test]
fn sigterm_right_after_listening_is_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..5 {
        let server = Server::start(dir.path());
        let status = server.terminate();
        assert!(status.success(), "{status:?}");
    }
}

/// SIGKILL while appends stream in: every append the process acknowledged
/// (printed after the store returned) must be in the store afterwards, at
/// the position it was acknowledged with, and the log must verify.
#[tokio::test]
async fn kill_9_during_appends_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let mut child = Command::new(CDB)
            .args(["soak", "--concurrency", "8", "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cdb soak");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut acknowledged = Vec::new();
        while acknowledged.len() < 200 + round * 150 {
            let line = lines.next().expect("soak stopped early").unwrap();
            acknowledged.push(line);
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        // Lines written before the kill are acknowledgements too.
        acknowledged.extend(lines.map_while(Result::ok));

        let store = embedded_store(dir.path()).await;
        for line in &acknowledged {
            let fields: Vec<&str> = line.split(' ').collect();
            assert_eq!(fields[0], "ack", "{line}");
            let (procedure, first, last) = (
                fields[1],
                fields[3].parse::<u64>().unwrap(),
                fields[4].parse::<u64>().unwrap(),
            );
            let ids: Vec<&str> = fields[5].split(',').collect();
            let stored = store.read_all(first - 1, ids.len()).await.unwrap();
            let stored_ids: Vec<&str> = stored.iter().map(|e| e.event_id.as_str()).collect();
            assert_eq!(
                stored_ids, ids,
                "acknowledged append at {first}..{last} of {procedure} is missing"
            );
            assert!(stored.iter().all(|e| e.procedure_id == procedure));
        }
        let report = replay::verify(store.as_ref(), |_| {})
            .await
            .expect("log verifies after the crash");
        assert!(report.events >= 2 * acknowledged.len() as u64);
    }
}

const BROKER_KEY: &str = "crash-test-broker-key-0123";

fn tender_body(n: usize) -> serde_json::Value {
    serde_json::json!({
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

fn as_strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Where a crash test keeps its events: the embedded store in the data
/// directory, or a fresh PostgreSQL database.
enum Backend {
    Embedded,
    Postgres(String),
}

impl Backend {
    /// A fresh PostgreSQL database on the tests' throw-away server (or
    /// `DATABASE_URL`); `None`, with a loud message from the helper, when
    /// this machine has no PostgreSQL.
    async fn postgres() -> Option<Backend> {
        e2e::pg::fresh_database().await.map(Backend::Postgres)
    }

    /// The `cdb serve` / `cdb replay` arguments that select it.
    fn args(&self) -> Vec<String> {
        match self {
            Backend::Embedded => Vec::new(),
            Backend::Postgres(url) => vec!["--store".into(), url.clone()],
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Backend::Embedded => "embedded",
            Backend::Postgres(_) => "postgres",
        }
    }

    async fn open(&self, data_dir: &Path) -> Arc<dyn EventStore> {
        match self {
            Backend::Embedded => embedded_store(data_dir).await,
            Backend::Postgres(url) => open_store(&StoreLocation::Postgres(url.clone()), false)
                .await
                .expect("open the PostgreSQL store"),
        }
    }
}

/// The real server under a stream of HTTP writes, killed with SIGKILL:
/// every tender it answered 201 for is there after a restart, unchanged.
#[tokio::test]
async fn kill_9_of_the_server_during_writes_loses_no_acknowledged_tender() {
    kill_9_during_http_writes(Backend::Embedded).await;
}

/// The same on PostgreSQL (`cdb serve --store postgres://…`).
#[tokio::test]
async fn kill_9_of_the_server_on_postgres_loses_no_acknowledged_tender() {
    let Some(backend) = Backend::postgres().await else {
        return;
    };
    kill_9_during_http_writes(backend).await;
}

async fn kill_9_during_http_writes(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let brokers = dir.path().join("brokers.toml");
    std::fs::write(
        &brokers,
        format!("[[broker]]\nname = \"broker\"\nkey = \"{BROKER_KEY}\"\nroles = [\"broker\"]\n"),
    )
    .unwrap();
    let mut serve_args = vec!["--brokers".to_owned(), brokers.display().to_string()];
    serve_args.extend(backend.args());
    let mut first_args = serve_args.clone();
    if matches!(backend, Backend::Postgres(_)) {
        first_args.push("--migrate".into());
    }
    let data_dir = dir.path().join("data");
    let mut server = Server::start_with(&data_dir, &as_strs(&first_args));

    // Every 201 answer, whole: (id, the tender document it answered).
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, serde_json::Value)>::new()));
    // Anything but a 201 (a 5xx above all), or a failed request before the
    // kill: the test fails on it after the writers stop.
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let killed = Arc::new(AtomicBool::new(false));
    let client = reqwest::Client::new();
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (client, base) = (client.clone(), server.base.clone());
        let (acknowledged, failures, killed) =
            (acknowledged.clone(), failures.clone(), killed.clone());
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
                        match response.json::<serde_json::Value>().await {
                            Ok(body) => match body["data"]["id"].as_str() {
                                Some(id) => {
                                    let entry = (id.to_owned(), body["data"].clone());
                                    acknowledged.lock().unwrap().push(entry);
                                    continue;
                                }
                                None => format!("201 without data.id: {body}"),
                            },
                            // Cut off mid-answer: not acknowledged.
                            Err(_) if killed.load(Ordering::SeqCst) => return,
                            Err(error) => format!("201 with an unreadable body: {error}"),
                        }
                    }
                    Ok(response) => {
                        let status = response.status();
                        let body = response.text().await.unwrap_or_default();
                        format!("answered {status}: {body}")
                    }
                    // The connection died with the server.
                    Err(_) if killed.load(Ordering::SeqCst) => return,
                    Err(error) => format!("request failed before the kill: {error}"),
                };
                failures.lock().unwrap().push(failure);
                return;
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 150 {
        assert!(
            Instant::now() < deadline,
            "the server acknowledged too few writes; failures: {:?}",
            failures.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    killed.store(true, Ordering::SeqCst);
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    for writer in writers {
        writer.await.expect("writer task");
    }
    let failures = failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "non-201 answers: {failures:?}");
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 150);

    let server = Server::start_with(&data_dir, &as_strs(&serve_args));
    // The read models caught up before the restarted server listened, so
    // GET answers from the whole log.
    for (id, answered) in &acknowledged {
        let response = client
            .get(format!("{}/api/2.5/tenders/{id}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            200,
            "acknowledged tender {id} is missing"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        // The whole document, field by field, as the 201 answered it: no
        // write happened to it since, so nothing may differ (the owner's
        // token is in the 201's `access`, not in `data`).
        assert_eq!(
            &body["data"], answered,
            "tender {id} changed across the crash"
        );
    }
    let distinct: std::collections::HashSet<_> =
        acknowledged.iter().map(|(_, d)| &d["tenderID"]).collect();
    assert_eq!(distinct.len(), acknowledged.len(), "tenderIDs are unique");
    // The read models (projected while the writes went on, so the kill hit
    // them mid-way) caught up before the restarted server listened.
    let health = server.health().await;
    assert_eq!(health["store"]["backend"], backend.name(), "{health}");
    let head = health["store"]["head"].as_u64().expect("head");
    for model in ["documents", "feed"] {
        assert_eq!(health["projections"][model]["lag"], 0, "{health}");
        assert_eq!(health["projections"][model]["position"], head, "{health}");
    }
    assert!(server.terminate().success());
    let store = backend.open(&data_dir).await;
    replay::verify(store.as_ref(), |_| {})
        .await
        .expect("log verifies after the crash");
    drop(store);

    // …and they equal a rebuild from the log, read model by read model.
    let rebuild = Command::new(CDB)
        .args(["replay", "rebuild", "--data-dir"])
        .arg(&data_dir)
        .args(backend.args())
        .output()
        .expect("run cdb replay rebuild");
    let stderr = String::from_utf8_lossy(&rebuild.stderr);
    assert!(rebuild.status.success(), "rebuild failed: {stderr}");
    assert!(
        stderr.contains(&format!("rebuilt {head} events")),
        "{stderr}"
    );
    for model in ["documents", "feed"] {
        let line = stderr
            .lines()
            .find(|l| l.starts_with(&format!("cdb: {model}")))
            .unwrap_or_else(|| panic!("no digest line for {model}: {stderr}"));
        assert!(line.ends_with("identical"), "{line}");
    }
}

/// Each bad configuration: exit code 2 and one `error:` line, no panic.
#[test]
fn bad_configuration_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let occupied = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port_in_use = occupied.local_addr().unwrap().to_string();
    let bad_brokers = dir.path().join("bad.toml");
    std::fs::write(&bad_brokers, "[[broker]]\nname = 'x'\n").unwrap();
    let bad_periods = dir.path().join("periods.toml");
    std::fs::write(
        &bad_periods,
        "[\"basicSell-multiAwards\"]\nadmissionPeriodDays = 0\n",
    )
    .unwrap();
    let file_not_dir = dir.path().join("file");
    std::fs::write(&file_not_dir, "").unwrap();
    let data = dir.path().join("data").display().to_string();

    let bad_calendar = dir.path().join("calendar");
    std::fs::create_dir(&bad_calendar).unwrap();
    std::fs::write(bad_calendar.join("workdays_off.json"), "[\"2026-13-01\"]").unwrap();
    std::fs::write(bad_calendar.join("weekends_on.json"), "[]").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--store".into(), "mysql://localhost/x".into()],
            "unsupported store URL",
        ),
        (
            vec!["--store".into(), "postgres://nobody@127.0.0.1:1/x".into()],
            "cannot open store",
        ),
        (
            vec![
                "--data-dir".into(),
                file_not_dir.join("sub").display().to_string(),
            ],
            "not writable",
        ),
        (
            vec!["--bind".into(), port_in_use.clone()],
            "cannot listen on",
        ),
        (vec!["--bind".into(), "nowhere".into()], "invalid value"),
        (
            vec!["--brokers".into(), bad_brokers.display().to_string()],
            "brokers file",
        ),
        (
            vec![
                "--brokers".into(),
                dir.path().join("missing.toml").display().to_string(),
            ],
            "cannot read brokers file",
        ),
        (
            vec!["--sale-periods".into(), bad_periods.display().to_string()],
            "sale periods file",
        ),
        (
            vec!["--calendar".into(), dir.path().display().to_string()],
            "workdays_off.json",
        ),
        (
            vec!["--calendar".into(), bad_calendar.display().to_string()],
            "workdays_off",
        ),
    ];
    for (args, expected) in cases {
        let mut command = Command::new(CDB);
        command.arg("serve");
        if !args.contains(&"--data-dir".to_owned()) {
            command.args(["--data-dir", &data]);
        }
        if !args.contains(&"--bind".to_owned()) {
            command.args(["--bind", "127.0.0.1:0"]);
        }
        let output = command.args(&args).output().expect("run cdb");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{args:?}: {stderr}");
        assert!(errors[0].contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    drop(occupied);
}

#[test]
fn help_explains_every_serve_flag() {
    let output = Command::new(CDB)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--bind",
        "--store",
        "--data-dir",
        "--brokers",
        "--migrate",
        "--sale-periods",
        "--calendar",
        "--scheduler-tick-ms",
        "CDB_STORE",
        "CDB_BROKERS",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}
