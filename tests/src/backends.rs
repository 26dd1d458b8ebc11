//! Bookkeeping for backend-specific tests: whether a missing PostgreSQL may
//! be skipped, and a tally of what ran.
//!
//! Environment:
//! - `CDB_REQUIRE_POSTGRES=1`: a PostgreSQL test that cannot get a server
//!   fails (panics) instead of being skipped. `.ci/run` sets it, so a CI run
//!   can never pass with the PostgreSQL half of the suite silently missing.
//!   Without it a skip is reported loudly on stderr and the test passes, so
//!   `cargo test --workspace` still works on a machine without PostgreSQL.
//! - `CDB_BACKEND_TALLY=<file>`: every backend-specific test appends one line
//!   to that file: `ran <backend> <test>` when its scenario has finished, or
//!   `skipped <backend> <test>` when it had no server. `.ci/run` counts the
//!   lines and prints `backend tests run: embedded N, postgres M`.

use std::io::Write as _;

/// Name of the switch that turns a PostgreSQL skip into a failure.
pub const REQUIRE_POSTGRES: &str = "CDB_REQUIRE_POSTGRES";
/// Name of the variable naming the tally file.
pub const BACKEND_TALLY: &str = "CDB_BACKEND_TALLY";

/// Whether `CDB_REQUIRE_POSTGRES` is set to something other than empty, `0`,
/// `false`, `no` or `off`.
pub fn postgres_required() -> bool {
    std::env::var(REQUIRE_POSTGRES).is_ok_and(|value| {
        let value = value.trim();
        !(value.is_empty()
            || value == "0"
            || value.eq_ignore_ascii_case("false")
            || value.eq_ignore_ascii_case("no")
            || value.eq_ignore_ascii_case("off"))
    })
}

/// Appends `<outcome> <backend> <test>` to the `CDB_BACKEND_TALLY` file, if
/// one is named.
fn record(outcome: &str, backend: &str, test: &str) {
    if let Some(path) = std::env::var_os(BACKEND_TALLY).filter(|p| !p.is_empty()) {
        append_line(
            std::path::Path::new(&path),
            &format!("{outcome} {backend} {test}"),
        );
    }
}

/// Appends `line` and a newline to `path`. Panics when the file cannot be
/// written: a tally that silently misses lines would make the count
/// meaningless.
fn append_line(path: &std::path::Path, line: &str) {
    // One short write to a file opened for appending: lines of concurrent
    // tests (threads and processes) do not interleave.
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(format!("{line}\n").as_bytes()))
        .unwrap_or_else(|e| panic!("cannot append to the backend tally {}: {e}", path.display()));
}

/// Records that the `backend` variant of `test` ran to its end.
pub fn ran(backend: &str, test: &str) {
    record("ran", backend, test);
}

/// A PostgreSQL test found no server: records the skip, then fails the test
/// under `CDB_REQUIRE_POSTGRES`, or says so loudly on stderr otherwise.
pub fn skip_postgres(test: &str) {
    record("skipped", "postgres", test);
    if postgres_required() {
        panic!(
            "{test}: no PostgreSQL server (no initdb/pg_ctl found and no DATABASE_URL), \
             and {REQUIRE_POSTGRES} is set, so this is a failure, not a skip. \
             Install postgresql or set DATABASE_URL."
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: no PostgreSQL (set {REQUIRE_POSTGRES}=1 to make this a failure)"
    );
}

/// A fresh PostgreSQL database for `test` ([`crate::pg::fresh_database`]),
/// or `None` after [`skip_postgres`] (which panics under
/// `CDB_REQUIRE_POSTGRES`).
pub async fn postgres_database(test: &str) -> Option<String> {
    let url = crate::pg::fresh_database_if_available().await;
    if url.is_none() {
        skip_postgres(test);
    }
    url
}

/// A test server on a fresh PostgreSQL database, or `None` after
/// [`skip_postgres`].
pub async fn postgres_server(test: &str) -> Option<crate::http::TestServer> {
    let url = postgres_database(test).await?;
    Some(crate::http::TestServer::start(crate::http::Backend::Postgres(url)).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_lines_are_appended_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("tally");
        append_line(&path, "ran embedded a::embedded");
        append_line(&path, "skipped postgres b::postgres");
        let text = std::fs::read_to_string(&path).expect("tally written");
        assert_eq!(
            text,
            "ran embedded a::embedded\nskipped postgres b::postgres\n"
        );
    }
}
