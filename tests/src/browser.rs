//! What the browser tests share: finding node, Chromium and the driver's
//! `node_modules` (or saying loudly what is missing: a skip, or a failure
//! under `CDB_REQUIRE_BROWSER=1`), running a driver script of
//! `tests/browser` with a JSON config, and listing the screenshots it took.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The driver scripts and their `node_modules`.
pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/browser");

/// What a browser test runs: node and Debian's Chromium.
#[derive(Debug, Clone)]
pub struct Browser {
    pub node: String,
    pub chromium: String,
}

/// The browser, or `None` after saying on stderr why `test` is skipped;
/// under `CDB_REQUIRE_BROWSER=1` the absence fails the test instead.
pub fn browser(test: &str) -> Option<Browser> {
    let setting = |name: &str, default: &str| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    let node = setting("CDB_NODE", "node");
    let chromium = setting("CDB_CHROMIUM", "/usr/bin/chromium");
    let node_runs = std::process::Command::new(&node)
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    let mut missing = Vec::new();
    if !node_runs {
        missing.push(format!("node ({node}; set CDB_NODE)"));
    }
    if !Path::new(&chromium).is_file() {
        missing.push(format!(
            "Chromium ({chromium}; apt-get install chromium or set CDB_CHROMIUM)"
        ));
    }
    if !Path::new(DIR).join("node_modules/playwright-core").is_dir() {
        missing.push("tests/browser/node_modules (run `npm ci` in tests/browser)".to_owned());
    }
    if missing.is_empty() {
        return Some(Browser { node, chromium });
    }
    let missing = missing.join(", ");
    assert!(
        std::env::var("CDB_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "CDB_REQUIRE_BROWSER=1 but the browser test cannot run: missing {missing}"
    );
    // Straight to stderr, past the test harness's capture: a skip is loud.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: the browser test cannot run: missing {missing}"
    );
    None
}

impl Browser {
    /// Runs `node <script> <config file>` in `tests/browser`, the config
    /// being `config` with this browser's Chromium added. A failure, or no
    /// end within `within`, fails the test with everything the driver
    /// printed, since its log is what says which step of the page went
    /// wrong.
    pub async fn drive(&self, script: &str, mut config: Json, within: Duration) {
        config["chromium"] = Json::String(self.chromium.clone());
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("config.json");
        std::fs::write(&path, config.to_string()).expect("write the driver's config");
        let driver = tokio::process::Command::new(&self.node)
            .arg(script)
            .arg(&path)
            .current_dir(DIR)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(within, driver)
            .await
            .unwrap_or_else(|_| panic!("node {script} did not finish in {within:?}"))
            .unwrap_or_else(|error| panic!("run node {script}: {error}"));
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.status.success(),
            "node {script} failed ({}):\n{log}",
            output.status
        );
        let _ = std::io::stderr().write_all(log.as_bytes());
    }
}

/// `<target dir>/browser-screenshots/<name>`, emptied of an earlier run's;
/// `target_tmpdir` is the test's `CARGO_TARGET_TMPDIR`.
pub fn screenshot_dir(target_tmpdir: &str, name: &str) -> PathBuf {
    let tmp = Path::new(target_tmpdir);
    let dir = tmp
        .parent()
        .unwrap_or(tmp)
        .join("browser-screenshots")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    dir
}

/// The screenshots in `dir`, sorted, at least `at_least` of them; named on
/// stderr, past the capture, so that a CI log says where they are.
pub fn screenshots(test: &str, dir: &Path, began: Instant, at_least: usize) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("the screenshot directory")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= at_least, "too few screenshots: {files:?}");
    let mut listing = format!(
        "{test}: took {:.1?}; screenshots in {}:\n",
        began.elapsed(),
        dir.display()
    );
    for file in &files {
        listing.push_str(&format!("  {file}\n"));
    }
    let _ = std::io::stderr().write_all(listing.as_bytes());
    files
}
