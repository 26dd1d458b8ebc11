//! Documents attached to a procedure and to its bids, awards, contracts and
//! cancellations. Bodies are uploaded to document storage first
//! ([`crate::documents`]), then attached here by their metadata; what is
//! listed is what the holder shows the caller (a sealed bid's documents
//! only to the bid's owner).

use axum::extract::Path;
use axum::response::Response;
use domain::procurement::{DocumentInput, Refusal};
use serde_json::{Value as Json, json};

use super::call::Call;
use super::dispatch;
use super::lists::documents_of;
use super::{Caller, Resource, Target, Write};
use crate::body;
use crate::error::ApiError;
use crate::reply;
use crate::write::refused;

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

/// Attaches the request's document to `target`, whose path is `holder`.
async fn add(
    call: Call,
    (id, resource): (&str, Option<Resource>),
    target: Target,
    holder: String,
) -> Result<Response, ApiError> {
    let broker = call.broker()?;
    let document: DocumentInput = body::data(&call.headers, &call.body)?;
    // Looked up before the body is checked, so an unknown procedure is 404
    // whatever the document; the write then goes to that type directly.
    let kind = dispatch::stored(&call.app, call.collection, id, resource).await?;
    let app = &call.app;
    crate::attachments::check_attached(app.documents.as_ref(), &app.public_url, &document).await?;
    let write = Write::AddDocument {
        target: target.clone(),
        document: Box::new(document),
    };
    let caller = Caller {
        broker,
        token_hash: call.token_hash(),
    };
    let written = kind.write(app, id, &caller, &call.headers, write).await?;
    let document_id = written
        .made
        .ok_or_else(|| refused(Refusal::not_found("document_id")))?;
    let hash = call.token_hash();
    let documents = documents_of(written.procedure.as_ref(), &target, hash.as_deref())?;
    let document = latest(&documents, &document_id)?;
    Ok(reply::created(
        &app.public_url,
        &format!("{holder}/documents/{document_id}"),
        &json!({ "data": document }),
        call.pretty(),
    ))
}

async fn list(
    call: Call,
    (id, resource): (&str, Option<Resource>),
    target: Target,
) -> Result<Response, ApiError> {
    let procedure = call.load(id, resource).await?;
    let hash = call.token_hash();
    let documents = documents_of(procedure.as_ref(), &target, hash.as_deref())?;
    Ok(reply::data(documents, call.pretty()))
}

pub async fn add_to_procedure(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let holder = call.path(&format!("/{id}"));
    add(call, (&id, None), Target::Procedure, holder).await
}

pub async fn list_of_procedure(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    list(call, (&id, None), Target::Procedure).await
}

pub async fn read_of_procedure(
    Path((id, document_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let procedure = call.load(&id, None).await?;
    let documents = documents_of(procedure.as_ref(), &Target::Procedure, None)?;
    Ok(reply::data(
        latest(&documents, &document_id)?,
        call.pretty(),
    ))
}

pub async fn add_to<H: Holder>(
    Path((id, holder_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let holder = call.path(&format!("/{id}/{}/{holder_id}", H::SEGMENT));
    add(call, (&id, Some(H::RESOURCE)), H::target(holder_id), holder).await
}

pub async fn list_of<H: Holder>(
    Path((id, holder_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    list(call, (&id, Some(H::RESOURCE)), H::target(holder_id)).await
}
