/// One `#[tokio::test]` per backend for each named scenario, an `async fn
/// (TestServer)`: `embedded` on a temporary embedded store and `postgres`
/// on a fresh PostgreSQL database (skipped, loudly, only when there is no
/// PostgreSQL at all, and a failure then under `CDB_REQUIRE_POSTGRES=1`; see
/// [`backends`] and [`pg`]). Each records itself in the backend tally.
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn embedded() {
                super::$scenario($crate::http::TestServer::embedded().await).await;
                $crate::backends::ran("embedded", concat!(module_path!(), "::embedded"));
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let test = concat!(module_path!(), "::postgres");
                let Some(server) = $crate::backends::postgres_server(test).await else {
                    return;
                };
                super::$scenario(server).await;
                $crate::backends::ran("postgres", test);
            }
        }
    )*};
}

pub mod backends;
pub mod browser;
pub mod clock;
pub mod conformance;
pub mod dutch;
pub mod http;
pub mod ot;
pub mod pg;
pub mod pq;
pub mod sale;
pub mod secrecy;
pub mod sse;
