//! `cdb serve` as the benchmarks run it: this very binary started as a
//! child process on a scratch store, with known broker keys and the seed's
//! e-catalogue, on a free port; stopped when dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Request};

use super::load;
use super::nginx::free_port;
use super::seed;

pub const BROKER_KEY: &str = "bench-broker-key-0123456789";
pub const OTHER_KEY: &str = "bench-other-key-0123456789";
/// How many suppliers the bench's e-catalogue agreement lists: each may
/// bid once per tender.
pub const SUPPLIERS: usize = 48;

/// The agreement's suppliers: (name, EDR code).
pub fn suppliers() -> Vec<(String, String)> {
    (0..SUPPLIERS)
        .map(|i| {
            (
                format!("ТОВ Постачальник {i}"),
                format!("{:08}", 31_000_000 + i),
            )
        })
        .collect()
}

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl Server {
    /// Starts `cdb serve` with its data in `dir` on `store` (`embedded` or a
    /// PostgreSQL URL, migrated first).
    pub async fn start(dir: &Path, store: &str) -> Result<Server, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let brokers = dir.join("brokers.toml");
        std::fs::write(
            &brokers,
            format!(
                "[[broker]]\nname = \"bench\"\nkey = \"{BROKER_KEY}\"\nroles = [\"broker\"]\n\n\
                 [[broker]]\nname = \"bench-other\"\nkey = \"{OTHER_KEY}\"\nroles = [\"broker\"]\n"
            ),
        )
        .map_err(|e| format!("{}: {e}", brokers.display()))?;
        let catalogue = dir.join("catalogue.json");
        std::fs::write(&catalogue, seed::catalogue_json(&suppliers()).to_string())
            .map_err(|e| format!("{}: {e}", catalogue.display()))?;
        let exe = std::env::current_exe().map_err(|e| format!("cannot find cdb itself: {e}"))?;
        let port = free_port()?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = dir.join("serve.log");
        let log_file =
            std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut command = Command::new(exe);
        command
            .arg("serve")
            .arg("--bind")
            .arg(addr.to_string())
            .arg("--store")
            .arg(store)
            .arg("--data-dir")
            .arg(dir)
            .arg("--brokers")
            .arg(&brokers)
            .arg("--catalogue-file")
            .arg(&catalogue)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file);
        if store.starts_with("postgres") {
            command.arg("--migrate");
        }
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start cdb serve: {e}"))?;
        let mut server = Server { child, addr, log };
        server.wait_until_healthy().await?;
        Ok(server)
    }

    async fn wait_until_healthy(&mut self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("cdb serve exited ({status}): {}", self.log_tail()));
            }
            if let Ok((status, _, _)) = load::once(self.addr, get("/health")).await
                && status.is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "cdb serve was not healthy within 60 s: {}",
            self.log_tail()
        ))
    }

    /// The end of the server's log, to say why it failed.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(2000);
        text.get(start..).unwrap_or_default().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn get(uri: &str) -> Request<Full<Bytes>> {
    request(Method::GET, uri, None, "application/json", Bytes::new())
}

pub fn request(
    method: Method,
    uri: &str,
    key: Option<&str>,
    content_type: &str,
    body: Bytes,
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(hyper::header::HOST, "127.0.0.1")
        .header(hyper::header::CONTENT_TYPE, content_type);
    if let Some(key) = key {
        builder = builder.header(hyper::header::AUTHORIZATION, format!("Bearer {key}"));
    }
    // Only a malformed URI fails, and every URI here is built by the bench.
    builder
        .body(Full::new(body))
        .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
}
