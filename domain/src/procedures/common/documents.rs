//! Attaching documents: the type a record accepts, the stored form, where
//! a record keeps its documents, and the signatures decisions need.
//!
//! A record's documents are a list in which a document's later versions
//! follow its earlier ones under the same id; the last one is current.

use super::{Documented, new_id, refusals};
use crate::Context;
use crate::procurement::{Document, DocumentInput, Refusal};

/// The format of a qualified electronic signature file (`*.p7s`).
pub const SIGNATURE_FORMAT: &str = "application/pkcs7-signature";

/// The current version of each document among `documents`, each where that
/// version stands in the list.
pub fn current(documents: &[Document]) -> impl Iterator<Item = &Document> {
    documents.iter().enumerate().filter_map(|(at, document)| {
        let superseded = documents[at + 1..]
            .iter()
            .any(|later| later.id == document.id);
        (!superseded).then_some(document)
    })
}

/// The current version of document `document_id` among `documents`, else
/// not found on `document_id`.
pub fn current_version<'d>(
    documents: &'d [Document],
    document_id: &str,
) -> Result<&'d Document, Refusal> {
    documents
        .iter()
        .rev()
        .find(|document| document.id == document_id)
        .ok_or_else(|| Refusal::not_found("document_id"))
}

/// Puts `edited` in the place of its current version among `documents`.
pub fn replace_current(documents: &mut [Document], edited: &Document) {
    if let Some(current) = documents.iter_mut().rev().find(|d| d.id == edited.id) {
        *current = edited.clone();
    }
}

/// Whether `documents` hold a signature of type `document_type`: a current
/// document of that type in the [`SIGNATURE_FORMAT`].
pub fn signed(documents: &[Document], document_type: &str) -> bool {
    current(documents).any(|document| {
        document.document_type.as_deref() == Some(document_type)
            && document.format == SIGNATURE_FORMAT
    })
}

/// The reference API's refusal of a decision whose signature of type
/// `document_type` is missing.
pub fn signature_required(document_type: &str) -> Refusal {
    Refusal::invalid(
        "documents",
        format!("Document with type '{document_type}' and format pkcs7-signature is required"),
    )
}

/// `documentType`, when given (or always, if `required`), is one of
/// `allowed`.
pub fn check_type(input: &DocumentInput, allowed: &[&str], required: bool) -> Result<(), Refusal> {
    match input.document_type.as_deref() {
        None if required => Err(refusals::required("documentType")),
        None => Ok(()),
        Some(kind) if allowed.contains(&kind) => Ok(()),
        Some(_) => Err(refusals::one_of("documentType", allowed)),
    }
}

/// The document as stored: a fresh id, the record kind it belongs to, who
/// added it, dated now.
pub fn attach(
    input: &DocumentInput,
    document_of: &str,
    author: &str,
    context: &Context<'_>,
) -> Document {
    input
        .clone()
        .into_document(new_id(context), document_of, author, context.now)
}

/// The documents of the record `id` among `records`, for folding an added
/// document in.
pub fn of<'r, T: Documented>(records: &'r mut [T], id: &str) -> Option<&'r mut Vec<Document>> {
    records
        .iter_mut()
        .find(|record| record.id() == id)
        .map(Documented::documents_mut)
}
