//! Changing documents: a new description of the current version, or a new
//! version of the body, under the rules that say who may add a document to
//! the record, and with a bid's documents sealed like the bid.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::procurement::{DocumentEdit, DocumentInput, RefusalKind};
use crate::testing::{Spec, event_types, utc};

fn described(description: &str) -> DocumentEdit {
    DocumentEdit {
        description: Some(description.into()),
        ..DocumentEdit::default()
    }
}

fn edit_document(actor: Actor, target: Target, document_id: &str, edit: DocumentEdit) -> Command {
    Command::EditDocument {
        actor,
        target,
        document_id: document_id.to_owned(),
        edit,
    }
}

fn body(url: &str) -> DocumentInput {
    serde_json::from_value(json!({
        "title": "Notice.pdf", "url": url,
        "hash": "md5:11111111111111111111111111111111", "format": "application/pdf"
    }))
    .expect("document")
}

fn new_version(actor: Actor, target: Target, document_id: &str, url: &str) -> Command {
    Command::AddDocumentVersion {
        actor,
        target,
        document_id: document_id.to_owned(),
        document: body(url),
    }
}

/// A day after [`sept`]`(20, 0)`, while the tender still takes bids.
fn later() -> chrono::DateTime<chrono::Utc> {
    utc(2023, 9, 21, 9, 0)
}

#[test]
fn an_edit_changes_the_current_version_in_place() {
    let mut spec = signed_draft().at(later());
    let events = spec.step(edit_document(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        described("Changed description"),
    ));
    let [Event::DocumentEdited { document, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(document.description.as_deref(), Some("Changed description"));
    assert_eq!(document.date_modified, later());
    assert_eq!(
        document.date_published,
        sept(20, 0),
        "first published stays"
    );
    let documents = &tender(&spec).documents;
    assert_eq!(documents.len(), 1, "no new version");
    assert_eq!(&documents[0], document);
    assert_eq!(tender(&spec).date_modified, later());
}

#[test]
fn a_new_version_keeps_the_id_and_what_the_client_leaves_out() {
    let mut spec = signed_draft().at(later());
    spec.step(edit_document(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        described("Changed description"),
    ));
    let events = spec.step(new_version(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        "http://localhost/api/2.5/documents/v2",
    ));
    let [Event::DocumentVersionAdded { document, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(document.id, TENDER_NOTICE);
    assert_eq!(document.url, "http://localhost/api/2.5/documents/v2");
    assert_eq!(document.format, "application/pdf", "the new body's format");
    assert_eq!(document.description.as_deref(), Some("Changed description"));
    assert_eq!(document.document_type.as_deref(), Some("notice"));
    assert_eq!(document.author, "tender_owner");
    assert_eq!(document.date_published, sept(20, 0));
    assert_eq!(document.date_modified, later());
    let documents = &tender(&spec).documents;
    assert_eq!(documents.len(), 2, "the older version stays listed");
    assert_eq!(documents[0].url, "http://localhost/api/2.5/documents/sign");
    assert_eq!(&documents[1], document);
    // An edit now changes the new version only.
    spec.step(edit_document(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        described("Third"),
    ));
    let documents = &tender(&spec).documents;
    assert_eq!(
        documents[0].description.as_deref(),
        Some("Changed description")
    );
    assert_eq!(documents[1].description.as_deref(), Some("Third"));
}

#[test]
fn a_signature_replaced_by_an_unsigned_version_no_longer_signs() {
    let mut spec = signed_draft().at(later());
    spec.step(new_version(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        "http://localhost/api/2.5/documents/v2",
    ));
    spec.when(activate(Some(good_catalogue())))
        .then_refused(RefusalKind::Invalid, "documents");
}

#[test]
fn only_a_known_document_of_a_known_record_is_changed() {
    let spec = signed_draft();
    spec.when(edit_document(
        owner(),
        Target::Procedure,
        &"0".repeat(32),
        described("x"),
    ))
    .then_refused(RefusalKind::NotFound, "document_id");
    spec.when(new_version(
        owner(),
        Target::Award("a".repeat(32)),
        TENDER_NOTICE,
        "http://localhost/x",
    ))
    .then_refused(RefusalKind::NotFound, "award_id");
}

#[test]
fn the_rules_of_adding_a_document_apply() {
    let spec = signed_draft();
    // Not the owner.
    spec.when(edit_document(
        bid_owner("11111111"),
        Target::Procedure,
        TENDER_NOTICE,
        described("x"),
    ))
    .then_refused(RefusalKind::Forbidden, "permission");
    // A field a document may not have.
    let edit = DocumentEdit {
        confidentiality: Some("secret".into()),
        ..DocumentEdit::default()
    };
    spec.when(edit_document(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        edit,
    ))
    .then_refused(RefusalKind::Invalid, "confidentiality");
    // A version's body must have the shape of a document's.
    spec.when(new_version(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        "ftp://x",
    ))
    .then_refused(RefusalKind::Invalid, "url");
    // Once the tender period is over, the tender's documents are final.
    let spec = tendering_with(&[("11111111", 100)]).at(tender_end());
    let mut spec = spec;
    spec.step(check_due());
    spec.when(edit_document(
        owner(),
        Target::Procedure,
        TENDER_NOTICE,
        described("x"),
    ))
    .then_refused(RefusalKind::Forbidden, "data");
}

/// [`tendering_with`] one bid holding a proposal, placed at [`sept`]`(20, 0)`.
fn bid_with_proposal() -> (Spec<PriceQuotation>, String, String) {
    let mut spec = tendering_with(&[("11111111", 100)]).at(later());
    let bid = nth_bid(1);
    let events = spec.step(Command::AddDocument {
        actor: bid_owner("11111111"),
        target: Target::Bid(bid.clone()),
        document: body("http://localhost/api/2.5/documents/proposal-secret-17"),
    });
    let [Event::DocumentAdded { document, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    let document_id = document.id.clone();
    (spec, bid, document_id)
}

#[test]
fn a_sealed_bids_documents_are_its_owners_to_change() {
    let (spec, bid, document_id) = bid_with_proposal();
    // Another bidder learns nothing, not even whether the document exists.
    for document in [document_id.as_str(), &"0".repeat(32)] {
        spec.when(edit_document(
            bid_owner("22222222"),
            Target::Bid(bid.clone()),
            document,
            described("x"),
        ))
        .then_refused(RefusalKind::Forbidden, "permission");
    }
    let events = spec
        .when(new_version(
            bid_owner("11111111"),
            Target::Bid(bid.clone()),
            &document_id,
            "http://localhost/api/2.5/documents/proposal-secret-18",
        ))
        .then_events();
    assert_eq!(event_types(&events), ["DocumentVersionAdded"]);
}

#[test]
fn the_public_log_shows_only_the_id_of_a_bids_changed_document() {
    let (mut spec, bid, document_id) = bid_with_proposal();
    let mut log = spec.step(edit_document(
        bid_owner("11111111"),
        Target::Bid(bid.clone()),
        &document_id,
        described("secret-description-19"),
    ));
    log.extend(spec.step(new_version(
        bid_owner("11111111"),
        Target::Bid(bid.clone()),
        &document_id,
        "http://localhost/api/2.5/documents/proposal-secret-18",
    )));
    for event in &log {
        let public = disclosure::public_event(event);
        assert!(public.withheld, "{}", public.data);
        assert_eq!(public.data["document"], json!({"id": document_id}));
    }
    let text = public_log(&log);
    assert!(!text.contains("secret"), "{text}");
}
