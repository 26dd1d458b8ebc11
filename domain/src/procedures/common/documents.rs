//! Attaching documents: the type a record accepts, the stored form, and
//! where a record keeps its documents.

use super::{Documented, new_id, refusals};
use crate::Context;
use crate::procurement::{Document, DocumentInput, Refusal};

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
