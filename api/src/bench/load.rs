//! A closed-loop HTTP load: N keep-alive connections, each sending its next
//! request as soon as the previous answer is read in full, for a fixed
//! time. The same client measures `cdb serve` and its baseline (nginx), so
//! the ratio of the two is not the client's.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One answer, as the load saw it.
pub struct Answer<'a> {
    pub status: StatusCode,
    pub body: &'a Bytes,
}

/// What a load sends: request `n` of connection `connection`.
pub trait Script: Send + Sync + 'static {
    /// `None`: this connection has nothing more to send.
    fn request(&self, connection: usize, n: u64) -> Option<Request<Full<Bytes>>>;
    /// Looks at an answer (for example keeps a created id); `false` counts
    /// it as a failure.
    fn answered(&self, _connection: usize, answer: Answer<'_>) -> bool {
        answer.status.is_success()
    }
}

/// What a load measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub ok: u64,
    pub failed: u64,
    /// The first failure's status and body, to say what went wrong.
    pub first_failure: Option<String>,
    pub elapsed: Duration,
    /// Latencies of the successful requests, sorted.
    latencies: Vec<Duration>,
}

impl Measured {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let at = ((self.latencies.len() as f64 * q) as usize).min(self.latencies.len() - 1);
        self.latencies[at]
    }

    /// `1,234 req/s, p50 3.1 ms, p99 9.8 ms`.
    pub fn summary(&self) -> String {
        format!(
            "{}, p50 {:.1} ms, p99 {:.1} ms",
            super::report::rate(self.per_second(), "req"),
            self.quantile(0.5).as_secs_f64() * 1e3,
            self.quantile(0.99).as_secs_f64() * 1e3
        )
    }

    /// p99 ÷ p50.
    pub fn tail(&self) -> f64 {
        self.quantile(0.99).as_secs_f64() / self.quantile(0.5).as_secs_f64().max(1e-9)
    }
}

/// Runs `script` over `connections` connections to `addr` for `duration`.
pub async fn run(
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
    script: Arc<dyn Script>,
) -> Result<Measured, String> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(connections);
    for connection in 0..connections {
        let script = Arc::clone(&script);
        tasks.push(tokio::spawn(async move {
            one_connection(addr, connection, deadline, script.as_ref()).await
        }));
    }
    let mut total = Measured {
        ok: 0,
        failed: 0,
        first_failure: None,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    for task in tasks {
        let part = task
            .await
            .map_err(|e| format!("a load connection failed: {e}"))??;
        total.ok += part.ok;
        total.failed += part.failed;
        total.first_failure = total.first_failure.or(part.first_failure);
        total.latencies.extend(part.latencies);
    }
    total.elapsed = started.elapsed();
    total.latencies.sort_unstable();
    Ok(total)
}

async fn one_connection(
    addr: SocketAddr,
    connection: usize,
    deadline: Instant,
    script: &dyn Script,
) -> Result<Measured, String> {
    let (mut sender, driving) = connect(addr).await?;
    let mut measured = Measured {
        ok: 0,
        failed: 0,
        first_failure: None,
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(4096),
    };
    let mut n = 0;
    while Instant::now() < deadline {
        let Some(request) = script.request(connection, n) else {
            break;
        };
        n += 1;
        let sent = Instant::now();
        let (parts, body) = send(&mut sender, addr, request).await?;
        let latency = sent.elapsed();
        let answer = Answer {
            status: parts.status,
            body: &body,
        };
        if script.answered(connection, answer) {
            measured.ok += 1;
            measured.latencies.push(latency);
        } else {
            measured.failed += 1;
            if measured.first_failure.is_none() {
                measured.first_failure = Some(format!(
                    "{}: {}",
                    parts.status,
                    String::from_utf8_lossy(&body)
                        .chars()
                        .take(300)
                        .collect::<String>()
                ));
            }
        }
    }
    drop(sender);
    driving.abort();
    Ok(measured)
}

/// One request and its answer over a fresh connection, for set-up steps.
pub async fn once(
    addr: SocketAddr,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, HeaderMap, Bytes), String> {
    let (mut sender, driving) = connect(addr).await?;
    let answer = send(&mut sender, addr, request).await;
    driving.abort();
    let (parts, body) = answer?;
    Ok((parts.status, parts.headers, body))
}

type Sender = http1::SendRequest<Full<Bytes>>;

/// A keep-alive HTTP/1.1 connection, its driver running on its own task.
async fn connect(addr: SocketAddr) -> Result<(Sender, tokio::task::JoinHandle<()>), String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (sender, driver) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {addr}: {e}"))?;
    let driving = tokio::spawn(async move {
        let _ = driver.await;
    });
    Ok((sender, driving))
}

/// Sends `request` and reads its whole answer.
async fn send(
    sender: &mut Sender,
    addr: SocketAddr,
    request: Request<Full<Bytes>>,
) -> Result<(hyper::http::response::Parts, Bytes), String> {
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("request to {addr} failed: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("reading an answer of {addr}: {e}"))?
        .to_bytes();
    Ok((parts, body))
}
