//! A real opencdb HTTP server for end-to-end tests, on either store backend,
//! with everything outside the CDB faked or frozen:
//!
//! - the store: the embedded one in a temporary directory, or a fresh
//!   PostgreSQL database from [`crate::pg::fresh_database`];
//! - the clock: a [`TestClock`](crate::clock::TestClock) at
//!   `2023-09-20T01:00:00+03:00` (the spec's fixture time), frozen, moved
//!   by [`TestServer::advance`], unless a test lets it run
//!   ([`TestServer::run_live`]);
//! - the scheduler: kept here, not running in the background; a test runs
//!   one pass with [`TestServer::run_scheduler`] (or lets it follow the
//!   running clock, [`TestServer::run_live`]);
//! - the ProZorro e-Catalogues: a fake HTTP server on `127.0.0.1:0` whose
//!   answers a test switches with [`TestServer::set_catalogue`] (see
//!   [`CatalogueMode`]), read by the production [`HttpCatalogue`] adapter;
//! - document storage: a temporary directory;
//! - brokers: `broker` ([`BROKER_KEY`]) and `other` ([`OTHER_KEY`]), both
//!   with the `broker` role, `auction` ([`AUCTION_KEY`]) with the
//!   `auction` role and `contracting` ([`CONTRACTING_KEY`]) with the
//!   `contracting` role.
//!
//! The client helpers ([`TestServer::post`] and friends) answer
//! `(status, headers, JSON body)` and fail the test on any 5xx answer: the
//! API must never answer a client's mistake with a server error.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::brokers::Brokers;
use api::procedure::SchedulerPorts;
use api::registry::Registry;
use api::reply::PublicUrl;
use api::serve::{ConnectionLimits, accept};
use api::server::{AppState, Shared, router};
use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, TimeDelta, Utc};
use commands::ports::catalogue::{Catalogue, HttpCatalogue};
use commands::ports::documents::FsDocumentStorage;
use commands::store::{EventStore, StoreLocation, open_store};
use commands::{CommandHandler, Scheduler, UlidIds};

use crate::clock::TestClock;
use projections::Projector;
pub use reqwest::Method;
pub use reqwest::StatusCode;
pub use reqwest::header::HeaderMap;
use serde_json::{Value as Json, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The `broker` broker's API key (`Authorization: Bearer …`).
pub const BROKER_KEY: &str = "broker-key-0123456789";
/// The `other` broker's API key.
pub const OTHER_KEY: &str = "other-key-0123456789";
/// The auction module's key (role `auction`).
pub const AUCTION_KEY: &str = "auction-key-0123456789";
/// A broker that takes part in nothing: the outsider of secrecy tests.
pub const STRANGER_KEY: &str = "stranger-key-0123456789";
/// The contracting service's key (role `contracting`).
pub const CONTRACTING_KEY: &str = "contracting-key-0123456789";
/// A key no broker holds.
pub const UNKNOWN_KEY: &str = "unknown-key-0123456789";

/// The OCDS ocid prefix test servers publish under.
pub const OCDS_PREFIX: &str = "test01";

/// The spec's fixture time: every test starts at it.
pub const START: &str = "2023-09-20T01:00:00+03:00";

/// The fixture's e-catalogue profile (spec §9.1).
pub const PROFILE: &str = "655360-30230000-889652-40000777";
/// A second profile of the same agreement, known in every mode: the profile
/// a tender is fixed with after PQ-1 (PQ-9).
pub const OTHER_PROFILE: &str = "655360-30230000-889652-40000778";
/// The fixture's agreement (spec §9.1).
pub const AGREEMENT: &str = "2e14a78a2074952d5a2d256c3c004dda";
/// Another, active agreement: the one [`PROFILE`] belongs to in
/// [`CatalogueMode::ProfileOfAnotherAgreement`].
pub const OTHER_AGREEMENT: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";

/// What the fake e-catalogue answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueMode {
    /// [`PROFILE`] → [`AGREEMENT`], active, with the two firms of spec §9.3
    /// on active contracts (and a third firm on a terminated contract, who
    /// is therefore not qualified).
    Normal,
    /// Like [`CatalogueMode::Normal`] with a third qualified firm
    /// ([`third_firm`]) on an active contract.
    ThreeSuppliers,
    /// [`PROFILE`] is unknown (404); [`OTHER_PROFILE`] still exists.
    ProfileMissing,
    /// [`AGREEMENT`] is unknown (404).
    AgreementMissing,
    /// [`PROFILE`] belongs to [`OTHER_AGREEMENT`].
    ProfileOfAnotherAgreement,
    /// [`AGREEMENT`] is `terminated`.
    AgreementTerminated,
    /// [`AGREEMENT`] is active but none of its contracts is.
    NoQualifiedSuppliers,
    /// Every connection is accepted and closed at once, unanswered.
    Drop,
}

/// The first firm of spec §9.3, as the e-catalogue gives it.
pub fn pixeli() -> Json {
    json!({
        "name": "Товариство з обмеженою відповідальністю «Пікселі»",
        "identifier": {
            "scheme": "UA-EDR",
            "id": "00037256",
            "legalName": "Товариство з обмеженою відповідальністю «Пікселі»"
        },
        "address": {
            "streetAddress": "бул.Дружби Народів, 8",
            "locality": "м.Київ",
            "region": "Київська область",
            "postalCode": "01100",
            "countryName": "Україна"
        },
        "contactPoint": {
            "email": "contact@pixel.pix",
            "telephone": "+0671234567",
            "name": "Оксана Піксель"
        },
        "scale": "large",
        "id": "UA-EDR-12345678",
        "status": "active"
    })
}

/// The second firm of spec §9.3, as the e-catalogue gives it.
pub fn shteker() -> Json {
    json!({
        "name": "Товариство з обмеженою відповідальністю «Штекер-Пекер»",
        "identifier": {
            "scheme": "UA-EDR",
            "id": "87654321",
            "legalName": "Товариство з обмеженою відповідальністю «Штекер-Пекер»"
        },
        "address": {
            "streetAddress": "вул. Кластерна, 777-К",
            "locality": "м.Тернопіль",
            "region": "Тернопільська область",
            "postalCode": "46000",
            "countryName": "Україна"
        },
        "contactPoint": {
            "email": "info@shteker.pek",
            "telephone": "+0951234567",
            "name": "Олег Штекер"
        },
        "scale": "large",
        "id": "UA-EDR-87654321",
        "status": "active"
    })
}

/// A third firm, qualified only in [`CatalogueMode::ThreeSuppliers`].
pub fn third_firm() -> Json {
    json!({
        "name": "Товариство з обмеженою відповідальністю «Третій»",
        "identifier": {
            "scheme": "UA-EDR",
            "id": "11223344",
            "legalName": "Товариство з обмеженою відповідальністю «Третій»"
        },
        "address": {
            "streetAddress": "вул. Третя, 3",
            "locality": "м.Львів",
            "region": "Львівська область",
            "postalCode": "79000",
            "countryName": "Україна"
        },
        "contactPoint": {
            "email": "office@third.ua",
            "telephone": "+0321234567",
            "name": "Тарас Третяк"
        },
        "scale": "mid",
        "id": "UA-EDR-11223344",
        "status": "active"
    })
}

/// A firm on a terminated contract of [`AGREEMENT`]: never qualified.
pub fn disqualified_firm() -> Json {
    json!({
        "name": "ТОВ «Розірваний»",
        "identifier": {"scheme": "UA-EDR", "id": "99999999", "legalName": "ТОВ «Розірваний»"},
        "address": {"countryName": "Україна"},
        "contactPoint": {"name": "Никто", "email": "none@example.ua"},
        "scale": "micro",
        "id": "UA-EDR-99999999",
        "status": "active"
    })
}

/// A catalogue firm as a bid's tenderer: the organisation without the
/// catalogue's own `id` and `status`.
pub fn tenderer(firm: &Json) -> Json {
    let mut tenderer = firm.clone();
    if let Some(object) = tenderer.as_object_mut() {
        object.remove("id");
        object.remove("status");
    }
    tenderer
}

struct FakeCatalogueState {
    mode: Mutex<CatalogueMode>,
    /// Requests answered (profiles and agreements).
    answered: AtomicUsize,
    /// Connections closed unanswered in [`CatalogueMode::Drop`].
    dropped: AtomicUsize,
    /// Answers a test fed for ids of its own ([`FakeCatalogue::feed_profile`],
    /// [`FakeCatalogue::feed_agreement`]), served before the mode's.
    fed_profiles: Mutex<HashMap<String, Option<Json>>>,
    fed_agreements: Mutex<HashMap<String, Option<Json>>>,
}

impl FakeCatalogueState {
    fn mode(&self) -> CatalogueMode {
        *self.mode.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The fed answer for `id`, if a test fed one: `Some(None)` is a fed 404.
fn fed(answers: &Mutex<HashMap<String, Option<Json>>>, id: &str) -> Option<Option<Json>> {
    answers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(id)
        .cloned()
}

/// Accepts connections for the fake catalogue; in [`CatalogueMode::Drop`]
/// closes each one at once instead of handing it to the HTTP server.
struct SwitchableListener {
    inner: TcpListener,
    state: Arc<FakeCatalogueState>,
}

impl axum::serve::Listener for SwitchableListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, address)) => {
                    if self.state.mode() == CatalogueMode::Drop {
                        self.state.dropped.fetch_add(1, Ordering::Relaxed);
                        drop(stream);
                        continue;
                    }
                    return (stream, address);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// `{"data": …}` with `Connection: close`, so the adapter never reuses a
/// connection across a switch to [`CatalogueMode::Drop`].
fn answer(found: Option<Json>) -> Response {
    let mut response = match found {
        Some(data) => axum::Json(json!({ "data": data })).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"errors": ["Not found"]})),
        )
            .into_response(),
    };
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn fake_profile(
    State(state): State<Arc<FakeCatalogueState>>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    state.answered.fetch_add(1, Ordering::Relaxed);
    if let Some(found) = fed(&state.fed_profiles, &id) {
        return answer(found);
    }
    let mode = state.mode();
    let profile = |agreement: &str| json!({"id": id, "agreementID": agreement, "status": "active"});
    let found = match id.as_str() {
        PROFILE => match mode {
            CatalogueMode::ProfileMissing => None,
            CatalogueMode::ProfileOfAnotherAgreement => Some(profile(OTHER_AGREEMENT)),
            _ => Some(profile(AGREEMENT)),
        },
        OTHER_PROFILE => Some(profile(AGREEMENT)),
        _ => None,
    };
    answer(found)
}

async fn fake_agreement(
    State(state): State<Arc<FakeCatalogueState>>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    state.answered.fetch_add(1, Ordering::Relaxed);
    if let Some(found) = fed(&state.fed_agreements, &id) {
        return answer(found);
    }
    let mode = state.mode();
    let contract = |status: &str, firm: Json| json!({"status": status, "suppliers": [firm]});
    let found = match id.as_str() {
        AGREEMENT => match mode {
            CatalogueMode::AgreementMissing => None,
            CatalogueMode::AgreementTerminated => Some(json!({
                "id": AGREEMENT,
                "status": "terminated",
                "contracts": [contract("active", pixeli()), contract("active", shteker())]
            })),
            CatalogueMode::NoQualifiedSuppliers => Some(json!({
                "id": AGREEMENT,
                "status": "active",
                "contracts": [contract("terminated", pixeli()), contract("suspended", shteker())]
            })),
            CatalogueMode::ThreeSuppliers => Some(json!({
                "id": AGREEMENT,
                "status": "active",
                "contracts": [
                    contract("active", pixeli()),
                    contract("active", shteker()),
                    contract("active", third_firm()),
                    contract("terminated", disqualified_firm())
                ]
            })),
            _ => Some(json!({
                "id": AGREEMENT,
                "status": "active",
                "contracts": [
                    contract("active", pixeli()),
                    contract("terminated", disqualified_firm()),
                    contract("active", shteker())
                ]
            })),
        },
        OTHER_AGREEMENT => Some(json!({
            "id": OTHER_AGREEMENT,
            "status": "active",
            "contracts": [contract("active", third_firm())]
        })),
        _ => None,
    };
    answer(found)
}

/// The fake ProZorro e-Catalogues (`GET /profiles/{id}`,
/// `GET /agreements/{id}`, each `{"data": …}`, 404 when unknown).
pub struct FakeCatalogue {
    state: Arc<FakeCatalogueState>,
    /// The base URL the adapter is configured with.
    pub url: String,
    task: JoinHandle<()>,
}

impl FakeCatalogue {
    pub async fn start(mode: CatalogueMode) -> FakeCatalogue {
        let state = Arc::new(FakeCatalogueState {
            mode: Mutex::new(mode),
            answered: AtomicUsize::new(0),
            dropped: AtomicUsize::new(0),
            fed_profiles: Mutex::new(HashMap::new()),
            fed_agreements: Mutex::new(HashMap::new()),
        });
        let inner = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake e-catalogue");
        let address = inner.local_addr().expect("fake e-catalogue address");
        let app = Router::new()
            .route("/api/profiles/{id}", get(fake_profile))
            .route("/api/agreements/{id}", get(fake_agreement))
            .with_state(state.clone());
        let listener = SwitchableListener {
            inner,
            state: state.clone(),
        };
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeCatalogue {
            state,
            url: format!("http://{address}/api"),
            task,
        }
    }

    pub fn set_mode(&self, mode: CatalogueMode) {
        *self.state.mode.lock().unwrap_or_else(|p| p.into_inner()) = mode;
    }

    pub fn mode(&self) -> CatalogueMode {
        self.state.mode()
    }

    /// From now on answers `GET /profiles/{id}` with `{"data": profile}`, or
    /// 404 for `None`, whatever the mode: for tests whose catalogue data
    /// comes from elsewhere (the conformance runner feeds a recording's).
    pub fn feed_profile(&self, id: &str, profile: Option<Json>) {
        self.state
            .fed_profiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), profile);
    }

    /// Like [`FakeCatalogue::feed_profile`], for `GET /agreements/{id}`.
    pub fn feed_agreement(&self, id: &str, agreement: Option<Json>) {
        self.state
            .fed_agreements
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), agreement);
    }

    /// Profile and agreement requests answered so far.
    pub fn answered(&self) -> usize {
        self.state.answered.load(Ordering::Relaxed)
    }

    /// Connections closed unanswered so far.
    pub fn dropped(&self) -> usize {
        self.state.dropped.load(Ordering::Relaxed)
    }
}

impl Drop for FakeCatalogue {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Which event store the server runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    Embedded,
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Embedded => "embedded",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// A running opencdb server plus its fakes; see the module documentation.
/// The secret the test server signs participation links with.
pub const PARTICIPATION_SECRET: &[u8] = b"test-participation-secret";

pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub backend: Backend,
    pub clock: Arc<TestClock>,
    pub store: Arc<dyn EventStore>,
    pub handler: CommandHandler,
    pub scheduler: Scheduler,
    /// What the scheduler consults outside the log: the fake catalogue.
    pub scheduler_ports: SchedulerPorts,
    pub catalogue: FakeCatalogue,
    pub projector: Arc<Projector>,
    /// Where the events are (for tests that open the database directly).
    pub location: StoreLocation,
    /// The procedure types this server serves.
    pub registry: Arc<Registry>,
    client: reqwest::Client,
    server: AbortOnDrop,
    projecting: AbortOnDrop,
    /// The scheduler's background loop, once [`TestServer::run_live`] started it.
    live: std::sync::Mutex<Option<AbortOnDrop>>,
    _dir: tempfile::TempDir,
}

/// The API server task, stopped when the [`TestServer`] goes away.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The spec's fixture time as a UTC instant.
pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(START)
        .expect("fixture time")
        .with_timezone(&Utc)
}

/// The brokers file of every test server.
pub fn brokers_toml() -> String {
    format!(
        "[[broker]]\nname = \"broker\"\nkey = \"{BROKER_KEY}\"\nroles = [\"broker\"]\n\n\
         [[broker]]\nname = \"other\"\nkey = \"{OTHER_KEY}\"\nroles = [\"broker\"]\n\n\
         [[broker]]\nname = \"stranger\"\nkey = \"{STRANGER_KEY}\"\nroles = [\"broker\"]\n\n\
         [[broker]]\nname = \"auction\"\nkey = \"{AUCTION_KEY}\"\nroles = [\"auction\"]\n\n\
         [[broker]]\nname = \"contracting\"\nkey = \"{CONTRACTING_KEY}\"\nroles = [\"contracting\"]\n"
    )
}

impl TestServer {
    /// A server on the embedded store.
    pub async fn embedded() -> TestServer {
        TestServer::start(Backend::Embedded).await
    }

    /// A server on a fresh PostgreSQL database; `None` (with a loud message
    /// from [`crate::pg`]) when no PostgreSQL is available.
    pub async fn postgres() -> Option<TestServer> {
        let url = crate::pg::fresh_database().await?;
        Some(TestServer::start(Backend::Postgres(url)).await)
    }

    pub async fn start(backend: Backend) -> TestServer {
        let registry = Registry::builtin(Default::default());
        TestServer::with_registry(backend, registry).await
    }

    /// A server serving the procedure types of `registry` (for example with
    /// a test-only type added).
    pub async fn with_registry(backend: Backend, registry: Registry) -> TestServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        let catalogue = FakeCatalogue::start(CatalogueMode::Normal).await;
        TestServer::start_in(backend, dir, catalogue, start_time(), Arc::new(registry)).await
    }

    /// The same server restarted with the multi-award sale's auction left
    /// to an outside module (`--sale-auction external`), for the hand-off's
    /// own tests.
    pub async fn with_external_auction(self) -> TestServer {
        let registry = Registry::builtin(api::registry::Builtin {
            sale_auction: api::registry::AuctionRunner::External,
            tender_auction: api::registry::AuctionRunner::External,
            ..Default::default()
        });
        self.restart_with(Arc::new(registry)).await
    }

    /// Stops this server and starts a new one on the same store, document
    /// storage and fake catalogue, with the clock where it was: a restart
    /// (or a second server process taking over).
    pub async fn restart(self) -> TestServer {
        let registry = Arc::clone(&self.registry);
        self.restart_with(registry).await
    }

    async fn restart_with(self, registry: Arc<Registry>) -> TestServer {
        let TestServer {
            backend,
            clock,
            store,
            handler,
            scheduler,
            catalogue,
            server,
            projecting,
            projector,
            _dir: dir,
            ..
        } = self;
        use commands::Clock as _;
        let now = clock.now();
        server.0.abort();
        projecting.0.abort();
        drop((store, handler, scheduler, projector));
        TestServer::start_in(backend, dir, catalogue, now, registry).await
    }

    async fn start_in(
        backend: Backend,
        dir: tempfile::TempDir,
        catalogue: FakeCatalogue,
        now: DateTime<Utc>,
        registry: Arc<Registry>,
    ) -> TestServer {
        let location = match &backend {
            Backend::Embedded => StoreLocation::Sqlite(dir.path().join("cdb.sqlite3")),
            Backend::Postgres(url) => StoreLocation::Postgres(url.clone()),
        };
        let store = open_store(&location, true).await.expect("open the store");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the API server");
        let address = listener.local_addr().expect("API server address");
        let public_url = PublicUrl::from_listen_address(address);
        let clock = Arc::new(TestClock::new(now));
        let handler =
            CommandHandler::new(store.clone(), clock.clone(), Arc::new(UlidIds::default()))
                .with_public_url(public_url.as_str());
        let adapter: Arc<dyn Catalogue> = Arc::new(
            HttpCatalogue::new(&catalogue.url, Duration::from_secs(5)).expect("catalogue adapter"),
        );
        // The scheduler asks the fake catalogue too (priceQuotation's end of
        // tendering), through the same adapter as the API.
        let scheduler_ports = SchedulerPorts {
            catalogue: Some(Arc::clone(&adapter)),
        };
        let mut scheduler = Scheduler::new(handler.clone());
        registry.schedule(&mut scheduler, &scheduler_ports);

        let documents =
            FsDocumentStorage::open(&dir.path().join("documents")).expect("document storage");
        let brokers =
            Brokers::parse(&brokers_toml(), Path::new("brokers.toml")).expect("brokers file");
        let projector = api::serve::start_projector(&location, store.clone(), &registry)
            .await
            .expect("read models");
        let projecting = AbortOnDrop(tokio::spawn(
            Arc::clone(&projector).run(std::future::pending()),
        ));
        let state = AppState::from(Shared {
            projector: Arc::clone(&projector),
            store: store.clone(),
            brokers: Arc::new(brokers),
            metrics: api::telemetry::metrics_handle(),
            handler: handler.clone(),
            catalogue: Some(adapter),
            documents: Arc::new(documents),
            registry: Arc::clone(&registry),
            public_url,
            request_timeout: Duration::from_secs(30),
            participation: api::auctions::ParticipationKey::new(PARTICIPATION_SECRET),
            changes: Arc::default(),
            ocds_prefix: Arc::from(OCDS_PREFIX),
        });
        let app = router(state);
        // The production connection handling, with `cdb serve`'s defaults.
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
        };
        let server = AbortOnDrop(tokio::spawn(accept(
            listener,
            app,
            limits,
            std::future::pending(),
        )));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client");
        TestServer {
            base: format!("http://{address}"),
            backend,
            clock,
            store,
            handler,
            scheduler,
            scheduler_ports,
            catalogue,
            projector,
            location,
            registry,
            client,
            server,
            projecting,
            live: std::sync::Mutex::new(None),
            _dir: dir,
        }
    }

    /// Lets the clock run `rate` times faster than real time and the
    /// scheduler follow it in the background, as `cdb serve --clock-rate`
    /// does: for tests and benchmarks of whole flows on a live timeline.
    pub fn run_live(&self, rate: f64) {
        self.clock.run(rate);
        let mut scheduler =
            Scheduler::new(self.handler.clone()).with_tick(Duration::from_millis(20));
        self.registry
            .schedule(&mut scheduler, &self.scheduler_ports);
        let task = AbortOnDrop(tokio::spawn(scheduler.run(std::future::pending())));
        *self
            .live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(task);
    }

    /// `host:port` of the API server.
    pub fn authority(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    pub fn set_catalogue(&self, mode: CatalogueMode) {
        self.catalogue.set_mode(mode);
    }

    /// Moves the frozen clock forward.
    pub fn advance(&self, by: TimeDelta) {
        self.clock.advance(by);
    }

    /// Sets the frozen clock.
    pub fn set_time(&self, at: DateTime<Utc>) {
        self.clock.set(at);
    }

    pub fn now(&self) -> DateTime<Utc> {
        use commands::Clock as _;
        self.clock.now()
    }

    /// One scheduler pass; returns how many due commands appended events.
    pub async fn run_scheduler(&self) -> usize {
        let transitions = self.scheduler.run_due().await.expect("scheduler pass");
        self.settle().await;
        transitions
    }

    /// Waits until the read models have applied everything in the log.
    pub async fn settle(&self) {
        let head = self.head().await;
        assert!(
            self.projector.wait_for(head, Duration::from_secs(30)).await,
            "read models did not reach position {head}"
        );
    }

    /// What an auditor checks after a scenario: the whole log verifies (the
    /// hash chain), and read models rebuilt from it equal the live ones
    /// byte for byte. Answers the rebuild's report.
    pub async fn assert_replays(&self) -> replay::RebuildReport {
        self.settle().await;
        replay::verify(self.store.as_ref(), |_| {})
            .await
            .expect("the log verifies");
        let scratch = tempfile::tempdir().expect("scratch");
        let report = replay::rebuild(
            self.store.clone(),
            self.projector.read_store().clone(),
            self.registry.published(),
            scratch.path(),
            |_, _| {},
        )
        .await
        .expect("rebuild");
        assert!(report.identical(), "{report:?}");
        report
    }

    /// The store's head position: unchanged means nothing was written.
    pub async fn head(&self) -> u64 {
        self.store.head().await.expect("store head")
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Sends a request with a raw body and content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, HeaderMap, Json) {
        let mut request = self.client.request(method.clone(), self.url(path));
        if let Some(key) = key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: reading the body: {e}"));
        let json = if bytes.is_empty() {
            Json::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        assert!(
            !status.is_server_error(),
            "{method} {path} answered {status} (never a server error): {json}"
        );
        (status, headers, json)
    }

    /// Sends `body` as JSON (when given).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Json>,
    ) -> (StatusCode, HeaderMap, Json) {
        match body {
            Some(body) => {
                let bytes = serde_json::to_vec(&body).expect("serialise the body");
                self.send_raw(method, path, key, Some("application/json"), Some(bytes))
                    .await
            }
            None => self.send_raw(method, path, key, None, None).await,
        }
    }

    pub async fn post(
        &self,
        path: &str,
        key: Option<&str>,
        body: Option<Json>,
    ) -> (StatusCode, HeaderMap, Json) {
        self.send(Method::POST, path, key, body).await
    }

    pub async fn patch(
        &self,
        path: &str,
        key: Option<&str>,
        body: Option<Json>,
    ) -> (StatusCode, HeaderMap, Json) {
        self.send(Method::PATCH, path, key, body).await
    }

    pub async fn put(
        &self,
        path: &str,
        key: Option<&str>,
        body: Option<Json>,
    ) -> (StatusCode, HeaderMap, Json) {
        self.send(Method::PUT, path, key, body).await
    }

    pub async fn get(
        &self,
        path: &str,
        key: Option<&str>,
        body: Option<Json>,
    ) -> (StatusCode, HeaderMap, Json) {
        self.send(Method::GET, path, key, body).await
    }

    pub async fn delete(
        &self,
        path: &str,
        key: Option<&str>,
        body: Option<Json>,
    ) -> (StatusCode, HeaderMap, Json) {
        self.send(Method::DELETE, path, key, body).await
    }

    /// GETs `path` and answers the raw body.
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.get_bytes_as(path, None).await
    }

    /// GETs `path` with a broker key (when given) and answers the raw body.
    pub async fn get_bytes_as(
        &self,
        path: &str,
        key: Option<&str>,
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut request = self.client.get(self.url(path));
        if let Some(key) = key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status();
        assert!(!status.is_server_error(), "GET {path} answered {status}");
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: reading the body: {e}"));
        (status, headers, bytes.to_vec())
    }

    /// Uploads a document body (`POST /api/2.5/documents`) as `broker`;
    /// answers the metadata to attach it by.
    pub async fn upload(&self, title: &str, format: &str, body: &[u8]) -> Json {
        self.upload_as(BROKER_KEY, title, format, body).await
    }

    /// [`TestServer::upload`] as the broker of `key` (a bidder's broker
    /// uploads its bid's documents: only it may read them back until bids
    /// open).
    pub async fn upload_as(&self, key: &str, title: &str, format: &str, body: &[u8]) -> Json {
        let (status, _, json) = self
            .send_raw(
                Method::POST,
                &format!("/api/2.5/documents?title={title}"),
                Some(key),
                Some(format),
                Some(body.to_vec()),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "upload: {json}");
        json["data"].clone()
    }
}
