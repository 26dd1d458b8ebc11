//! Activation after the catalogue validations: the spec's vectors PQ-1…PQ-10.

use serde_json::json;

use super::super::catalogue::CatalogueSnapshot;
use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind;
use crate::testing::event_types;

fn assert_refused_with(
    catalogue: CatalogueSnapshot,
    kind: RefusalKind,
    name: &str,
    description: &str,
) {
    let refusal = signed_draft()
        .when(activate(Some(catalogue)))
        .then_refused(kind, name);
    assert_eq!(refusal.description, description);
}

#[test]
fn pq_1_unknown_profile() {
    assert_refused_with(
        good_catalogue_without_profile(),
        RefusalKind::NotFound,
        "data",
        "Profiles 655360-30230000-889652-40000777 not found in catalouges.",
    );
}

#[test]
fn a_profile_not_active_is_refused() {
    let mut catalogue = good_catalogue();
    if let Some(profile) = catalogue.profiles[0].1.as_mut() {
        profile.status = "hidden".into();
    }
    assert_refused_with(
        catalogue,
        RefusalKind::Invalid,
        "data",
        "Profiles 655360-30230000-889652-40000777: hidden not in ('active',)",
    );
}

#[test]
fn pq_2_unknown_agreement() {
    let mut catalogue = good_catalogue();
    catalogue.agreement = None;
    assert_refused_with(
        catalogue,
        RefusalKind::Invalid,
        "agreement",
        "Agreement not found by agreement_id 2e14a78a2074952d5a2d256c3c004dda",
    );
}

#[test]
fn pq_3_profile_of_another_agreement() {
    let mut catalogue = good_catalogue();
    if let Some(profile) = catalogue.profiles[0].1.as_mut() {
        profile.agreement_id = "ffffffffffffffffffffffffffffffff".into();
    }
    assert_refused_with(
        catalogue,
        RefusalKind::Invalid,
        "data",
        "Tender agreement doesn't match profile agreement",
    );
}

#[test]
fn pq_4_terminated_agreement() {
    let mut catalogue = good_catalogue();
    if let Some(agreement) = catalogue.agreement.as_mut() {
        agreement.status = "terminated".into();
    }
    assert_refused_with(
        catalogue,
        RefusalKind::Invalid,
        "agreement",
        "Agreement status is not active",
    );
}

#[test]
fn pq_5_no_qualified_suppliers() {
    let mut catalogue = good_catalogue();
    if let Some(agreement) = catalogue.agreement.as_mut() {
        agreement.contracts[0].status = "terminated".into();
    }
    assert_refused_with(
        catalogue,
        RefusalKind::Invalid,
        "agreement",
        "Agreement 2e14a78a2074952d5a2d256c3c004dda doesn't have qualified suppliers",
    );
}

#[test]
fn pq_6_and_8_catalogue_unreachable_then_recovers() {
    let spec = signed_draft();
    let refusal = spec
        .when(activate(None))
        .then_refused(RefusalKind::Conflict, "data");
    assert_eq!(
        refusal.description,
        "Error while getting data from ProZorro e-Catalogues: Connection closed. Try again later"
    );
    // A refusal appends nothing: the same draft activates once the
    // catalogue answers.
    spec.when(activate(Some(good_catalogue())))
        .then([activated()]);
}

#[test]
fn pq_7_activation_copies_suppliers_and_schedules_the_end() {
    signed_draft()
        .when(activate(Some(good_catalogue())))
        .then([activated()]);
    let spec = tendering();
    let tender = tender(&spec);
    assert_eq!(tender.status, TenderStatus::ActiveTendering);
    let firms = tender.shortlisted_firms.as_ref().expect("firms");
    assert_eq!(firms.len(), 3);
    assert_eq!(firms[0]["id"], json!("UA-EDR-11111111"));
    assert_eq!(tender.notice_publication_date, Some(sept(20, 0)));
    assert_eq!(
        tender.contract_template_name.as_deref(),
        Some("00000000-0.0001.01")
    );
    assert_eq!(next_check(spec.state()), tender.tender_period.end_date);
    let document = disclosure::public_document::<PriceQuotation>(spec.state()).expect("document");
    assert_eq!(document["next_check"], json!("2023-10-04T01:00:00+03:00"));
}

#[test]
fn pq_9_fix_the_profile_in_draft_then_activate() {
    let mut spec = signed_draft();
    spec.when(activate(Some(good_catalogue_without_profile())))
        .then_refused(RefusalKind::NotFound, "data");
    let mut items = tender(&spec).items.clone();
    items[0].profile = Some("other-profile".into());
    let edited = spec.step(edit(TenderEdit {
        items: Some(items),
        ..TenderEdit::default()
    }));
    assert_eq!(event_types(&edited), ["TenderEdited"]);
    let mut catalogue = good_catalogue();
    catalogue.profiles = vec![("other-profile".into(), catalogue.profiles[0].1.clone())];
    let activated = spec.step(activate(Some(catalogue)));
    assert_eq!(event_types(&activated), ["TenderActivated"]);
    assert_eq!(tender(&spec).status, TenderStatus::ActiveTendering);
}

#[test]
fn pq_10_draft_publishing_does_not_exist() {
    for status in ["draft.publishing", "draft.unsuccessful"] {
        let edit = TenderEdit {
            status: Some(status.into()),
            ..TenderEdit::default()
        };
        let refusal = wire::tender_patch(owner(), edit).expect_err("no such status");
        assert_eq!(
            (refusal.kind, refusal.name.as_str()),
            (RefusalKind::Invalid, "status")
        );
    }
}
