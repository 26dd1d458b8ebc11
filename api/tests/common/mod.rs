//! What the binary-level tests share: starting the real `cdb serve` as a
//! child process and learning the address it bound.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const CDB: &str = env!("CARGO_BIN_EXE_cdb");

/// Writes a brokers file with one `broker`-role broker named `name` holding
/// `key`, next to `data_dir`'s contents; answers its path.
#[allow(dead_code)] // not every test binary uses every helper
pub fn brokers_file(path: &Path, name: &str, key: &str) -> std::path::PathBuf {
    std::fs::write(
        path,
        format!("[[broker]]\nname = \"{name}\"\nkey = \"{key}\"\nroles = [\"broker\"]\n"),
    )
    .expect("write the brokers file");
    path.to_owned()
}

/// Starts `cdb serve --bind 127.0.0.1:0 --data-dir DATA_DIR EXTRA…` with
/// `RUST_LOG=log`, and waits until it prints the address it listens on
/// (port 0: the OS chose one). Answers the child and the base URL
/// (`http://127.0.0.1:PORT`). Its further stderr is drained so it never
/// blocks on a full pipe.
pub fn spawn_serve(data_dir: &Path, extra: &[&str], log: &str) -> (Child, String) {
    let mut child = Command::new(CDB)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env("RUST_LOG", log)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cdb serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("cdb serve exited before listening")
            .expect("read stderr");
        if let Some(rest) = line.strip_prefix("cdb: listening on ") {
            break rest.split_whitespace().next().expect("address").to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (child, base)
}

/// Puts `tenders` priceQuotation drafts (one event each) into the embedded
/// store of `data_dir` through the command pipeline, for tests that need a
/// log with many events before `cdb serve` starts.
#[allow(dead_code)] // not every test binary uses every helper
pub fn fill_log(data_dir: &Path, tenders: usize) {
    let location = commands::store::StoreLocation::Sqlite(data_dir.join("cdb.sqlite3"));
    fill_store(&location, 0, tenders);
}

/// Like [`fill_log`], for any store (a PostgreSQL one is migrated first),
/// numbering the tenders from `first` (so a log can be filled in steps).
#[allow(dead_code)] // not every test binary uses every helper
pub fn fill_store(location: &commands::store::StoreLocation, first: usize, tenders: usize) {
    use commands::store::open_store;
    use commands::{CommandHandler, FrozenClock, UlidIds};
    use domain::procedures::price_quotation::{Actor, Command as PqCommand, PriceQuotation};
    use std::sync::Arc;

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = open_store(location, true).await.expect("open the store");
        // The fixture's own time, when its tender period is still ahead.
        let clock = Arc::new(FrozenClock::new(e2e::http::start_time()));
        let handler = CommandHandler::new(store, clock, Arc::new(UlidIds::default()));
        let request = e2e::pq::fixture_request();
        for n in first..first + tenders {
            let id = handler.next_id().to_string();
            let command = PqCommand::Create {
                actor: Actor {
                    broker: "broker".into(),
                    token_hash: None,
                },
                id: id.clone(),
                tender: Box::new(
                    serde_json::from_value(request["data"].clone()).expect("fixture tender"),
                ),
                config: Default::default(),
                tender_id: format!("UA-2026-12-01-{n:06}-a"),
                owner_token_hash: "owner".into(),
                transfer_token_hash: "transfer".into(),
            };
            handler
                .execute::<PriceQuotation>(&id, &command, &Default::default())
                .await
                .expect("create a draft");
        }
    });
}
