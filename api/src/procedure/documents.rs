//! Documents attached to a procedure and to its bids, awards, contracts and
//! cancellations. Bodies are uploaded to document storage first
//! ([`crate::documents`]), then attached here by their metadata; what is
//! listed is what the holder shows the caller (a sealed bid's documents
//! only to the bid's owner).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procurement::{DocumentInput, Refusal};
use serde_json::{Value as Json, json};

use super::dispatch::{self, load};
use super::lists::documents_of;
use super::{Collection, Resource, Target, Write};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::refused;
use crate::{access, body};

type Of = Extension<&'static Collection>;

/// An object below the procedure that holds documents.
pub trait Holder: Send + Sync + 'static {
    /// Its path segment (`bids`).
    const SEGMENT: &'static str;
    const RESOURCE: Resource;
    fn target(id: String) -> Target;
}

pub struct OfBid;
pub struct OfAward;
pub struct OfContract;
pub struct OfCancellation;

impl Holder for OfBid {
    const SEGMENT: &'static str = "bids";
    const RESOURCE: Resource = Resource::Bids;
    fn target(id: String) -> Target {
        Target::Bid(id)
    }
}

impl Holder for OfAward {
    const SEGMENT: &'static str = "awards";
    const RESOURCE: Resource = Resource::Awards;
    fn target(id: String) -> Target {
        Target::Award(id)
    }
}

impl Holder for OfContract {
    const SEGMENT: &'static str = "contracts";
    const RESOURCE: Resource = Resource::Contracts;
    fn target(id: String) -> Target {
        Target::Contract(id)
    }
}

impl Holder for OfCancellation {
    const SEGMENT: &'static str = "cancellations";
    const RESOURCE: Resource = Resource::Cancellations;
    fn target(id: String) -> Target {
        Target::Cancellation(id)
    }
}

/// The last version of document `document_id` among `documents`.
fn latest(documents: &Json, document_id: &str) -> Result<Json, ApiError> {
    documents
        .as_array()
        .and_then(|docs| docs.iter().rev().find(|d| d["id"] == json!(document_id)))
        .cloned()
        .ok_or_else(|| refused(Refusal::not_found("document_id")))
}

struct Attach<'a> {
    collection: &'static Collection,
    id: &'a str,
    target: Target,
    resource: Option<Resource>,
    holder_path: String,
}

async fn add(
    app: AppState,
    attach: Attach<'_>,
    query: Query,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&app.brokers, &headers)?;
    let document: DocumentInput = body::data(&headers, &bytes)?;
    dispatch::stored(&app, attach.collection, attach.id, attach.resource).await?;
    crate::attachments::check_attached(app.documents.as_ref(), &app.public_url, &document).await?;
    let token = query.acc_token.as_deref();
    let written = dispatch::write(
        &app,
        (attach.collection, attach.id, attach.resource),
        broker,
        token,
        &headers,
        Write::AddDocument {
            target: attach.target.clone(),
            document: Box::new(document),
        },
    )
    .await?;
    let document_id = written
        .made
        .ok_or_else(|| refused(Refusal::not_found("document_id")))?;
    let hash = token.map(access::hash_token);
    let documents = documents_of(written.procedure.as_ref(), &attach.target, hash.as_deref())?;
    let document = latest(&documents, &document_id)?;
    Ok(reply::created(
        &app.public_url,
        &format!("{}/documents/{document_id}", attach.holder_path),
        &json!({ "data": document }),
        query.pretty(),
    ))
}

async fn list(
    app: AppState,
    (collection, id, resource): (&'static Collection, &str, Option<Resource>),
    target: Target,
    query: Query,
) -> Result<Response, ApiError> {
    let procedure = load(&app, collection, id, resource).await?;
    let hash = query.acc_token.as_deref().map(access::hash_token);
    let documents = documents_of(procedure.as_ref(), &target, hash.as_deref())?;
    Ok(reply::data(documents, query.pretty()))
}

pub async fn add_to_procedure(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let attach = Attach {
        collection,
        id: &id,
        target: Target::Procedure,
        resource: None,
        holder_path: format!("{}/{id}", collection.path),
    };
    add(app, attach, query, headers, bytes).await
}

pub async fn list_of_procedure(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    list(app, (collection, &id, None), Target::Procedure, query).await
}

pub async fn read_of_procedure(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, document_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&app, collection, &id, None).await?;
    let documents = documents_of(procedure.as_ref(), &Target::Procedure, None)?;
    Ok(reply::data(
        latest(&documents, &document_id)?,
        query.pretty(),
    ))
}

pub async fn add_to<H: Holder>(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, holder_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let attach = Attach {
        collection,
        id: &id,
        holder_path: format!("{}/{id}/{}/{holder_id}", collection.path, H::SEGMENT),
        target: H::target(holder_id),
        resource: Some(H::RESOURCE),
    };
    add(app, attach, query, headers, bytes).await
}

pub async fn list_of<H: Holder>(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, holder_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let resource = Some(H::RESOURCE);
    list(
        app,
        (collection, &id, resource),
        H::target(holder_id),
        query,
    )
    .await
}
