//! The notice signature the procuring entity's decisions need: on the tender
//! to announce it, on an award to accept or reject it.

use super::super::*;
use super::fixtures::*;
use crate::procurement::{Refusal, RefusalKind};
use crate::testing::event_types;

const REQUIRED: &str = "Document with type 'notice' and format pkcs7-signature is required";

fn assert_signature_required(refusal: &Refusal) {
    assert_eq!(
        (refusal.name.as_str(), refusal.description.as_str()),
        ("documents", REQUIRED)
    );
    assert_eq!(refusal.location.as_str(), "body");
}

#[test]
fn a_tender_is_not_announced_without_the_notice_signature() {
    let refusal = draft()
        .when(activate(Some(good_catalogue())))
        .then_refused(RefusalKind::Invalid, "documents");
    assert_signature_required(&refusal);
}

#[test]
fn the_signature_is_checked_before_the_catalogue() {
    let refusal = draft()
        .when(activate(Some(good_catalogue_without_profile())))
        .then_refused(RefusalKind::Invalid, "documents");
    assert_signature_required(&refusal);
}

#[test]
fn a_signed_tender_is_announced() {
    signed_draft()
        .when(activate(Some(good_catalogue())))
        .then([activated()]);
}

#[test]
fn a_notice_that_is_not_a_signature_file_does_not_count() {
    let mut spec = draft();
    let mut unsigned = sign(Target::Procedure);
    if let Command::AddDocument { document, .. } = &mut unsigned {
        document.format = "application/pdf".into();
        document.title = "notice.pdf".into();
    }
    spec.step(unsigned);
    // A signature file of another type does not count either.
    let mut report = sign(Target::Procedure);
    if let Command::AddDocument { document, .. } = &mut report {
        document.document_type = Some("technicalSpecifications".into());
    }
    spec.step(report);
    spec.when(activate(Some(good_catalogue())))
        .then_refused(RefusalKind::Invalid, "documents");
}

#[test]
fn a_buyer_that_is_no_procuring_entity_announces_without_signing() {
    let mut created = created();
    if let Event::TenderCreated { tender, .. } = &mut created {
        tender.procuring_entity.kind = Some("other".into());
    }
    let spec = crate::testing::Spec::<PriceQuotation>::given([created])
        .at(sept(20, 0))
        .ids_from(7);
    let events = spec.when(activate(Some(good_catalogue()))).then_events();
    assert_eq!(event_types(&events), ["TenderActivated"]);
}

/// [`tendering_with`] two bids, at the end of the tender period: the first
/// award pending.
fn qualifying() -> (crate::testing::Spec<PriceQuotation>, String) {
    let mut spec = tendering_with(&[("11111111", 300), ("22222222", 200)]);
    spec.set_now(tender_end());
    spec.step(check_due());
    let award_id = tender(&spec).awards[0].id.clone();
    (spec, award_id)
}

#[test]
fn an_award_is_neither_accepted_nor_rejected_unsigned() {
    let (spec, award_id) = qualifying();
    for (status, qualified) in [("active", true), ("unsuccessful", false)] {
        let refusal = spec
            .when(award_decision(&award_id, status, qualified))
            .then_refused(RefusalKind::Invalid, "documents");
        assert_signature_required(&refusal);
    }
}

#[test]
fn the_tender_notice_does_not_sign_an_award() {
    let (spec, award_id) = qualifying();
    assert!(
        tender(&spec)
            .documents
            .iter()
            .any(|d| d.document_type.as_deref() == Some("notice"))
    );
    spec.when(award_decision(&award_id, "active", true))
        .then_refused(RefusalKind::Invalid, "documents");
}

#[test]
fn a_signed_award_is_decided() {
    let (mut spec, award_id) = qualifying();
    spec.step(sign(Target::Award(award_id.clone())));
    for (status, qualified, decided) in [
        ("active", true, "AwardAccepted"),
        ("unsuccessful", false, "AwardRejected"),
    ] {
        let events = spec
            .when(award_decision(&award_id, status, qualified))
            .then_events();
        assert_eq!(event_types(&events), [decided]);
    }
}

#[test]
fn taking_an_accepted_award_back_needs_no_new_signature() {
    let (mut spec, award_id) = qualifying();
    signed_decision(&mut spec, &award_id, "active", true);
    let cancel = Command::CancelAward {
        actor: owner(),
        award_id,
    };
    let events = spec.when(cancel).then_events();
    assert_eq!(event_types(&events), ["AwardCancelled"]);
}
