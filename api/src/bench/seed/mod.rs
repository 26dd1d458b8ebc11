//! `cdb bench seed --procedures N`: a deterministic corpus of procedures of
//! every registered type, written through the server's own request
//! handling (the router in process, no sockets: authentication, the
//! adapters, the command pipeline, the scheduler on a clock moved forward),
//! so the log holds exactly the events a server would have written, with
//! their hash chains.
//!
//! Procedures are spread over two years of simulated time. Those that end
//! (complete, unsuccessful, cancelled) come first, in date order; those left
//! open (draft, tendering) come last, with periods ending after the last
//! simulated moment, so no later scheduler pass moves them on.

mod open_tender;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, TimeDelta, Utc};
use commands::ports::catalogue::{Catalogue, FileCatalogue};
use commands::ports::documents::FsDocumentStorage;
use commands::store::{EventStore, StoreLocation};
use commands::{Clock, CommandHandler, FrozenClock, Scheduler, UlidIds};
use domain::procedures::price_quotation::catalogue::{Agreement, Profile};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value as Json, json};
use tower::ServiceExt;

use super::words;
use crate::Failure;
use crate::brokers::Brokers;
use crate::cli::SeedArgs;
use crate::procedure::SchedulerPorts;
use crate::registry::{Builtin, Registry};
use crate::reply::PublicUrl;
use crate::server::{AppState, Shared, router};

/// The seed used without `--seed`.
pub const DEFAULT_SEED: u64 = 20_231_001;

const BROKER_KEY: &str = "seed-broker-key-0123456789";
const OTHER_KEY: &str = "seed-other-key-0123456789";
const CONTRACTING_KEY: &str = "seed-contracting-key-0123456789";
const PROFILE: &str = "655360-30230000-889652-40000777";
const AGREEMENT: &str = "2e14a78a2074952d5a2d256c3c004dda";
/// Links recorded in the events are built on `cdb serve`'s default URL.
const PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub procedures: usize,
    pub seed: u64,
}

/// What was seeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub procedures: usize,
    /// Procedures by stored kind, then by final status.
    pub by_kind: BTreeMap<String, BTreeMap<String, usize>>,
    /// Events appended by this run.
    pub events: u64,
    pub elapsed: Duration,
}

impl SeedReport {
    /// One line: procedures by type and status, events, elapsed, rates.
    pub fn summary(&self) -> String {
        let seconds = self.elapsed.as_secs_f64().max(1e-9);
        let kinds: Vec<String> = self
            .by_kind
            .iter()
            .map(|(kind, statuses)| {
                let statuses: Vec<String> =
                    statuses.iter().map(|(s, n)| format!("{s} {n}")).collect();
                format!("{kind}: {}", statuses.join(", "))
            })
            .collect();
        format!(
            "cdb: seeded {} procedures ({}); {} events in {:.1} s ({:.0} procedures/s, {:.0} events/s)",
            self.procedures,
            kinds.join("; "),
            self.events,
            seconds,
            self.procedures as f64 / seconds,
            self.events as f64 / seconds,
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{0}")]
    Setup(String),
    #[error("store: {0}")]
    Store(String),
    /// A request the seeder made was refused: a bug of the seeder or a
    /// store that failed.
    #[error("{method} {uri} answered {status}: {body}")]
    Refused {
        method: Method,
        uri: String,
        status: StatusCode,
        body: String,
    },
}

/// Seeds `options.procedures` procedures into the store at `location`
/// (document bodies go to `data_dir/documents`, as `cdb serve` keeps them),
/// calling `progress(done, total)` after each procedure.
pub async fn seed(
    location: &StoreLocation,
    store: Arc<dyn EventStore>,
    data_dir: &Path,
    options: &SeedOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<SeedReport, SeedError> {
    let started = Instant::now();
    let head_before = store
        .head()
        .await
        .map_err(|e| SeedError::Store(e.to_string()))?;
    let seeder = Seeder::open(location, store.clone(), data_dir, options.seed).await?;
    let plan = plan(options.procedures, &mut StdRng::seed_from_u64(options.seed));
    let origin = start_of_corpus();
    let span = TimeDelta::days(700);
    let mut report = SeedReport {
        procedures: options.procedures,
        ..SeedReport::default()
    };
    let total = plan.len();
    let mut rng = StdRng::seed_from_u64(options.seed ^ 0x5eed);
    for (n, (kind, outcome)) in plan.into_iter().enumerate() {
        let at = match outcome {
            Outcome::Draft | Outcome::Tendering => origin + span + TimeDelta::days(30),
            _ => origin + span * (n as i32) / (total.max(1) as i32),
        };
        seeder
            .clock
            .set(at + TimeDelta::minutes(rng.random_range(0..600)));
        let status = seeder.run(kind, outcome, &mut rng).await?;
        *report
            .by_kind
            .entry(kind.stored().to_owned())
            .or_default()
            .entry(status)
            .or_default() += 1;
        progress(n + 1, total);
    }
    seeder.stop();
    let head_after = store
        .head()
        .await
        .map_err(|e| SeedError::Store(e.to_string()))?;
    report.events = head_after.saturating_sub(head_before);
    report.elapsed = started.elapsed();
    Ok(report)
}

fn start_of_corpus() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-01-09T09:00:00+02:00")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    PriceQuotation,
    Sale,
    Dutch,
    OpenTender,
}

impl Type {
    fn stored(self) -> &'static str {
        match self {
            Type::PriceQuotation => domain::procedures::price_quotation::KIND,
            Type::Sale => domain::procedures::multi_award_sale::KIND,
            Type::Dutch => domain::procedures::dutch_sale::KIND,
            Type::OpenTender => domain::procedures::open_tender::KIND,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Draft,
    Tendering,
    Complete,
    Unsuccessful,
    Cancelled,
}

/// Which procedure ends how: every type in turn; ending outcomes first,
/// open ones last (see the module documentation).
fn plan(n: usize, rng: &mut StdRng) -> Vec<(Type, Outcome)> {
    let types = [
        Type::PriceQuotation,
        Type::Sale,
        Type::Dutch,
        Type::OpenTender,
    ];
    let mut ending = Vec::new();
    let mut open = Vec::new();
    for i in 0..n {
        let kind = types[i % types.len()];
        let outcome = match (kind, i / types.len() % 5, rng.random_range(0..10)) {
            (_, 0 | 1, _) | (_, _, 0..=2) => Outcome::Complete,
            (_, 2, _) => Outcome::Unsuccessful,
            (Type::PriceQuotation, 3, _) => Outcome::Draft,
            // Half the open tenders here are drafts, half cancelled.
            (Type::OpenTender, 3, _) if (i / types.len()).is_multiple_of(2) => Outcome::Draft,
            (_, 3, _) => Outcome::Cancelled,
            _ => Outcome::Tendering,
        };
        let outcome = match (kind, outcome) {
            // Not driven yet: a Dutch sale's auction with bidders acting,
            // a priceQuotation cancellation's life cycle.
            (Type::Dutch, Outcome::Complete) => Outcome::Unsuccessful,
            (Type::PriceQuotation, Outcome::Cancelled) => Outcome::Unsuccessful,
            (Type::Sale | Type::Dutch, Outcome::Draft) => Outcome::Tendering,
            (kind, outcome) => {
                let _ = kind;
                outcome
            }
        };
        match outcome {
            Outcome::Draft | Outcome::Tendering => open.push((kind, outcome)),
            _ => ending.push((kind, outcome)),
        }
    }
    ending.extend(open);
    ending
}

struct Seeder {
    app: Router,
    clock: Arc<FrozenClock>,
    scheduler: Scheduler,
    projector: Arc<projections::Projector>,
    store: Arc<dyn EventStore>,
    projecting: tokio::task::JoinHandle<()>,
    /// Organisations: (name, EDR code).
    organisations: Vec<(&'static str, String)>,
}

fn edr(seed: u64, i: usize) -> String {
    let mixed = (seed.wrapping_mul(6_364_136_223_846_793_005) ^ (i as u64 * 7_919)) % 90_000_000;
    format!("{:08}", 10_000_000 + mixed)
}

fn setup(error: impl std::fmt::Display) -> SeedError {
    SeedError::Setup(error.to_string())
}

impl Seeder {
    async fn open(
        location: &StoreLocation,
        store: Arc<dyn EventStore>,
        data_dir: &Path,
        seed: u64,
    ) -> Result<Seeder, SeedError> {
        let organisations = organisations(seed);
        let registry = Arc::new(Registry::builtin(Builtin::default()));
        let clock = Arc::new(FrozenClock::new(start_of_corpus()));
        let public_url = PublicUrl::parse(PUBLIC_URL).map_err(setup)?;
        let handler = CommandHandler::new(
            store.clone(),
            clock.clone() as Arc<dyn Clock>,
            Arc::new(UlidIds::default()),
        )
        .with_public_url(public_url.as_str());
        let catalogue: Arc<dyn Catalogue> = Arc::new(catalogue(&organisations)?);
        let ports = SchedulerPorts {
            catalogue: Some(catalogue.clone()),
        };
        let mut scheduler = Scheduler::new(handler.clone());
        registry.schedule(&mut scheduler, &ports);
        let documents = FsDocumentStorage::open(&data_dir.join("documents")).map_err(setup)?;
        let brokers = Brokers::parse(
            &format!(
                "[[broker]]\nname = \"seed\"\nkey = \"{BROKER_KEY}\"\nroles = [\"broker\"]\n\n\
                 [[broker]]\nname = \"seed-other\"\nkey = \"{OTHER_KEY}\"\nroles = [\"broker\"]\n\n\
                 [[broker]]\nname = \"seed-contracting\"\nkey = \"{CONTRACTING_KEY}\"\nroles = [\"contracting\"]\n"
            ),
            Path::new("seed-brokers.toml"),
        )
        .map_err(setup)?;
        let projector = crate::serve::start_projector(location, store.clone(), &registry)
            .await
            .map_err(setup)?;
        let projecting = tokio::spawn(Arc::clone(&projector).run(std::future::pending()));
        let state = AppState::from(Shared {
            projector: Arc::clone(&projector),
            store: store.clone(),
            brokers: Arc::new(brokers),
            metrics: crate::telemetry::metrics_handle(),
            handler,
            catalogue: Some(catalogue),
            documents: Arc::new(documents),
            registry,
            public_url,
            request_timeout: Duration::from_secs(60),
            participation: crate::auctions::ParticipationKey::new(
                b"cdb-bench-seed-participation-secret",
            ),
            changes: Arc::default(),
            ocds_prefix: Arc::from(ocds::release::DEFAULT_PREFIX),
        });
        Ok(Seeder {
            app: router(state),
            clock,
            scheduler,
            projector,
            store,
            projecting,
            organisations,
        })
    }

    fn stop(&self) {
        self.projecting.abort();
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        key: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Json, SeedError> {
        let request = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .map_err(setup)?;
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| setup(format!("{e:?}")))?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(setup)?;
        if !status.is_success() {
            return Err(SeedError::Refused {
                method,
                uri: uri.to_owned(),
                status,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        if bytes.is_empty() {
            return Ok(Json::Null);
        }
        serde_json::from_slice(&bytes).map_err(setup)
    }

    async fn json(
        &self,
        method: Method,
        uri: &str,
        key: &str,
        body: Json,
    ) -> Result<Json, SeedError> {
        let bytes = serde_json::to_vec(&body).map_err(setup)?;
        self.send(method, uri, key, "application/json", bytes).await
    }

    async fn get(&self, uri: &str) -> Result<Json, SeedError> {
        self.send(Method::GET, uri, BROKER_KEY, "application/json", Vec::new())
            .await
    }

    /// Uploads a document body and answers its metadata, typed.
    async fn upload(
        &self,
        title: &str,
        format: &str,
        body: String,
        kind: &str,
    ) -> Result<Json, SeedError> {
        let mut document = self
            .send(
                Method::POST,
                &format!("/api/2.5/documents?title={title}"),
                BROKER_KEY,
                format,
                body.into_bytes(),
            )
            .await?["data"]
            .clone();
        document["documentType"] = json!(kind);
        Ok(document)
    }

    async fn scheduler(&self) -> Result<usize, SeedError> {
        let mut total = 0;
        for _ in 0..10 {
            let fired = self
                .scheduler
                .run_due()
                .await
                .map_err(|e| SeedError::Store(e.to_string()))?;
            if fired == 0 {
                break;
            }
            total += fired;
        }
        // The scheduler's writes do not wait for the read models; the
        // seeder's next reads do.
        let head = self
            .store
            .head()
            .await
            .map_err(|e| SeedError::Store(e.to_string()))?;
        if !self.projector.wait_for(head, Duration::from_secs(60)).await {
            return Err(SeedError::Store(format!(
                "the read models did not reach position {head}"
            )));
        }
        Ok(total)
    }

    /// Moves the clock just past the end of the procedure's `period` (as
    /// the server set it) and runs the scheduler.
    async fn until_past(&self, path: &str, period: &str) -> Result<(), SeedError> {
        let document = self.get(path).await?;
        if let Some(end) = document["data"][period]["endDate"]
            .as_str()
            .and_then(|s| domain::time::parse_timestamp(s).ok())
        {
            self.clock.set(end.max(self.now()) + TimeDelta::minutes(1));
        }
        self.scheduler().await?;
        Ok(())
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn kyiv(&self, offset: TimeDelta) -> String {
        domain::time::format_kyiv(self.now() + offset)
    }

    async fn run(
        &self,
        kind: Type,
        outcome: Outcome,
        rng: &mut StdRng,
    ) -> Result<String, SeedError> {
        let path = match kind {
            Type::PriceQuotation => self.price_quotation(outcome, rng).await?,
            Type::Sale => self.sale(outcome, rng).await?,
            Type::Dutch => self.dutch(outcome, rng).await?,
            Type::OpenTender => self.open_tender(outcome, rng).await?,
        };
        let document = self.get(&path).await?;
        Ok(document["data"]["status"]
            .as_str()
            .unwrap_or("unknown")
            .to_owned())
    }

    fn organisation(&self, rng: &mut StdRng) -> (&'static str, String, &'static str) {
        let (name, code) = &self.organisations[rng.random_range(0..self.organisations.len())];
        let region = words::REGIONS[rng.random_range(0..words::REGIONS.len())];
        (name, code.clone(), region)
    }

    // ---------------------------------------------------------------- PQ

    async fn price_quotation(
        &self,
        outcome: Outcome,
        rng: &mut StdRng,
    ) -> Result<String, SeedError> {
        let (buyer, code, region) = self.organisation(rng);
        let (cpv, cpv_name) = words::CPV[rng.random_range(0..words::CPV.len())];
        let item_region = words::REGIONS[rng.random_range(0..words::REGIONS.len())];
        let kopecks = money(rng);
        let title = title(rng, cpv_name);
        let mut request: Json = serde_json::from_str(PQ_CREATE).map_err(setup)?;
        let data = &mut request["data"];
        data["title"] = json!(title);
        data["description"] = json!(format!("{title} {}", pick(rng, words::PURPOSES)));
        data["procuringEntity"]["name"] = json!(buyer);
        data["procuringEntity"]["identifier"]["id"] = json!(code);
        data["procuringEntity"]["address"]["region"] = json!(region);
        data["value"]["amount"] = amount(kopecks);
        data["tenderPeriod"]["endDate"] = json!(self.kyiv(TimeDelta::days(14)));
        let item = &mut data["items"][0];
        item["description"] = json!(cpv_name);
        item["quantity"] = json!(rng.random_range(1..500));
        item["deliveryDate"]["startDate"] = json!(self.kyiv(TimeDelta::days(20)));
        item["deliveryDate"]["endDate"] = json!(self.kyiv(TimeDelta::days(40)));
        item["deliveryAddress"]["region"] = json!(item_region);
        item["classification"]["id"] = json!(cpv);
        item["classification"]["description"] = json!(cpv_name);
        let created = self
            .json(Method::POST, "/api/2.5/tenders", BROKER_KEY, request)
            .await?;
        let id = text(&created["data"]["id"])?;
        let token = text(&created["access"]["token"])?;
        let path = format!("/api/2.5/tenders/{id}");
        let owned = |suffix: &str| format!("{path}{suffix}?acc_token={token}");
        if outcome == Outcome::Draft {
            return Ok(path);
        }
        self.sign_tender(&owned("/documents"), &id).await?;
        self.json(
            Method::PATCH,
            &owned(""),
            BROKER_KEY,
            json!({"data": {"status": "active.tendering"}}),
        )
        .await?;
        if outcome == Outcome::Tendering {
            return Ok(path);
        }
        if outcome == Outcome::Complete {
            let bids = rng.random_range(1..=3usize);
            let first = rng.random_range(0..SUPPLIERS);
            for b in 0..bids {
                self.clock
                    .advance(TimeDelta::minutes(rng.random_range(5..600)));
                let supplier = &self.organisations[(first + b) % SUPPLIERS];
                let share = rng.random_range(60..100u64);
                let value = kopecks / 100 * share;
                self.json(
                    Method::POST,
                    &format!("{path}/bids"),
                    OTHER_KEY,
                    json!({"data": {
                        "tenderers": [firm(supplier.0, &supplier.1, region, false)],
                        "value": {"amount": amount(value), "currency": "UAH", "valueAddedTaxIncluded": false},
                        "requirementResponses": answers(&created),
                    }}),
                )
                .await?;
            }
        }
        self.clock
            .advance(TimeDelta::days(14) + TimeDelta::minutes(1));
        self.scheduler().await?;
        if outcome != Outcome::Complete {
            return Ok(path);
        }
        let Some(contract) = self.qualify_first(&path, &token, rng).await? else {
            return Ok(path);
        };
        self.clock.advance(TimeDelta::days(rng.random_range(1..5)));
        self.json(
            Method::PATCH,
            &owned(&format!("/contracts/{contract}")),
            BROKER_KEY,
            json!({"data": {"status": "active"}}),
        )
        .await?;
        Ok(path)
    }

    /// The owner of tender `path` signs and accepts its pending award, if
    /// any; answers the pending contract that made.
    async fn qualify_first(
        &self,
        path: &str,
        token: &str,
        rng: &mut StdRng,
    ) -> Result<Option<String>, SeedError> {
        let owned = |suffix: &str| format!("{path}{suffix}?acc_token={token}");
        let tender = self.get(path).await?;
        let Some(award) = first_with(&tender["data"]["awards"], "pending") else {
            return Ok(None);
        };
        self.clock
            .advance(TimeDelta::hours(rng.random_range(1..48)));
        self.sign_tender(&owned(&format!("/awards/{award}/documents")), &award)
            .await?;
        self.json(
            Method::PATCH,
            &owned(&format!("/awards/{award}")),
            BROKER_KEY,
            json!({"data": {"status": "active", "qualified": true}}),
        )
        .await?;
        let tender = self.get(path).await?;
        Ok(first_with(&tender["data"]["contracts"], "pending"))
    }

    async fn sign_tender(&self, uri: &str, what: &str) -> Result<(), SeedError> {
        let document = self
            .upload(
                "sign.p7s",
                "application/pkcs7-signature",
                format!("signature of {what}"),
                "notice",
            )
            .await?;
        self.json(Method::POST, uri, BROKER_KEY, json!({ "data": document }))
            .await?;
        Ok(())
    }

    // -------------------------------------------------------------- sales

    fn sale_request(&self, rng: &mut StdRng, method: &str) -> (Json, u64) {
        let (seller, code, region) = self.organisation(rng);
        let (cav, cav_name) = words::CAV[rng.random_range(0..words::CAV.len())];
        let title = title(rng, cav_name);
        let kopecks = money(rng);
        let data = json!({
            "sellingMethod": method,
            "sellingEntity": sale_organisation(seller, &code, region),
            "lotId": format!("LOT-{}", rng.random_range(1000..99999)),
            "title": {"uk_UA": title},
            "description": {"uk_UA": format!("{title} {}", pick(rng, words::PURPOSES))},
            "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
            "value": {"amount": amount(kopecks), "currency": "UAH"},
            "items": [{
                "description": {"uk_UA": cav_name},
                "classification": {"scheme": "CAV", "id": cav},
                "quantity": 100,
                "unit": {"code": "TNE", "name": {"uk_UA": "тонна", "en_US": "tonne"}}
            }]
        });
        (data, kopecks)
    }

    async fn publish(&self, data: Json) -> Result<(String, String), SeedError> {
        let created = self
            .json(
                Method::POST,
                "/api/procedures",
                BROKER_KEY,
                json!({ "data": data }),
            )
            .await?;
        let id = text(&created["data"]["id"])?;
        let token = text(&created["access"]["token"])?;
        Ok((format!("/api/procedures/{id}"), token))
    }

    async fn cancel(&self, path: &str, token: &str) -> Result<(), SeedError> {
        let document = self
            .upload(
                "cancellationDetails.pdf",
                "application/pdf",
                format!("%PDF-1.4 cancellation of {path}"),
                "cancellationDetails",
            )
            .await?;
        self.json(
            Method::POST,
            &format!("{path}/cancellations?acc_token={token}"),
            BROKER_KEY,
            json!({"data": {"reason": {"uk_UA": "Рішення організатора"}, "documents": [document]}}),
        )
        .await?;
        Ok(())
    }

    async fn attach(
        &self,
        path: &str,
        token: &str,
        target: &str,
        kind: &str,
    ) -> Result<(), SeedError> {
        let document = self
            .upload(
                &format!("{kind}.pdf"),
                "application/pdf",
                format!("%PDF-1.4 {kind} {path}{target}"),
                kind,
            )
            .await?;
        self.json(
            Method::POST,
            &format!("{path}{target}/documents?acc_token={token}"),
            BROKER_KEY,
            json!({ "data": document }),
        )
        .await?;
        Ok(())
    }

    async fn sale(&self, outcome: Outcome, rng: &mut StdRng) -> Result<String, SeedError> {
        let (mut data, kopecks) = self.sale_request(rng, "basicSell-multiAwards");
        data["minimalPart"] = json!(rng.random_range(10..=50));
        let tender_end = self.now() + TimeDelta::days(2);
        data["tenderPeriod"] = json!({"endDate": domain::time::format_kyiv(tender_end)});
        let (path, token) = self.publish(data).await?;
        match outcome {
            Outcome::Tendering | Outcome::Draft => return Ok(path),
            Outcome::Cancelled => {
                self.clock
                    .advance(TimeDelta::hours(rng.random_range(1..24)));
                self.cancel(&path, &token).await?;
                return Ok(path);
            }
            _ => {}
        }
        if outcome == Outcome::Complete {
            // One bid: no auction, straight to qualification.
            let (name, code) = &self.organisations[rng.random_range(0..self.organisations.len())];
            let region = pick(rng, words::REGIONS);
            self.clock
                .advance(TimeDelta::hours(rng.random_range(1..24)));
            self.json(
                Method::POST,
                &format!("{path}/bids"),
                OTHER_KEY,
                json!({"data": {
                    "bidders": [sale_organisation(name, code, region)],
                    "value": {"amount": amount(kopecks + kopecks / 100 * rng.random_range(0..30u64)), "currency": "UAH"},
                    "quantity": 100
                }}),
            )
            .await?;
        }
        let _ = tender_end;
        self.until_past(&path, "tenderPeriod").await?;
        if outcome != Outcome::Complete {
            return Ok(path);
        }
        let sale = self.get(&path).await?;
        let Some(award) = first_with(&sale["data"]["awards"], "pending") else {
            return Ok(path);
        };
        self.clock
            .advance(TimeDelta::hours(rng.random_range(1..72)));
        self.attach(
            &path,
            &token,
            &format!("/awards/{award}"),
            "auctionProtocol",
        )
        .await?;
        self.json(
            Method::PATCH,
            &format!("{path}/awards/{award}?acc_token={token}"),
            BROKER_KEY,
            json!({"data": {"status": "active"}}),
        )
        .await?;
        let sale = self.get(&path).await?;
        if let Some(contract) = first_with(&sale["data"]["contracts"], "pending") {
            self.clock.advance(TimeDelta::days(rng.random_range(1..5)));
            self.attach(
                &path,
                &token,
                &format!("/contracts/{contract}"),
                "contractSigned",
            )
            .await?;
            self.json(
                Method::PATCH,
                &format!("{path}/contracts/{contract}?acc_token={token}"),
                BROKER_KEY,
                json!({"data": {"status": "active"}}),
            )
            .await?;
        }
        let sale = self.get(&path).await?;
        if sale["data"]["status"] != "complete" {
            self.json(
                Method::PATCH,
                &format!("{path}?acc_token={token}"),
                BROKER_KEY,
                json!({"data": {"status": "complete"}}),
            )
            .await?;
        }
        Ok(path)
    }

    async fn dutch(&self, outcome: Outcome, rng: &mut StdRng) -> Result<String, SeedError> {
        let (mut data, kopecks) = self.sale_request(rng, "basicSell-dutch");
        data["minimalStep"] =
            json!({"amount": amount((kopecks / 2000).max(100)), "currency": "UAH"});
        data["auctionParameters"] =
            json!({"type": "dutch", "dutchStepQuantity": rng.random_range(10..=99)});
        let (path, token) = self.publish(data).await?;
        match outcome {
            Outcome::Tendering | Outcome::Draft => Ok(path),
            Outcome::Cancelled => {
                self.clock
                    .advance(TimeDelta::hours(rng.random_range(1..24)));
                self.cancel(&path, &token).await?;
                Ok(path)
            }
            _ => {
                // Nobody applies: the sale fails once its auction is over.
                for _ in 0..20 {
                    let sale = self.get(&path).await?;
                    if matches!(
                        sale["data"]["status"].as_str(),
                        Some("unsuccessful" | "complete" | "cancelled")
                    ) {
                        break;
                    }
                    self.clock.advance(TimeDelta::hours(12));
                    self.scheduler().await?;
                }
                Ok(path)
            }
        }
    }
}

/// The first suppliers of the pool are the e-catalogue agreement's
/// (priceQuotation bidders must be).
pub(crate) const SUPPLIERS: usize = 12;

fn catalogue(organisations: &[(&'static str, String)]) -> Result<FileCatalogue, SeedError> {
    let file = catalogue_json(&organisations[..SUPPLIERS.min(organisations.len())]);
    let profiles: Vec<Profile> = serde_json::from_value(file["profiles"].clone()).map_err(setup)?;
    let agreements: Vec<Agreement> =
        serde_json::from_value(file["agreements"].clone()).map_err(setup)?;
    Ok(FileCatalogue::from_parts(profiles, agreements))
}

/// The e-catalogue's profile and agreement, with `organisations` as the
/// agreement's suppliers, in the `--catalogue-file`
/// format.
pub(crate) fn catalogue_json<S: AsRef<str>>(organisations: &[(S, String)]) -> Json {
    let contracts: Vec<Json> = organisations
        .iter()
        .map(|(name, code)| (name.as_ref(), code))
        .map(|(name, code)| json!({"status": "active", "suppliers": [firm(name, code, "м. Київ", true)]}))
        .collect();
    json!({
        "profiles": [{"id": PROFILE, "agreementID": AGREEMENT, "status": "active"}],
        "agreements": [{"id": AGREEMENT, "status": "active", "contracts": contracts}],
    })
}

/// The seed's organisations: (name, EDR code).
pub(crate) fn organisations(seed: u64) -> Vec<(&'static str, String)> {
    words::ORGANISATIONS
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, edr(seed, i)))
        .collect()
}

/// A tenderer as the e-catalogue lists it (`catalogue`: with its `id` and
/// `status`), or as a bid names it.
pub(crate) fn firm(name: &str, code: &str, region: &str, catalogue: bool) -> Json {
    let mut firm = json!({
        "name": name,
        "identifier": {"scheme": "UA-EDR", "id": code, "legalName": name},
        "address": {
            "streetAddress": "вул. Центральна, 1",
            "locality": region,
            "region": region,
            "postalCode": "01001",
            "countryName": "Україна"
        },
        "contactPoint": {"email": format!("office{code}@example.ua"), "telephone": "+380440000000", "name": name},
        "scale": "mid"
    });
    if catalogue {
        firm["id"] = json!(format!("UA-EDR-{code}"));
        firm["status"] = json!("active");
    }
    firm
}

fn sale_organisation(name: &str, code: &str, region: &str) -> Json {
    json!({
        "name": {"uk_UA": name},
        "identifier": {"scheme": "UA-EDR", "id": code, "legalName": {"uk_UA": name}},
        "address": {
            "countryName": {"uk_UA": "Україна", "en_US": "Ukraine"},
            "region": {"uk_UA": region},
            "locality": {"uk_UA": region},
            "streetAddress": {"uk_UA": "вул. Центральна, 1"},
            "postalCode": "01001"
        },
        "contactPoint": {
            "name": {"uk_UA": name},
            "email": format!("office{code}@example.ua"),
            "telephone": "+380440000000"
        }
    })
}

pub(crate) fn answers(tender: &Json) -> Json {
    let requirement = |i: usize| {
        tender["data"]["criteria"][i]["requirementGroups"][0]["requirements"][0]["id"].clone()
    };
    json!([
        {"requirement": {"id": requirement(0)}, "value": "Розчин для інфузій"},
        {"requirement": {"id": requirement(1)}, "value": 7},
        {"requirement": {"id": requirement(2)}, "values": ["Відповідь1", "Відповідь3"]}
    ])
}

fn first_with(list: &Json, status: &str) -> Option<String> {
    list.as_array()?
        .iter()
        .find(|object| object["status"] == status)
        .and_then(|object| object["id"].as_str())
        .map(str::to_owned)
}

fn text(value: &Json) -> Result<String, SeedError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| setup(format!("expected a string in the answer, found {value}")))
}

fn pick<'a>(rng: &mut StdRng, pool: &[&'a str]) -> &'a str {
    pool[rng.random_range(0..pool.len())]
}

fn title(rng: &mut StdRng, subject: &str) -> String {
    format!(
        "{subject}: {} {} {}",
        pick(rng, words::ADJECTIVES),
        pick(rng, words::NOUNS),
        pick(rng, words::PURPOSES)
    )
}

/// An amount in kopecks, spread over orders of magnitude (1,000 to
/// 100,000,000 UAH).
fn money(rng: &mut StdRng) -> u64 {
    let magnitude = 10u64.pow(rng.random_range(3..8));
    magnitude * rng.random_range(100..1000) + rng.random_range(0..100)
}

/// Kopecks as a JSON number with two decimals (no floating point on the way).
pub(crate) fn amount(kopecks: u64) -> Json {
    let text = format!("{}.{:02}", kopecks / 100, kopecks % 100);
    serde_json::from_str(&text).unwrap_or(Json::Null)
}

/// `cdb bench seed`.
pub async fn run(args: SeedArgs) -> Result<(), Failure> {
    let (location, store) = crate::serve::open(&args.store, true).await?;
    eprintln!(
        "cdb: seeding {} procedures (seed {}) into {}",
        args.procedures,
        args.seed,
        location.describe()
    );
    let started = Instant::now();
    let mut last = Instant::now();
    let report = seed(
        &location,
        store,
        &args.store.data_dir,
        &SeedOptions {
            procedures: args.procedures,
            seed: args.seed,
        },
        |done, total| {
            if last.elapsed() >= Duration::from_secs(1) || done == total {
                last = Instant::now();
                let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                eprintln!("cdb: seeded {done}/{total} procedures ({rate:.0}/s)");
            }
        },
    )
    .await
    .map_err(|e| Failure::Runtime(format!("seeding failed: {e}")))?;
    eprintln!("{}", report.summary());
    Ok(())
}

/// The create request of the spec's fixture tender (§9.1), whose fields the
/// seeder varies.
pub(crate) const PQ_CREATE: &str = r##"{"data": {
  "title": "", "mainProcurementCategory": "goods",
  "procuringEntity": {"name": "", "identifier": {"scheme": "UA-EDR", "id": ""},
    "address": {"countryName": "Україна", "postalCode": "01220", "region": "м. Київ", "locality": "м. Київ", "streetAddress": "вул. Банкова, 11"},
    "contactPoint": {"name": "Відділ закупівель", "telephone": "+0440000000"}, "kind": "general"},
  "value": {"amount": 0, "currency": "UAH"},
  "tenderPeriod": {"endDate": ""},
  "procurementMethodType": "priceQuotation", "procurementMethod": "selective",
  "items": [{"description": "", "quantity": 5,
    "deliveryDate": {"startDate": "", "endDate": ""},
    "unit": {"name": "кг", "code": "KGM", "value": {"amount": 6}},
    "deliveryAddress": {"countryName": "Україна", "postalCode": "79000", "region": "м. Київ", "locality": "м. Київ", "streetAddress": "вул. Банкова 1"},
    "classification": {"scheme": "ДК021", "id": "44617100-9", "description": "Cartons"},
    "profile": "655360-30230000-889652-40000777",
    "additionalClassifications": [{"scheme": "INN", "id": "17.21.1", "description": "папір і картон гофровані"}]}],
  "agreement": {"id": "2e14a78a2074952d5a2d256c3c004dda"},
  "criteria": [
    {"description": "Форма випуску", "title": "Форма випуску", "requirementGroups": [{"description": "Форма випуску",
      "requirements": [{"dataType": "string", "expectedValue": "Розчин для інфузій", "title": "Форма випуску"}]}]},
    {"description": "Доза діючої речовини", "title": "Доза діючої речовини", "requirementGroups": [{"description": "Доза діючої речовини",
      "requirements": [{"dataType": "integer", "minValue": 5, "title": "Доза діючої речовини", "unit": {"code": "KGM", "name": "кілограми"}}]}]},
    {"description": "Форма випуску", "title": "Форма випуску", "requirementGroups": [{"description": "Форма випуску",
      "requirements": [{"dataType": "string", "expectedValues": ["Відповідь1", "Відповідь2", "Відповідь3", "Відповідь4"],
        "expectedMinItems": 2, "expectedMaxItems": 3, "title": "Форма випуску"}]}]}
  ]},
 "config": {"hasAuction": false, "hasAwardingOrder": true, "hasValueRestriction": true, "valueCurrencyEquality": true,
   "hasPrequalification": false, "minBidsNumber": 1, "hasPreSelectionAgreement": true}}"##;
