//! Changing a sale's documents: a new description or a new version, each
//! held to the document types the record takes, as adding one is.

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::procurement::{DocumentEdit, RefusalKind};
use crate::testing::event_types;

/// A sale in qualification whose first award holds an auction protocol;
/// answers its id and the document's.
fn with_protocol() -> (Sale, String, String) {
    let mut g = Sale::qualification(1000, 100, 100, &[(1000, 130)]);
    let award = g.award(1).id.clone();
    let events = g.apply(g.award_document(1, "auctionProtocol"));
    let [Event::DocumentAdded { document, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    let document = document.id.clone();
    (g, award, document)
}

#[test]
fn a_document_is_described_anew_and_uploaded_again() {
    let (mut g, award, document) = with_protocol();
    let edit = Command::EditDocument {
        actor: owner(),
        target: Target::Award(award.clone()),
        document_id: document.clone(),
        edit: Box::new(DocumentEdit {
            description: Some("signed by the commission".into()),
            ..DocumentEdit::default()
        }),
    };
    assert_eq!(event_types(&g.apply(edit)), ["DocumentEdited"]);
    let version = Command::AddDocumentVersion {
        actor: owner(),
        target: Target::Award(award.clone()),
        document_id: document.clone(),
        document: self::document("auctionProtocol"),
    };
    assert_eq!(event_types(&g.apply(version)), ["DocumentVersionAdded"]);
    let documents = &g.award(1).documents;
    assert_eq!(documents.len(), 2);
    assert!(documents.iter().all(|d| d.id == document));
    assert_eq!(
        documents[1].description.as_deref(),
        Some("signed by the commission"),
        "carried over to the new version"
    );
}

#[test]
fn a_document_cannot_become_a_type_the_record_does_not_take() {
    let (g, award, document) = with_protocol();
    let edit = Command::EditDocument {
        actor: owner(),
        target: Target::Award(award),
        document_id: document,
        edit: Box::new(DocumentEdit {
            document_type: Some("contractSigned".into()),
            ..DocumentEdit::default()
        }),
    };
    g.when(edit)
        .then_refused(RefusalKind::Invalid, "documentType");
}
