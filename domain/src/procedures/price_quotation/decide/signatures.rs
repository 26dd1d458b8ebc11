//! The procuring entity signs its decisions: a tender is announced, and an
//! award accepted or rejected, only once a `notice` document in the
//! pkcs7-signature format (the `*.p7s` file of a qualified electronic
//! signature) is attached to it, as the reference API requires (its
//! recordings `notice-document-required.http` and
//! `award-notice-document-required.http`). An organisation that is not a
//! procuring entity in the sense of the law (`procuringEntity.kind:
//! "other"`) buys without signing, as the reference tutorial notes.

use crate::procedures::common::documents;
use crate::procedures::price_quotation::Tender;
use crate::procurement::{Document, Refusal};

/// The document type of the signature a decision needs.
pub const NOTICE: &str = "notice";

/// Refuses a decision of `tender`'s procuring entity on the record holding
/// `documents` unless the record holds the entity's notice signature.
pub(super) fn require_notice(tender: &Tender, documents: &[Document]) -> Result<(), Refusal> {
    let signs = tender.procuring_entity.kind.as_deref() != Some("other");
    if signs && !documents::signed(documents, NOTICE) {
        return Err(documents::signature_required(NOTICE));
    }
    Ok(())
}
