//! Documents attached to a procedure and to its bids, awards, contracts and
//! cancellations. Bodies are uploaded to document storage first
//! ([`crate::documents`]), then attached here by their metadata; what is
//! listed is what the holder shows the caller (a sealed bid's documents
//! only to the bid's owner).
//!
//! A document is changed in two ways, as in the reference API: `PATCH`
//! describes its current version anew, `PUT` uploads a new version under
//! the same id. A holder keeps every version; its list shows the current
//! ones (by `dateModified`), or all of them with `?all=1`, and reading one
//! document gives its current version with the earlier ones in
//! `previousVersions`.

use std::sync::Arc;

use axum::extract::Path;
use axum::response::Response;
use chrono::{DateTime, FixedOffset};
use domain::procurement::{DocumentEdit, DocumentInput, Refusal};
use serde_json::{Value as Json, json};

use super::call::Call;
use super::dispatch;
use super::lists::documents_of;
use super::{Caller, Kind, Resource, Target, Write};
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

/// The last version of document `document_id`, with the versions before it
/// in `previousVersions` when it has any.
fn with_previous_versions(documents: &Json, document_id: &str) -> Result<Json, ApiError> {
    let mut current = latest(documents, document_id)?;
    let versions: Vec<&Json> = documents
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["id"] == json!(document_id))
        .collect();
    if let (Some((_, earlier)), Some(object)) = (versions.split_last(), current.as_object_mut())
        && !earlier.is_empty()
    {
        object.insert("previousVersions".into(), json!(earlier));
    }
    Ok(current)
}

fn date_modified(document: &Json) -> Option<DateTime<FixedOffset>> {
    document["dateModified"]
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
}

/// The current version of each document, the least recently changed
/// first, as the reference lists them.
fn current_versions(documents: &Json) -> Json {
    let all = documents.as_array().cloned().unwrap_or_default();
    let mut current: Vec<Json> = all
        .iter()
        .enumerate()
        .filter(|(at, document)| {
            !all[at + 1..]
                .iter()
                .any(|later| later["id"] == document["id"])
        })
        .map(|(_, document)| document.clone())
        .collect();
    current.sort_by_key(date_modified);
    Json::Array(current)
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

/// Runs `write`, which changes document `document_id` of `target`, on the
/// procedure `id` of type `kind`, and answers the document's current
/// version.
async fn change(
    call: Call,
    (kind, id): (Arc<dyn Kind>, &str),
    (target, document_id): (Target, &str),
    write: Write,
) -> Result<Response, ApiError> {
    let caller = Caller {
        broker: call.broker()?,
        token_hash: call.token_hash(),
    };
    let written = kind
        .write(&call.app, id, &caller, &call.headers, write)
        .await?;
    let hash = call.token_hash();
    let documents = documents_of(written.procedure.as_ref(), &target, hash.as_deref())?;
    Ok(reply::data(latest(&documents, document_id)?, call.pretty()))
}

/// `PATCH`: the request's fields describe the current version anew.
async fn edit(
    call: Call,
    (id, resource): (&str, Option<Resource>),
    target: Target,
    document_id: String,
) -> Result<Response, ApiError> {
    call.broker()?;
    let edit: DocumentEdit = body::part(call.edit_data(&document_id)?)?;
    let kind = dispatch::stored(&call.app, call.collection, id, resource).await?;
    let write = Write::EditDocument {
        target: target.clone(),
        document_id: document_id.clone(),
        edit: Box::new(edit),
    };
    change(call, (kind, id), (target, &document_id), write).await
}

/// `PUT`: the request's body is the document's new version.
async fn replace(
    call: Call,
    (id, resource): (&str, Option<Resource>),
    target: Target,
    document_id: String,
) -> Result<Response, ApiError> {
    call.broker()?;
    let document: DocumentInput = body::data(&call.headers, &call.body)?;
    // As for a new document: the procedure is looked up before the body is
    // checked against storage.
    let kind = dispatch::stored(&call.app, call.collection, id, resource).await?;
    let app = &call.app;
    crate::attachments::check_attached(app.documents.as_ref(), &app.public_url, &document).await?;
    let write = Write::AddDocumentVersion {
        target: target.clone(),
        document_id: document_id.clone(),
        document: Box::new(document),
    };
    change(call, (kind, id), (target, &document_id), write).await
}

async fn list(
    call: Call,
    (id, resource): (&str, Option<Resource>),
    target: Target,
) -> Result<Response, ApiError> {
    let procedure = call.load(id, resource).await?;
    let hash = call.token_hash();
    let documents = documents_of(procedure.as_ref(), &target, hash.as_deref())?;
    let shown = if call.query.all() {
        documents
    } else {
        current_versions(&documents)
    };
    Ok(reply::data(shown, call.pretty()))
}

async fn read(
    call: Call,
    (id, resource): (&str, Option<Resource>),
    target: Target,
    document_id: &str,
) -> Result<Response, ApiError> {
    let procedure = call.load(id, resource).await?;
    let hash = call.token_hash();
    let documents = documents_of(procedure.as_ref(), &target, hash.as_deref())?;
    Ok(reply::data(
        with_previous_versions(&documents, document_id)?,
        call.pretty(),
    ))
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
    read(call, (&id, None), Target::Procedure, &document_id).await
}

pub async fn edit_of_procedure(
    Path((id, document_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    edit(call, (&id, None), Target::Procedure, document_id).await
}

pub async fn replace_of_procedure(
    Path((id, document_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    replace(call, (&id, None), Target::Procedure, document_id).await
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

pub async fn read_of<H: Holder>(
    Path((id, holder_id, document_id)): Path<(String, String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    read(
        call,
        (&id, Some(H::RESOURCE)),
        H::target(holder_id),
        &document_id,
    )
    .await
}

pub async fn edit_of<H: Holder>(
    Path((id, holder_id, document_id)): Path<(String, String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    edit(
        call,
        (&id, Some(H::RESOURCE)),
        H::target(holder_id),
        document_id,
    )
    .await
}

pub async fn replace_of<H: Holder>(
    Path((id, holder_id, document_id)): Path<(String, String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    replace(
        call,
        (&id, Some(H::RESOURCE)),
        H::target(holder_id),
        document_id,
    )
    .await
}
