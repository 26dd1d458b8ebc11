//! Attaching documents: the type a record accepts, the stored form, where
//! a record keeps its documents, and the signatures decisions need.
//!
//! A record's documents are a list in which a document's later versions
//! follow its earlier ones under the same id; the last one is current.

use super::{Documented, new_id, refusals};
use crate::Context;
use crate::procurement::{Document, DocumentEdit, DocumentInput, Refusal, Target};

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

/// A request on a record's documents.
#[derive(Debug, Clone, Copy)]
pub enum Request<'c> {
    /// `POST …/documents`.
    Add(&'c DocumentInput),
    /// `PATCH …/documents/{id}`: the current version described anew.
    Edit(&'c str, &'c DocumentEdit),
    /// `PUT …/documents/{id}`: a new version.
    Version(&'c str, &'c DocumentInput),
}

/// What a request on documents leads to, for the procedure to record in
/// its own events.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Added(Document),
    Edited(Document),
    VersionAdded(Document),
}

/// How a procedure's records hold documents and who may give them one:
/// the rest of a document request is the same in every procedure.
pub trait Rules {
    type Caller;
    /// The documents `target` holds, as `caller` may look for them: a
    /// bid's only for its owner, so that nobody learns from a 404 what a
    /// sealed bid holds.
    fn held(&self, caller: &Self::Caller, target: &Target) -> Result<&[Document], Refusal>;

    /// Whether `caller` may give `target` the document `input` now; if so,
    /// what the document is of and who its author is.
    fn may_attach(
        &self,
        caller: &Self::Caller,
        target: &Target,
        input: &DocumentInput,
        context: &Context<'_>,
    ) -> Result<(&'static str, &'static str), Refusal>;
}

/// The change `request` makes to `target`'s documents, if `caller` may
/// make it: whoever may add a document of that type to the record may
/// change the record's documents to it.
pub fn change<S: Rules>(
    state: &S,
    caller: &S::Caller,
    target: &Target,
    request: Request<'_>,
    context: &Context<'_>,
) -> Result<Change, Refusal> {
    match request {
        Request::Add(input) => {
            let (document_of, author) = state.may_attach(caller, target, input, context)?;
            Ok(Change::Added(attach(input, document_of, author, context)))
        }
        Request::Edit(document_id, edit) => {
            let current = current_version(state.held(caller, target)?, document_id)?;
            let edited = current.edited(edit, context.now);
            state.may_attach(caller, target, &edited.as_input(), context)?;
            Ok(Change::Edited(edited))
        }
        Request::Version(document_id, input) => {
            let current = current_version(state.held(caller, target)?, document_id)?;
            let version = current.next_version(input, context.now);
            state.may_attach(caller, target, &version.as_input(), context)?;
            Ok(Change::VersionAdded(version))
        }
    }
}

/// Whether `documents` hold a signature of type `document_type` as the
/// tender procedures of the reference check it: a current document of that
/// type whose title ends in `.p7s` and that is of the tender (`documentOf`
/// `tender`); the format is not looked at (spec open-tender §17.6).
pub fn signed_by_title(documents: &[Document], document_type: &str) -> bool {
    titled_signatures(documents, document_type).next().is_some()
}

/// The current documents [`signed_by_title`] accepts.
pub fn titled_signatures<'d>(
    documents: &'d [Document],
    document_type: &'d str,
) -> impl Iterator<Item = &'d Document> {
    current(documents).filter(move |document| {
        document.document_type.as_deref() == Some(document_type)
            && document.title.ends_with(".p7s")
            && document.document_of == "tender"
    })
}
