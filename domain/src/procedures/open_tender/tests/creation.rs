//! Creation, edits and activation: TV-1 (activation), TV-5, TV-10, TV-13.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procurement::RefusalKind;
use crate::testing::Spec;

/// The POST body of TV-1/TV-13, with the periods given.
fn input(enquiry: serde_json::Value, tender: serde_json::Value) -> TenderInput {
    serde_json::from_value(json!({
        "title": "Комп'ютерне обладнання",
        "mainProcurementCategory": "goods",
        "procuringEntity": {
            "name": "Державне управління справами",
            "identifier": {"scheme": "UA-EDR", "id": "00037256"},
            "address": {"countryName": "Україна"},
            "kind": "general"
        },
        "value": {"amount": 500},
        "enquiryPeriod": enquiry,
        "tenderPeriod": tender,
        "items": [{"description": "Комп'ютер", "quantity": 5,
                   "unit": {"code": "H87", "name": "штука"}, "relatedLot": "L1"}],
        "lots": [{"id": "L1", "title": "Лот 1", "value": {"amount": 500},
                  "minimalStep": {"amount": 15}}]
    }))
    .expect("a tender input")
}

fn create(input: TenderInput, slot: u32) -> Command {
    Command::Create {
        actor: owner(),
        id: "tender-1".into(),
        tender: Box::new(input),
        config: Config::default(),
        tender_id: TENDER_ID.into(),
        owner_token_hash: "owner-token".into(),
        transfer_token_hash: "transfer-token".into(),
        slot: AuctionSlot(slot),
    }
}

fn created_tender(events: Vec<Event>) -> Tender {
    match events.as_slice() {
        [Event::TenderCreated { tender, .. }] => (**tender).clone(),
        other => panic!("not a creation: {other:?}"),
    }
}

/// TV-1: the tender of `H:tender-post-attempt-json-data`, its lot planned.
#[test]
fn tv1_creation_derives_the_periods_and_plans_the_lot_auction() {
    let command = create(
        input(
            json!({"startDate": "2027-01-01T00:00:00+02:00", "endDate": "2027-01-08T00:00:00+02:00"}),
            json!({"endDate": "2027-01-15T00:00:00+02:00"}),
        ),
        4935,
    );
    let tender = created_tender(
        Spec::<OpenTender>::given([])
            .at(at("2027-01-01T00:10:05+02:00"))
            .when(command)
            .then_events(),
    );
    assert_eq!(tender.status, TenderStatus::Draft);
    assert_eq!(tender.value.currency, "UAH");
    assert!(!tender.value.value_added_tax_included);
    assert_eq!(
        tender.enquiry_period.clarifications_until,
        Some(at("2027-01-09T00:00:00+02:00"))
    );
    assert_eq!(
        tender.tender_period.start_date,
        Some(at("2027-01-08T00:00:00+02:00"))
    );
    let planned = tender.lots[0].auction_period.clone().expect("planned");
    assert_eq!(
        planned.should_start_after,
        Some(at("2027-01-15T00:00:00+02:00"))
    );
    assert_eq!(planned.start_date, Some(at("2027-01-15T12:22:15+02:00")));
    assert_eq!(
        tender.submission_method.as_deref(),
        Some("electronicAuction")
    );
    assert_eq!(tender.procurement_method, "open");
    assert_eq!(tender.award_criteria, "lowestCost");
}

/// TV-13: the period rules at creation, the clock at 2027-03-01T10:00.
#[test]
fn tv13_period_validation_at_creation() {
    let spec = Spec::<OpenTender>::given([]).at(at("2027-03-01T10:00:00+02:00"));
    let refused = spec
        .when(create(
            input(
                json!({"endDate": "2027-03-04T23:59:00+02:00"}),
                json!({"endDate": "2027-03-20T00:00:00+02:00"}),
            ),
            0,
        ))
        .then_refused(RefusalKind::Invalid, "enquiryPeriod");
    assert_eq!(
        refused.description,
        "the enquiryPeriod cannot end earlier than 3 full business days after the start"
    );
    assert!(refused.listed);
    let refused = spec
        .when(create(
            input(
                json!({"endDate": "2027-03-05T00:00:00+02:00"}),
                json!({"endDate": "2027-03-08T23:59:00+02:00"}),
            ),
            0,
        ))
        .then_refused(RefusalKind::Invalid, "tenderPeriod");
    assert_eq!(
        refused.description,
        "tenderPeriod must be at least 2 full business days long"
    );
    let refused = spec
        .when(create(
            input(
                json!({"endDate": "2027-03-05T00:00:00+02:00"}),
                json!({"startDate": "2027-03-04T00:00:00+02:00", "endDate": "2027-03-09T00:00:00+02:00"}),
            ),
            0,
        ))
        .then_refused(RefusalKind::Invalid, "tenderPeriod");
    assert_eq!(
        refused.description,
        "period should begin after enquiryPeriod"
    );
    let tender = created_tender(
        spec.when(create(
            input(
                json!({"endDate": "2027-03-05T00:00:00+02:00"}),
                json!({"endDate": "2027-03-09T00:00:00+02:00"}),
            ),
            0,
        ))
        .then_events(),
    );
    assert_eq!(
        tender.enquiry_period.start_date,
        Some(at("2027-03-01T10:00:00+02:00"))
    );
    assert_eq!(
        tender.enquiry_period.clarifications_until,
        Some(at("2027-03-06T00:00:00+02:00"))
    );
    assert_eq!(
        tender.lots[0]
            .auction_period
            .as_ref()
            .and_then(|p| p.should_start_after),
        Some(at("2027-03-09T00:00:00+02:00"))
    );
}

/// Spec §13: a second lot is refused, saying that it is deferred.
#[test]
fn a_second_lot_is_refused_as_deferred() {
    let mut body = input(
        json!({"startDate": "2027-01-01T00:00:00+02:00", "endDate": "2027-01-08T00:00:00+02:00"}),
        json!({"endDate": "2027-01-15T00:00:00+02:00"}),
    );
    let mut second = body.lots.clone().expect("lots")[0].clone();
    second.id = Some("L2".into());
    body.lots.as_mut().expect("lots").push(second);
    let refused = Spec::<OpenTender>::given([])
        .at(at("2027-01-01T00:10:05+02:00"))
        .when(create(body, 0))
        .then_refused(RefusalKind::Invalid, "lots");
    assert_eq!(refused.description, decide::MORE_LOTS_DEFERRED);
}

fn activate() -> Command {
    Command::Activate {
        actor: owner(),
        edit: Box::default(),
        slot: AuctionSlot(0),
    }
}

/// TV-1: activation → `active.enquiries`, due at the tender period's start.
#[test]
fn tv1_activation_opens_the_enquiries() {
    let now = at("2027-01-01T00:10:05+02:00");
    let spec = Spec::<OpenTender>::given(draft()).at(now);
    spec.when(activate()).then([Event::TenderActivated {
        late: false,
        at: now,
    }]);
    let state = spec.when(activate()).then_state();
    assert_eq!(
        state.tender.as_ref().map(|t| t.status),
        Some(TenderStatus::ActiveEnquiries)
    );
    assert_eq!(next_check(&state), Some(at("2027-01-08T00:00:00+02:00")));
}

/// TV-10: the notice signature is required; without a lot the item's
/// `relatedLot` is.
#[test]
fn tv10_notice_document_required_at_activation() {
    let now = at("2027-01-01T00:10:05+02:00");
    let without_notice = [created(), ready_documents()[0].clone()];
    let refused = Spec::<OpenTender>::given(without_notice.clone())
        .at(now)
        .when(activate())
        .then_refused(RefusalKind::Invalid, "documents");
    assert_eq!(
        refused.description,
        "Document with type 'notice' and format pkcs7-signature is required"
    );
    Spec::<OpenTender>::given(without_notice)
        .and([ready_documents()[1].clone()])
        .at(now)
        .when(activate())
        .then([Event::TenderActivated {
            late: false,
            at: now,
        }]);
    let mut lotless = tender();
    lotless.lots.clear();
    lotless.items[0].related_lot = None;
    let mut events = vec![created_with(lotless, Config::default())];
    events.extend(ready_documents());
    let refused = Spec::<OpenTender>::given(events)
        .at(now)
        .when(activate())
        .then_refused(RefusalKind::Invalid, "item.relatedLot");
    assert_eq!(refused.description, "This field is required");
}

fn tv5_edit() -> Command {
    Command::Edit {
        actor: owner(),
        edit: Box::new(
            serde_json::from_value(json!({
                "value": {"amount": 501},
                "tenderPeriod": {"endDate": "2027-01-12T00:10:05+02:00"}
            }))
            .expect("an edit"),
        ),
        slot: AuctionSlot(0),
        as_draft: false,
    }
}

/// TV-5: frozen in `active.tendering`; in `active.enquiries` the period
/// moves, the auction keeps its start, the value stays Σ lots.
#[test]
fn tv5_edit_refused_after_enquiries() {
    let refused = Spec::<OpenTender>::given(tendering())
        .at(at("2027-01-09T00:00:00+02:00"))
        .when(tv5_edit())
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't update tender in current (active.tendering) status"
    );
    let now = at("2027-01-02T00:00:00+02:00");
    let events = Spec::<OpenTender>::given(enquiries())
        .at(now)
        .when(tv5_edit())
        .then_events();
    let [Event::TenderEdited { terms, .. }] = events.as_slice() else {
        panic!("not an edit: {events:?}");
    };
    assert_eq!(
        terms.tender_period.end_date,
        Some(at("2027-01-12T00:10:05+02:00"))
    );
    assert_eq!(terms.value.amount, amount("500"));
    let planned = terms.lots[0].auction_period.clone().expect("planned");
    assert_eq!(
        planned.should_start_after,
        Some(at("2027-01-13T00:00:00+02:00"))
    );
    assert_eq!(planned.start_date, Some(at("2027-01-15T12:22:15+02:00")));
}

/// Only the owner edits.
#[test]
fn only_the_owner_edits() {
    Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-02T00:00:00+02:00"))
        .when(Command::Edit {
            actor: bidder(11),
            edit: Box::default(),
            slot: AuctionSlot(0),
            as_draft: false,
        })
        .then_refused(RefusalKind::Forbidden, "permission");
}
