//! `cdb serve`: check the configuration, open the store, listen, serve until
//! SIGTERM or Ctrl-C, then finish the requests in flight.

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use commands::ports::catalogue::{Catalogue, FileCatalogue, HttpCatalogue};
use commands::ports::documents::FsDocumentStorage;
use commands::scheduler::Scheduler;
use commands::store::{EventStore, StoreLocation, open_store};
use commands::{Clock, CommandHandler, ScaledClock, SystemClock, UlidIds};

use projections::Projector;

use domain::calendar::Calendar;

use crate::Failure;
use crate::auctions::ParticipationKey;
use crate::brokers::Brokers;
use crate::cli::{ServeArgs, StoreArgs};
use crate::procedure::SchedulerPorts;
use crate::registry::{Builtin, CheckError, Registry};
use crate::reply::PublicUrl;
use crate::sale_periods::SalePeriods;
use crate::server::{AppState, Shared, router};
use crate::telemetry;

/// Makes sure the data directory exists and can be written to.
pub fn prepare_data_dir(dir: &Path) -> Result<(), Failure> {
    let unwritable = |e: std::io::Error| {
        Failure::Config(format!(
            "data directory {} is not writable: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let probe = dir.join(".cdb-write-probe");
    std::fs::write(&probe, b"ok").map_err(unwritable)?;
    std::fs::remove_file(&probe).map_err(unwritable)?;
    Ok(())
}

/// Parses the store URL and opens the store, creating the data directory for
/// the embedded backend.
pub async fn open(
    args: &StoreArgs,
    migrate: bool,
) -> Result<(StoreLocation, Arc<dyn EventStore>), Failure> {
    let location = StoreLocation::parse(&args.store, &args.data_dir)
        .map_err(|e| Failure::Config(e.to_string()))?;
    if let StoreLocation::Sqlite(path) = &location {
        prepare_data_dir(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )?;
    }
    let store = open_store(&location, migrate).await.map_err(|e| {
        Failure::Config(format!("cannot open store ({}): {e}", location.describe()))
    })?;
    Ok((location, store))
}

fn load_brokers(args: &ServeArgs) -> Result<Brokers, Failure> {
    match &args.brokers {
        Some(path) => Brokers::load(path).map_err(|e| Failure::Config(e.to_string())),
        None => {
            let path: PathBuf = args.store.data_dir.join("brokers.toml");
            let (brokers, created) =
                Brokers::load_or_create(&path).map_err(|e| Failure::Config(e.to_string()))?;
            if created {
                eprintln!(
                    "cdb: no --brokers file given; created {} with a new random key for broker \"broker\"",
                    path.display()
                );
            } else {
                eprintln!("cdb: no --brokers file given; using {}", path.display());
            }
            Ok(brokers)
        }
    }
}

fn open_catalogue(args: &ServeArgs) -> Result<Option<Arc<dyn Catalogue>>, Failure> {
    if let Some(url) = &args.catalogue_url {
        let timeout = std::time::Duration::from_millis(args.catalogue_timeout_ms);
        let catalogue = HttpCatalogue::new(url, timeout)
            .map_err(|e| Failure::Config(format!("bad --catalogue-url {url}: {e}")))?;
        return Ok(Some(Arc::new(catalogue)));
    }
    if let Some(path) = &args.catalogue_file {
        let catalogue = FileCatalogue::load(path).map_err(|e| Failure::Config(e.to_string()))?;
        return Ok(Some(Arc::new(catalogue)));
    }
    eprintln!(
        "cdb: no --catalogue-url or --catalogue-file given; priceQuotation tenders cannot be activated"
    );
    Ok(None)
}

/// The operator's working-day calendar from `dir`, or the built-in one.
fn load_calendar(dir: Option<&Path>) -> Result<Arc<Calendar>, Failure> {
    let Some(dir) = dir else {
        return Ok(Arc::new(Calendar::ukraine().clone()));
    };
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path)
            .map_err(|e| Failure::Config(format!("cannot read {}: {e}", path.display())))
    };
    let calendar = Calendar::from_json(&read("workdays_off.json")?, &read("weekends_on.json")?)
        .map_err(|e| Failure::Config(format!("{}: {e}", dir.display())))?;
    Ok(Arc::new(calendar))
}

/// Refuses to serve a log holding procedures of a type `registry` does not
/// know: the read models would leave them out and the scheduler would never
/// run them.
pub async fn check_log(registry: &Registry, store: &dyn EventStore) -> Result<(), Failure> {
    registry
        .check_log(store)
        .await
        .map_err(|error| match error {
            CheckError::Unknown(unknown) => Failure::Config(unknown.to_string()),
            CheckError::Store(error) => {
                Failure::Runtime(format!("cannot read the event log: {error}"))
            }
        })
}

/// Opens the read models of the store at `location` and brings them up to
/// the log's head before the server answers anything.
pub async fn start_projector(
    location: &StoreLocation,
    store: Arc<dyn EventStore>,
    registry: &Registry,
) -> Result<Arc<Projector>, Failure> {
    let read = projections::read_store::open(location)
        .await
        .map_err(|e| Failure::Config(format!("cannot open the read models: {e}")))?;
    let open_failed = |e: projections::ReadStoreError| {
        Failure::Config(format!("cannot open the read models: {e}"))
    };
    // Catching up keeps only each batch's procedures folded, so start-up
    // memory does not grow with the log; the projector that then follows
    // the log keeps the procedures it touches.
    let position = Projector::with_projection(
        Arc::clone(&store),
        Arc::clone(&read),
        projections::Projection::batch_only(registry.published().clone()),
    )
    .await
    .map_err(open_failed)?
    .catch_up()
    .await
    .map_err(|e| Failure::Runtime(format!("cannot bring the read models up to date: {e}")))?;
    let projector = Projector::new(store, read, registry.published().clone())
        .await
        .map_err(open_failed)?;
    tracing::info!(position, "read models caught up");
    Ok(Arc::new(projector))
}

pub async fn serve(args: ServeArgs) -> Result<(), Failure> {
    telemetry::init_logging();
    // Cheap checks first, so a typo fails before anything is created.
    let public_url = args
        .public_url
        .as_deref()
        .map(PublicUrl::parse)
        .transpose()
        .map_err(Failure::Config)?;
    StoreLocation::parse(&args.store.store, &args.store.data_dir)
        .map_err(|e| Failure::Config(e.to_string()))?;
    prepare_data_dir(&args.store.data_dir)?;
    let brokers = load_brokers(&args)?;
    let catalogue = open_catalogue(&args)?;
    let sale_periods = match &args.sale_periods {
        Some(path) => SalePeriods::load(path).map_err(|e| Failure::Config(e.to_string()))?,
        None => SalePeriods::default(),
    };
    let registry = Registry::builtin(Builtin {
        sale_periods,
        sale_auction: args.sale_auction,
        tender_auction: args.tender_auction,
    });
    let participation = participation_key(args.auction_secret.as_deref())?;
    let clock = server_clock(args.clock_rate)?;
    let calendar = load_calendar(args.calendar.as_deref())?;
    let documents = FsDocumentStorage::open(&args.store.data_dir.join("documents"))
        .map_err(|e| Failure::Config(format!("cannot open document storage: {e}")))?;
    let (location, store) = open(&args.store, args.migrate).await?;
    check_log(&registry, store.as_ref()).await?;
    let projector = start_projector(&location, store.clone(), &registry).await?;
    let shutdown = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| Failure::Config(format!("cannot listen on {}: {e}", args.bind)))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    let public_url = public_url.unwrap_or_else(|| PublicUrl::from_listen_address(address));
    tracing::info!(%address, %public_url, store = %location.describe(), brokers = brokers.len(), "opencdb listening");
    eprintln!(
        "cdb: listening on http://{address} (store: {}; links on {public_url})",
        location.describe()
    );

    let handler = CommandHandler::new(store.clone(), clock, Arc::new(UlidIds::default()))
        .with_calendar(calendar)
        .with_public_url(public_url.as_str());
    let mut scheduler = Scheduler::new(handler.clone()).with_tick(
        std::time::Duration::from_millis(args.scheduler_tick_ms.max(10)),
    );
    let ports = SchedulerPorts {
        catalogue: catalogue.clone(),
    };
    registry.schedule(&mut scheduler, &ports);
    let (stop_scheduler, scheduler_stopped) = tokio::sync::oneshot::channel::<()>();
    let scheduler = tokio::spawn(scheduler.run(async {
        let _ = scheduler_stopped.await;
    }));

    let (stop_projector, projector_stopped) = tokio::sync::oneshot::channel::<()>();
    let projecting = tokio::spawn(Arc::clone(&projector).run(async {
        let _ = projector_stopped.await;
    }));

    let state = AppState::from(Shared {
        projector,
        store,
        brokers: Arc::new(brokers),
        metrics: telemetry::metrics_handle(),
        handler,
        catalogue,
        documents: Arc::new(documents),
        registry: Arc::new(registry),
        public_url,
        request_timeout: Duration::from_millis(args.request_timeout_ms),
        participation,
        changes: Arc::default(),
        ocds_prefix: Arc::from(args.ocds_prefix.as_str()),
    });
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_millis(args.header_read_timeout_ms),
        max_connections: args.max_connections as usize,
    };
    accept(listener, router(state), limits, shutdown).await;
    let _ = stop_scheduler.send(());
    let _ = scheduler.await;
    let _ = stop_projector.send(());
    let _ = projecting.await;
    tracing::info!("stopped: every request in flight was answered");
    Ok(())
}

/// The key participation links are signed with: the operator's secret, or
/// a random one (with a warning) when none is given.
fn participation_key(secret: Option<&str>) -> Result<ParticipationKey, Failure> {
    match secret {
        Some(secret) if secret.chars().count() < 32 => Err(Failure::Config(
            "--auction-secret must be at least 32 characters long".to_owned(),
        )),
        Some(secret) => Ok(ParticipationKey::new(secret.as_bytes())),
        None => {
            tracing::warn!(
                "no --auction-secret: participation links are signed with a random secret and stop working when the server restarts"
            );
            Ok(ParticipationKey::random())
        }
    }
}

/// The system clock, or with `--clock-rate N` one running N times faster.
fn server_clock(rate: Option<f64>) -> Result<Arc<dyn Clock>, Failure> {
    let Some(rate) = rate.filter(|rate| *rate != 1.0) else {
        return Ok(Arc::new(SystemClock));
    };
    let clock = ScaledClock::starting_now(rate).ok_or_else(|| {
        Failure::Config(format!("--clock-rate must be a number above 0, not {rate}"))
    })?;
    tracing::warn!(
        rate,
        "the clock runs {rate} times faster than real time: not for production"
    );
    eprintln!(
        "cdb: WARNING: --clock-rate {rate}: the server's clock runs {rate} times faster than real time. For demonstrations and tests only, never for production."
    );
    Ok(Arc::new(clock))
}

/// What a connection may cost the server.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// How long a client has to send a request's headers (and how long an
    /// idle connection waits for the next request).
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
}

/// The largest request head (request line and headers) hyper reads; a
/// larger one is answered 431. Above hyper's fixed URI limit (64 KiB, then
/// 414), so that a request too large for its URI is told so.
const MAX_HEAD_BYTES: usize = 96 * 1024;
/// The most header fields a request may have; more are answered 431.
const MAX_HEADERS: usize = 100;

/// Serves HTTP/1.1 connections from `listener` with `app` until `shutdown`
/// resolves, then waits for the requests in flight.
pub async fn accept(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        // Take a slot before accepting: over the cap, clients wait in the
        // listen queue instead of costing the server a task and buffers.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = http.serve_connection(
            EnvelopedParseErrors::new(TokioIo::new(stream)),
            TowerToHyperService::new(app.clone()),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A connection on which hyper's own answers to requests it cannot parse
/// (400, 414 URI too long, 431 headers too large: a bare head with
/// `content-length: 0`, written before any request reaches the
/// application) go out in the JSON error envelope like every other error.
struct EnvelopedParseErrors<T> {
    inner: T,
    /// The envelope answer being written in place of hyper's, how much of
    /// it is written, and how many bytes of hyper's to report written.
    replacing: Option<(Vec<u8>, usize, usize)>,
}

impl<T> EnvelopedParseErrors<T> {
    fn new(inner: T) -> Self {
        EnvelopedParseErrors {
            inner,
            replacing: None,
        }
    }
}

/// If `head` is exactly hyper's answer to a parse error (`HTTP/1.1 <status>
/// <reason>`, `content-length: 0`, `date: …`, perhaps `connection: close`,
/// and nothing else), the same answer in the envelope, closing the
/// connection.
fn enveloped_parse_error(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let rest = text.strip_prefix("HTTP/1.1 ")?.strip_suffix("\r\n\r\n")?;
    let mut lines = rest.split("\r\n");
    let status_line = lines.next()?;
    let status: StatusCode = status_line.get(..3)?.parse().ok()?;
    if ![
        StatusCode::BAD_REQUEST,
        StatusCode::URI_TOO_LONG,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    ]
    .contains(&status)
    {
        return None;
    }
    let mut date = None;
    let mut empty = false;
    for line in lines {
        match line.split_once(": ") {
            Some(("content-length", "0")) => empty = true,
            Some(("connection", "close")) => {}
            Some(("date", value)) => date = Some(value),
            _ => return None,
        }
    }
    let date = date.filter(|_| empty)?;
    let body = crate::error::for_status(status, "").envelope().to_string();
    Some(
        format!(
            "HTTP/1.1 {status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\ndate: {date}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: Read + Unpin> Read for EnvelopedParseErrors<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> EnvelopedParseErrors<T> {
    /// Writes the envelope answer in place of hyper's `head` if it is one
    /// of hyper's parse-error answers; `None` when it is not.
    fn poll_replace(
        &mut self,
        cx: &mut Context<'_>,
        head: &[u8],
    ) -> Option<Poll<io::Result<usize>>> {
        if self.replacing.is_none()
            && head.len() < 256
            && let Some(answer) = enveloped_parse_error(head)
        {
            self.replacing = Some((answer, 0, head.len()));
        }
        let (answer, written, claimed) = self.replacing.as_mut()?;
        while *written < answer.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &answer[*written..]) {
                Poll::Pending => return Some(Poll::Pending),
                Poll::Ready(Err(error)) => return Some(Poll::Ready(Err(error))),
                Poll::Ready(Ok(0)) => {
                    return Some(Poll::Ready(Err(io::ErrorKind::WriteZero.into())));
                }
                Poll::Ready(Ok(n)) => *written += n,
            }
        }
        let claimed = *claimed;
        self.replacing = None;
        Some(Poll::Ready(Ok(claimed)))
    }
}

impl<T: Write + Unpin> Write for EnvelopedParseErrors<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(replaced) = this.poll_replace(cx, buf) {
            return replaced;
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    /// Vectored, so that hyper queues a body's bytes after the head instead
    /// of copying them into its buffer. Its parse-error answers have no
    /// body: the head is then the only buffer with bytes in it.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut filled = bufs.iter().filter(|buf| !buf.is_empty());
        if let (Some(head), None) = (filled.next(), filled.next())
            && let Some(replaced) = this.poll_replace(cx, head)
        {
            return replaced;
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Installs the SIGTERM and Ctrl-C handlers now, and returns a future that
/// resolves when either arrives.
///
/// The handlers must exist before the server announces its address: axum
/// polls the shutdown future on a spawned task, and a SIGTERM that lands
/// before that task first runs would otherwise kill the process with the
/// default action instead of shutting it down cleanly.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, Failure> {
    #[cfg(unix)]
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| Failure::Runtime(format!("cannot install the SIGTERM handler: {e}")))?;
    #[cfg(unix)]
    let mut interrupt =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
            .map_err(|e| Failure::Runtime(format!("cannot install the SIGINT handler: {e}")))?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown requested; finishing requests in flight");
    })
}
