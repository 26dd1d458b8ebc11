/// One `#[tokio::test]` per backend for each named scenario, an `async fn
/// (TestServer)`: `embedded` on a temporary embedded store and `postgres`
/// on a fresh PostgreSQL database (skipped, loudly, only when there is no
/// PostgreSQL at all; see [`pg`]).
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn embedded() {
                super::$scenario($crate::http::TestServer::embedded().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(server) = $crate::http::TestServer::postgres().await else {
                    eprintln!("skipped: no PostgreSQL");
                    return;
                };
                super::$scenario(server).await;
            }
        }
    )*};
}

pub mod http;
pub mod pg;
pub mod pq;
pub mod sale;
pub mod secrecy;
pub mod sse;
