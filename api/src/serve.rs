//! `cdb serve`: check the configuration, open the store, listen, serve until
//! SIGTERM or Ctrl-C, then finish the requests in flight.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use commands::ports::catalogue::{Catalogue, FileCatalogue, HttpCatalogue};
use commands::ports::documents::FsDocumentStorage;
use commands::scheduler::Scheduler;
use commands::store::{EventStore, StoreLocation, open_store};
use commands::{CommandHandler, SystemClock, UlidIds};
use domain::procedures::multi_award_sale::MultiAwardSale;
use domain::procedures::price_quotation::PriceQuotation;

use projections::Projector;

use crate::Failure;
use crate::brokers::Brokers;
use crate::cli::{ServeArgs, StoreArgs};
use crate::sale_periods::SalePeriods;
use crate::server::{AppState, router};
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

/// Opens the read models of the store at `location` and brings them up to
/// the log's head before the server answers anything.
pub async fn start_projector(
    location: &StoreLocation,
    store: Arc<dyn EventStore>,
) -> Result<Arc<Projector>, Failure> {
    let read = projections::read_store::open(location)
        .await
        .map_err(|e| Failure::Config(format!("cannot open the read models: {e}")))?;
    let projector = Projector::new(store, read)
        .await
        .map_err(|e| Failure::Config(format!("cannot open the read models: {e}")))?;
    let position = projector
        .catch_up()
        .await
        .map_err(|e| Failure::Runtime(format!("cannot bring the read models up to date: {e}")))?;
    tracing::info!(position, "read models caught up");
    Ok(Arc::new(projector))
}

pub async fn serve(args: ServeArgs) -> Result<(), Failure> {
    telemetry::init_logging();
    // Cheap checks first, so a typo fails before anything is created.
    StoreLocation::parse(&args.store.store, &args.store.data_dir)
        .map_err(|e| Failure::Config(e.to_string()))?;
    prepare_data_dir(&args.store.data_dir)?;
    let brokers = load_brokers(&args)?;
    let catalogue = open_catalogue(&args)?;
    let sale_periods = match &args.sale_periods {
        Some(path) => SalePeriods::load(path).map_err(|e| Failure::Config(e.to_string()))?,
        None => SalePeriods::default(),
    };
    let documents = FsDocumentStorage::open(&args.store.data_dir.join("documents"))
        .map_err(|e| Failure::Config(format!("cannot open document storage: {e}")))?;
    let (location, store) = open(&args.store, args.migrate).await?;
    let projector = start_projector(&location, store.clone()).await?;
    let shutdown = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| Failure::Config(format!("cannot listen on {}: {e}", args.bind)))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    tracing::info!(%address, store = %location.describe(), brokers = brokers.len(), "opencdb listening");
    eprintln!(
        "cdb: listening on http://{address} (store: {})",
        location.describe()
    );

    let handler = CommandHandler::new(
        store.clone(),
        Arc::new(SystemClock),
        Arc::new(UlidIds::default()),
    );
    let mut scheduler = Scheduler::new(handler.clone()).with_tick(
        std::time::Duration::from_millis(args.scheduler_tick_ms.max(10)),
    );
    scheduler.register::<PriceQuotation>();
    scheduler.register::<MultiAwardSale>();
    let (stop_scheduler, scheduler_stopped) = tokio::sync::oneshot::channel::<()>();
    let scheduler = tokio::spawn(scheduler.run(async {
        let _ = scheduler_stopped.await;
    }));

    let (stop_projector, projector_stopped) = tokio::sync::oneshot::channel::<()>();
    let projecting = tokio::spawn(Arc::clone(&projector).run(async {
        let _ = projector_stopped.await;
    }));

    let state = AppState {
        projector,
        store,
        brokers: Arc::new(brokers),
        metrics: telemetry::metrics_handle(),
        handler,
        catalogue,
        documents: Arc::new(documents),
        sale_periods: Arc::new(sale_periods),
    };
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| Failure::Runtime(format!("server failed: {e}")));
    let _ = stop_scheduler.send(());
    let _ = scheduler.await;
    let _ = stop_projector.send(());
    let _ = projecting.await;
    served?;
    tracing::info!("stopped: every request in flight was answered");
    Ok(())
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
