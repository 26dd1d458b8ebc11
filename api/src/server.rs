//! The HTTP application: routes, shared state, request metrics.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use commands::CommandHandler;
use commands::ports::catalogue::Catalogue;
use commands::ports::documents::DocumentStorage;
use commands::store::EventStore;
use metrics_exporter_prometheus::PrometheusHandle;
use serde_json::json;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::brokers::Brokers;
use crate::error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    pub brokers: Arc<Brokers>,
    pub metrics: PrometheusHandle,
    pub handler: CommandHandler,
    /// The e-catalogue; `None` when none is configured (activation then
    /// answers that the catalogue cannot be reached).
    pub catalogue: Option<Arc<dyn Catalogue>>,
    pub documents: Arc<dyn DocumentStorage>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(render_metrics))
        .route("/api/2.5/openapi.json", get(crate::openapi::serve))
        .merge(crate::tenders::routes())
        .fallback(|| async { ApiError::not_found() })
        .layer(middleware::from_fn(record_request))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// 200 when the store answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> Response {
    let backend = state.store.backend();
    match state.store.head().await {
        Ok(head) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "store": { "backend": backend, "head": head } })),
        )
            .into_response(),
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
