//! The official OpenProcurement client (`openprocurement-client` 2.0.0 from
//! PyPI), unchanged, against a test server: it constructs (HEAD spore),
//! creates, reads, patches and activates tenders with its own calls, reads
//! sub-resources with the token in `X-Access-Token`, and pages the feed
//! forward and backward. `.ci/clients` installs it into a virtualenv and
//! sets `CDB_CLIENT_PYTHON` to that environment's interpreter; without it
//! the test says so and skips, unless `CDB_REQUIRE_CLIENTS=1` (set by
//! `.ci/run`) makes the absence a failure.

use std::io::Write;
use std::process::Command;

use e2e::http::{BROKER_KEY, TestServer};

fn python() -> Option<String> {
    match std::env::var("CDB_CLIENT_PYTHON") {
        Ok(python) if !python.is_empty() => Some(python),
        _ => {
            assert!(
                std::env::var("CDB_REQUIRE_CLIENTS").as_deref() != Ok("1"),
                "CDB_REQUIRE_CLIENTS=1 but CDB_CLIENT_PYTHON is not set: run `bash .ci/clients` and export what it prints"
            );
            let _ = std::io::stderr().write_all(
                b"SKIPPED official_client: CDB_CLIENT_PYTHON is not set (bash .ci/clients installs the client)\n",
            );
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_official_client_works_unchanged() {
    let Some(python) = python() else {
        return;
    };
    let server = TestServer::embedded().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let fixture = dir.path().join("tender.json");
    std::fs::write(&fixture, e2e::pq::CREATE_REQUEST).expect("write the fixture");
    let activation = dir.path().join("activate.json");
    std::fs::write(&activation, e2e::pq::ACTIVATE).expect("write the activation");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/clients/openprocurement_client_check.py"
    );
    let base = server.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .arg(base)
            .arg(BROKER_KEY)
            .arg(&fixture)
            .arg(&activation)
            .output()
            .expect("run the client check")
    })
    .await
    .expect("the client check ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the official client failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("ok: page the feed backward"), "{stdout}");
}
