//! The tests' throw-away PostgreSQL server: [`api::bench::pg`], with a
//! missing server reported as a skip (a failure under
//! `CDB_REQUIRE_POSTGRES=1`, see [`crate::backends`]).

pub use api::bench::pg::fresh_database_if_available;

/// The admin URL of a PostgreSQL server usable by tests
/// ([`api::bench::pg::try_server_url`]), or None when there is none.
///
/// Panics with the server log if binaries exist but starting fails, and
/// instead of answering None under `CDB_REQUIRE_POSTGRES=1` (see
/// [`crate::backends::skip_postgres`]): no caller can turn a missing server
/// into a pass.
pub fn server_url() -> Option<String> {
    let url = api::bench::pg::available_server_url();
    if url.is_none() {
        crate::backends::skip_postgres("a caller of pg::server_url");
    }
    url
}

/// Creates a new, empty database with a unique name on the [`server_url`]
/// server and returns its URL. None when `server_url()` is None (so never
/// under `CDB_REQUIRE_POSTGRES=1`); tests name themselves through
/// [`crate::backends::postgres_database`] instead.
pub async fn fresh_database() -> Option<String> {
    let url = fresh_database_if_available().await;
    if url.is_none() {
        crate::backends::skip_postgres("a caller of pg::fresh_database");
    }
    url
}
