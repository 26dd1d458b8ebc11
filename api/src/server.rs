//! The HTTP application: routes, shared state, request metrics.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use commands::CommandHandler;
use commands::ports::catalogue::Catalogue;
use commands::ports::documents::DocumentStorage;
use commands::store::EventStore;
use metrics_exporter_prometheus::PrometheusHandle;
use projections::{Projector, ReadStore};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::body::Limited;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auctions::ParticipationKey;
use crate::body::MAX_BODY_BYTES;
use crate::brokers::Brokers;
use crate::error::ApiError;
use crate::registry::Registry;
use crate::reply::PublicUrl;
use crate::routes::{Routes, get};

/// What every request handler shares, behind one `Arc`: a handler, an
/// extractor or a middleware layer takes its own handle on every request,
/// and a handle costs one reference count instead of one per part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl From<Shared> for AppState {
    fn from(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    pub store: Arc<dyn EventStore>,
    pub brokers: Arc<Brokers>,
    pub metrics: PrometheusHandle,
    pub handler: CommandHandler,
    /// The e-catalogue; `None` when none is configured (activation then
    /// answers that the catalogue cannot be reached).
    pub catalogue: Option<Arc<dyn Catalogue>>,
    pub documents: Arc<dyn DocumentStorage>,
    /// Keeps the read models (documents, feed) up to date with the log.
    pub projector: Arc<Projector>,
    /// The procedure types served, with their operator settings.
    pub registry: Arc<Registry>,
    /// The base of every absolute link the server answers with.
    pub public_url: PublicUrl,
    /// How long a request may take once its headers are in (reading the
    /// body and answering) before it is answered 408.
    pub request_timeout: Duration,
    /// The secret participation links are signed with.
    pub participation: ParticipationKey,
    /// Which procedures new commits touch, for the auctions' live channels.
    pub changes: Arc<crate::auctions::changes::ProcedureChanges>,
    /// The OCDS ocid prefix (`ocds-<prefix>-…`).
    pub ocds_prefix: Arc<str>,
}

/// How long a read waits for the read models to include every write
/// acknowledged before it arrived, before answering anyway (a slow
/// projection must not fail reads).
const READ_YOUR_WRITES: Duration = Duration::from_secs(5);

impl Shared {
    /// Waits until the read models include `position`.
    pub async fn readable(&self, position: u64) {
        if !self.projector.wait_for(position, READ_YOUR_WRITES).await {
            tracing::warn!(position, "read models are lagging behind the log");
        }
    }

    pub fn read_store(&self) -> &Arc<dyn ReadStore> {
        self.projector.read_store()
    }

    /// `GET` of procedure `id` from the documents read model: the exact
    /// stored bytes, with the kind it is of. `None` when the read model does
    /// not have it (yet), and the caller folds the procedure from the log
    /// instead.
    pub async fn stored_document(
        &self,
        id: &str,
    ) -> Result<Option<Arc<projections::documents_cache::Document>>, ApiError> {
        self.projector
            .document(id)
            .await
            .map_err(crate::write::store_failed)
    }
}

/// Every route the server answers for the procedure types in `registry`,
/// with the list of what it routes.
pub fn routes(registry: &Registry) -> Routes {
    Routes::new()
        .route("/health", get(health))
        .route("/metrics", get(render_metrics))
        .route("/api/2.5/openapi.json", get(crate::openapi::serve))
        .route("/api/2.5/spore", get(spore))
        .merge(crate::procedure::routes::routes(registry))
        .merge(crate::documents::routes())
        .merge(crate::feed::routes())
        .merge(crate::contracts::routes())
        .merge(crate::auctions::routes())
        .merge(crate::search::routes())
        .merge(crate::ocds::routes())
}

/// The application. Around every route, from the inside out:
/// read-your-writes ([`consistent_reads`]); request metrics (by matched
/// route). Around the whole router, from the inside out: the body limit (a
/// `Content-Length` over it is answered 413 at once, a longer streamed body
/// when it gets there); the request timeout (408); the error envelope for
/// every answer not made by a handler; compression; tracing; request ids.
///
/// The outer layers wrap the router once rather than each route: a layer
/// added with `Router::layer` is boxed into every route and cloned with it
/// on every request, which cost a GET more than its handler.
pub fn router(state: AppState) -> Router {
    let request_timeout = state.request_timeout;
    let routed = routes(&state.registry)
        .into_router()
        .fallback(|| async { ApiError::not_found() })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            consistent_reads,
        ))
        .layer(middleware::from_fn(record_request))
        .with_state(state);
    let around = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .br(true)
                .compress_when(compressible as fn(_, _, &_, &_) -> bool),
        )
        .layer(middleware::from_fn(crate::error::envelope_errors))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        // The timeout answers with an empty body of the inner type, which
        // the body limit's own body type cannot give.
        .map_response(IntoResponse::into_response)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .map_request(|request: axum::http::Request<Limited<Body>>| request.map(Body::new))
        .service(routed);
    Router::new().fallback_service(around)
}

/// Read-your-writes for every reader: a `GET` waits until the read models
/// include every event committed when it arrived, so a client that reads
/// after any acknowledged write (its own or another's) sees it. Writes
/// answer from the state they left and never wait for the projection; a
/// read waits only when the projection is behind, and only for the
/// position it needs. `/health` and `/metrics` never wait: they report
/// the lag.
async fn consistent_reads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let reads = matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let path = request.uri().path();
    if reads && path != "/health" && path != "/metrics" {
        let head = *state.store.subscribe().borrow();
        state.readable(head).await;
    }
    next.run(request).await
}

/// `GET`/`HEAD /api/2.5/spore`: the API's description in the SPORE format,
/// as the reference serves it. The official client and the feed bridge
/// request it when they start, and stop if it is missing.
async fn spore(State(state): State<AppState>) -> Response {
    let methods: serde_json::Map<String, serde_json::Value> = routes(&state.registry)
        .entries()
        .into_iter()
        .map(|route| {
            (
                format!("{} {}", route.method, route.path),
                json!({ "method": route.method.as_str(), "path": route.path }),
            )
        })
        .collect();
    Json(json!({
        "name": "opencdb",
        "version": "2.5",
        "base_url": crate::reply::absolute_url(&state.public_url, "/api/2.5"),
        "formats": ["json"],
        "methods": methods,
    }))
    .into_response()
}

/// Whether an answer is worth compressing for a client that accepts it:
/// JSON answers (documents, feed pages, the event log) of some size. Event
/// streams are left alone, as compression would hold back their events, and
/// so are document bodies, which are mostly compressed formats already.
fn compressible(
    _: StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    let large = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        .is_none_or(|length| length > 256);
    json && large
}

/// 200 when the store answers, 503 otherwise; with each read model's
/// position and lag (events of the log it has not applied yet).
async fn health(State(state): State<AppState>) -> Response {
    let backend = state.store.backend();
    match state.store.head().await {
        Ok(head) => {
            let projections = match state.read_store().positions().await {
                Ok(positions) => positions
                    .into_iter()
                    .map(|(name, position)| {
                        (
                            name.to_owned(),
                            json!({ "position": position, "lag": head.saturating_sub(position) }),
                        )
                    })
                    .collect(),
                Err(error) => {
                    serde_json::Map::from_iter([("error".to_owned(), json!(error.to_string()))])
                }
            };
            let mut body = json!({
                "status": "ok",
                "store": { "backend": backend, "head": head },
                "projections": projections,
            });
            let clock = state.handler.clock();
            if clock.rate() != 1.0 {
                body["clock"] = json!({
                    "rate": clock.rate(),
                    "now": domain::time::format_kyiv(clock.now()),
                    "warning": "the clock runs faster than real time: not for production",
                });
            }
            (StatusCode::OK, Json(body)).into_response()
        }
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "store": { "backend": backend, "error": error.to_string() } })),
        )
            .into_response(),
    }
}

async fn render_metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Counts requests and records their latency by route (the matched route
/// pattern, not the raw path, so ids do not explode the label set).
async fn record_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("cdb_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("cdb_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
