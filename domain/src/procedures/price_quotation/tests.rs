//! Given / when / then tests of the priceQuotation rules. The spec's test
//! vectors PQ-1…PQ-10 (price-quotation.md §6) are here at the decider level;
//! the HTTP suite in `tests/` runs them again over the wire.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value as Json, json};

use super::catalogue::{Agreement, AgreementContract, CatalogueSnapshot, Profile};
use super::*;
use crate::procurement::RefusalKind;
use crate::{Context, Id, IdSource};

struct Counter(AtomicU64);

impl IdSource for Counter {
    fn next_id(&self) -> Id {
        Id::from_u128(self.0.fetch_add(1, Ordering::Relaxed) as u128 + 1)
    }
}

const PROFILE: &str = "655360-30230000-889652-40000777";
const AGREEMENT: &str = "2e14a78a2074952d5a2d256c3c004dda";

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 9, day, hour, 0, 0)
        .single()
        .expect("valid time")
}

fn owner() -> Actor {
    Actor {
        broker: "broker".into(),
        token_hash: Some("owner-token".into()),
    }
}

fn supplier(id: &str) -> serde_json::Map<String, Json> {
    json!({
        "name": format!("Supplier {id}"),
        "identifier": {"scheme": "UA-EDR", "id": id, "legalName": format!("Supplier {id}")},
        "address": {"countryName": "Україна"},
        "scale": "large",
        "id": format!("UA-EDR-{id}"),
        "status": "active"
    })
    .as_object()
    .cloned()
    .expect("object")
}

fn tenderer(id: &str) -> Json {
    json!({
        "name": format!("Supplier {id}"),
        "identifier": {"scheme": "UA-EDR", "id": id},
        "address": {"countryName": "Україна"},
        "contactPoint": {"name": "Contact", "telephone": "+380000000000"},
        "scale": "large"
    })
}

fn tender_input() -> TenderInput {
    serde_json::from_value(json!({
        "title": "Комп’ютерне обладнання",
        "mainProcurementCategory": "goods",
        "procuringEntity": {
            "name": "Державне управління справами",
            "identifier": {"scheme": "UA-EDR", "id": "00037256"},
            "address": {"countryName": "Україна"},
            "kind": "general"
        },
        "value": {"amount": 22000, "currency": "UAH"},
        "tenderPeriod": {"endDate": "2023-10-04T01:00:00+03:00"},
        "procurementMethodType": "priceQuotation",
        "procurementMethod": "selective",
        "items": [{"description": "Cartons", "quantity": 5, "unit": {"code": "KGM", "value": {"amount": 6}},
                   "profile": PROFILE}],
        "agreement": {"id": AGREEMENT},
        "criteria": [{
            "title": "Форма випуску",
            "requirementGroups": [{"requirements": [
                {"title": "Форма", "dataType": "string", "expectedValue": "Розчин для інфузій"},
                {"title": "Доза", "dataType": "integer", "minValue": 5},
                {"title": "Відповіді", "dataType": "string",
                 "expectedValues": ["A", "B", "C", "D"], "expectedMinItems": 2, "expectedMaxItems": 3}
            ]}]
        }]
    }))
    .expect("valid tender input")
}

struct Given {
    state: State,
    ids: Counter,
    now: DateTime<Utc>,
}

impl Given {
    fn nothing() -> Self {
        Given {
            state: State::default(),
            ids: Counter(AtomicU64::new(0)),
            now: at(20, 0),
        }
    }

    fn when(&self, command: Command) -> Result<Vec<Event>, crate::procurement::Refusal> {
        let context = Context::new(self.now, &self.ids);
        PriceQuotation::decide(&self.state, &command, &context)
    }

    /// Decides and folds the events in; panics on a refusal.
    fn then_apply(&mut self, command: Command) -> Vec<Event> {
        let events = self.when(command).expect("command accepted");
        for event in &events {
            // Every event must survive the store's JSON round trip.
            let data = crate::DomainEvent::to_data(event);
            let decoded = <Event as crate::DomainEvent>::decode(
                crate::DomainEvent::event_type(event),
                1,
                &data,
            )
            .expect("event decodes");
            assert_eq!(&decoded, event);
            self.state = PriceQuotation::evolve(std::mem::take(&mut self.state), event);
        }
        events
    }

    fn created() -> Self {
        let mut given = Given::nothing();
        given.then_apply(Command::Create {
            actor: Actor {
                broker: "broker".into(),
                token_hash: None,
            },
            id: "bb8949e735294cbaa864bd3bc68a1e5f".into(),
            tender: Box::new(tender_input()),
            config: Config::default(),
            tender_id: "UA-2023-09-20-000001-a".into(),
            owner_token_hash: "owner-token".into(),
            transfer_token_hash: "transfer-token".into(),
        });
        given
    }

    fn activated() -> Self {
        let mut given = Given::created();
        given.then_apply(activate(Some(good_catalogue())));
        given
    }

    fn tender(&self) -> &Tender {
        self.state.tender.as_ref().expect("tender exists")
    }

    fn requirement_ids(&self) -> Vec<String> {
        self.tender().criteria.as_ref().expect("criteria")[0].requirement_groups[0]
            .requirements
            .iter()
            .map(|r| r.id.clone().expect("id"))
            .collect()
    }

    fn answers(&self) -> Json {
        let ids = self.requirement_ids();
        json!([
            {"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"},
            {"requirement": {"id": ids[1]}, "value": 7},
            {"requirement": {"id": ids[2]}, "values": ["A", "C"]}
        ])
    }

    /// Requests a cancellation of the tender (it starts as `draft`); answers its id.
    fn request_cancellation(&mut self) -> String {
        let events = self.then_apply(Command::RequestCancellation {
            actor: owner(),
            cancellation: CancellationInput {
                reason: "no longer needed".into(),
                reason_type: "noDemand".into(),
                cancellation_of: None,
                status: None,
            },
        });
        match &events[0] {
            Event::CancellationRequested { cancellation } => cancellation.id.clone(),
            other => panic!("unexpected {other:?}"),
        }
    }

    fn bid(&mut self, firm: &str, amount: u32) -> String {
        let events = self.then_apply(submit(firm, amount, self.answers()));
        match &events[0] {
            Event::BidSubmitted { bid, .. } => bid.id.clone(),
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn good_catalogue() -> CatalogueSnapshot {
    CatalogueSnapshot {
        profiles: vec![(
            PROFILE.into(),
            Some(Profile {
                id: PROFILE.into(),
                agreement_id: AGREEMENT.into(),
                status: "active".into(),
            }),
        )],
        agreement: Some(Agreement {
            id: AGREEMENT.into(),
            status: "active".into(),
            contracts: vec![AgreementContract {
                status: "active".into(),
                suppliers: vec![
                    supplier("11111111"),
                    supplier("22222222"),
                    supplier("33333333"),
                ],
            }],
        }),
    }
}

fn activate(catalogue: Option<CatalogueSnapshot>) -> Command {
    Command::Edit {
        actor: owner(),
        edit: Box::new(TenderEdit {
            status: Some("active.tendering".into()),
            ..TenderEdit::default()
        }),
        catalogue,
    }
}

fn submit(firm: &str, amount: u32, answers: Json) -> Command {
    submit_via("broker", firm, amount, answers)
}

fn submit_via(broker: &str, firm: &str, amount: u32, answers: Json) -> Command {
    Command::SubmitBid {
        actor: Actor {
            broker: broker.into(),
            token_hash: None,
        },
        bid: Box::new(
            serde_json::from_value(json!({
                "tenderers": [tenderer(firm)],
                "value": {"amount": amount, "currency": "UAH", "valueAddedTaxIncluded": false},
                "requirementResponses": answers
            }))
            .expect("valid bid"),
        ),
        token_hash: format!("bid-token-{firm}"),
    }
}

/// The decision document a cancellation needs before it can be activated.
fn cancellation_details(cancellation_id: &str) -> Command {
    Command::AddDocument {
        actor: owner(),
        target: Target::Cancellation(cancellation_id.to_owned()),
        document: serde_json::from_value(json!({
            "title": "decision.pdf", "url": "http://localhost/api/2.5/documents/x",
            "hash": "md5:00000000000000000000000000000000", "format": "application/pdf",
            "documentType": "cancellationDetails"
        }))
        .expect("document"),
    }
}

fn refusal_of(
    result: Result<Vec<Event>, crate::procurement::Refusal>,
) -> crate::procurement::Refusal {
    result.expect_err("command refused")
}

#[test]
fn creation_sets_server_fields() {
    let given = Given::created();
    let tender = given.tender();
    assert_eq!(tender.status, TenderStatus::Draft);
    assert_eq!(tender.owner, "broker");
    assert_eq!(tender.award_criteria, "lowestCost");
    assert_eq!(tender.tender_period.start_date, Some(at(20, 0)));
    assert!(tender.value.value_added_tax_included);
    assert!(
        tender.items[0]
            .id
            .as_deref()
            .is_some_and(|id| id.len() == 32)
    );
    let unit_value = tender.items[0]
        .unit
        .as_ref()
        .and_then(|u| u.value.as_ref())
        .expect("unit value");
    assert_eq!(unit_value.currency, "UAH");
    assert!(
        next_check(&given.state).is_none(),
        "no transition pending in draft"
    );
    let document = disclosure::public_tender(&given.state).expect("document");
    assert_eq!(document["value"]["amount"], json!(22000.0));
    assert_eq!(document["dateCreated"], json!("2023-09-20T03:00:00+03:00"));
    assert!(document.get("next_check").is_none());
}

fn assert_refused_with(
    catalogue: CatalogueSnapshot,
    kind: RefusalKind,
    name: &str,
    description: &str,
) {
    let given = Given::created();
    let refusal = refusal_of(given.when(activate(Some(catalogue))));
    assert_eq!(
        (
            refusal.kind,
            refusal.name.as_str(),
            refusal.description.as_str()
        ),
        (kind, name, description)
    );
}

#[test]
fn pq_1_unknown_profile() {
    let mut catalogue = good_catalogue();
    catalogue.profiles[0].1 = None;
    assert_refused_with(
        catalogue,
        RefusalKind::Invalid,
        "items.profile",
        "Profile 655360-30230000-889652-40000777 not found in catalogue.",
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
        "agreement",
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
        "Agreement 2e14a78a2074952d5a2d256c3c004dda not in active status",
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
    let mut given = Given::created();
    let refusal = refusal_of(given.when(activate(None)));
    assert_eq!(refusal.kind, RefusalKind::Conflict);
    assert_eq!(
        refusal.description,
        "Error while getting data from ProZorro e-Catalogues: Connection closed. Try again later"
    );
    assert_eq!(given.tender().status, TenderStatus::Draft);
    given.then_apply(activate(Some(good_catalogue())));
    assert_eq!(given.tender().status, TenderStatus::ActiveTendering);
}

#[test]
fn pq_7_activation_copies_suppliers_and_schedules_the_end() {
    let given = Given::activated();
    let tender = given.tender();
    assert_eq!(tender.status, TenderStatus::ActiveTendering);
    let firms = tender.shortlisted_firms.as_ref().expect("firms");
    assert_eq!(firms.len(), 3);
    assert_eq!(firms[0]["id"], json!("UA-EDR-11111111"));
    assert_eq!(tender.notice_publication_date, Some(at(20, 0)));
    assert_eq!(
        tender.contract_template_name.as_deref(),
        Some("00000000-0.0001.01")
    );
    assert_eq!(next_check(&given.state), tender.tender_period.end_date);
    let document = disclosure::public_tender(&given.state).expect("document");
    assert_eq!(document["next_check"], json!("2023-10-04T01:00:00+03:00"));
}

#[test]
fn pq_9_fix_the_profile_in_draft_then_activate() {
    let mut given = Given::created();
    let mut catalogue = good_catalogue();
    catalogue.profiles = vec![("other-profile".into(), catalogue.profiles[0].1.clone())];
    let refusal = refusal_of(given.when(activate(Some(good_catalogue_without_profile()))));
    assert_eq!(refusal.name, "items.profile");
    let mut items = given.tender().items.clone();
    items[0].profile = Some("other-profile".into());
    given.then_apply(Command::Edit {
        actor: owner(),
        edit: Box::new(TenderEdit {
            items: Some(items),
            ..TenderEdit::default()
        }),
        catalogue: None,
    });
    given.then_apply(activate(Some(catalogue)));
    assert_eq!(given.tender().status, TenderStatus::ActiveTendering);
}

fn good_catalogue_without_profile() -> CatalogueSnapshot {
    let mut catalogue = good_catalogue();
    catalogue.profiles[0].1 = None;
    catalogue
}

#[test]
fn pq_10_draft_publishing_does_not_exist() {
    let given = Given::created();
    for status in ["draft.publishing", "draft.unsuccessful"] {
        let refusal = refusal_of(given.when(Command::Edit {
            actor: owner(),
            edit: Box::new(TenderEdit {
                status: Some(status.into()),
                ..TenderEdit::default()
            }),
            catalogue: Some(good_catalogue()),
        }));
        assert_eq!(
            (refusal.kind, refusal.name.as_str()),
            (RefusalKind::Invalid, "status")
        );
    }
}

#[test]
fn only_the_owner_with_its_token_changes_the_tender() {
    let given = Given::created();
    for actor in [
        Actor {
            broker: "broker".into(),
            token_hash: Some("wrong".into()),
        },
        Actor {
            broker: "broker".into(),
            token_hash: None,
        },
        Actor {
            broker: "other".into(),
            token_hash: Some("owner-token".into()),
        },
    ] {
        let refusal = refusal_of(given.when(Command::Edit {
            actor,
            edit: Box::new(TenderEdit {
                title: Some("x".into()),
                ..TenderEdit::default()
            }),
            catalogue: None,
        }));
        assert_eq!(refusal.kind, RefusalKind::Forbidden);
    }
}

#[test]
fn bids_only_from_shortlisted_firms_within_the_rules() {
    let mut given = Given::activated();
    let answers = given.answers();
    let outsider = refusal_of(given.when(submit("99999999", 100, answers.clone())));
    assert_eq!(
        outsider.description,
        "Can't add bid if tenderer not in shortlistedFirms"
    );
    let too_high = refusal_of(given.when(submit("11111111", 22001, answers.clone())));
    assert_eq!(too_high.name, "value");
    let ids = given.requirement_ids();
    let wrong = json!([
        {"requirement": {"id": ids[0]}, "value": "Таблетки"},
        {"requirement": {"id": ids[1]}, "value": 7},
        {"requirement": {"id": ids[2]}, "values": ["A", "C"]}
    ]);
    assert_eq!(
        refusal_of(given.when(submit("11111111", 100, wrong))).name,
        "requirementResponses"
    );
    let below_min = json!([
        {"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"},
        {"requirement": {"id": ids[1]}, "value": 4},
        {"requirement": {"id": ids[2]}, "values": ["A", "C"]}
    ]);
    assert!(given.when(submit("11111111", 100, below_min)).is_err());
    let too_many = json!([
        {"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"},
        {"requirement": {"id": ids[1]}, "value": 7},
        {"requirement": {"id": ids[2]}, "values": ["A", "B", "C", "D"]}
    ]);
    assert!(given.when(submit("11111111", 100, too_many)).is_err());
    let missing = json!([{"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"}]);
    assert!(given.when(submit("11111111", 100, missing)).is_err());
    given.bid("11111111", 100);
    let second = refusal_of(given.when(submit("11111111", 90, answers)));
    assert_eq!(second.name, "tenderers");
}

#[test]
fn bids_are_sealed_during_tendering() {
    let mut given = Given::activated();
    let bid_id = given.bid("11111111", 100);
    let document = disclosure::public_tender(&given.state).expect("document");
    assert!(document.get("bids").is_none());
    let text = document.to_string();
    assert!(!text.contains(&bid_id), "the bid is not listed");
    assert!(!text.contains("\"amount\":100.0"), "its value is not shown");
    assert!(disclosure::visible_bid(&given.state, &bid_id, false).is_err());
    assert!(disclosure::visible_bid(&given.state, &bid_id, true).is_ok());
}

#[test]
fn happy_path_to_complete() {
    let mut given = Given::activated();
    let _b1 = given.bid("11111111", 300);
    let b2 = given.bid("22222222", 200);
    let _b3 = given.bid("33333333", 250);
    // Not due yet: the scheduler's command changes nothing.
    assert!(given.when(Command::CheckDue).expect("ok").is_empty());
    given.now = given.tender().tender_period.end_date.expect("end");
    let events = given.then_apply(Command::CheckDue);
    let types: Vec<_> = events.iter().map(crate::DomainEvent::event_type).collect();
    assert_eq!(types, ["TenderingEnded", "BidsDisclosed"]);
    assert!(
        given.when(Command::CheckDue).expect("ok").is_empty(),
        "idempotent"
    );
    let tender = given.tender().clone();
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(tender.awards.len(), 1);
    assert_eq!(tender.awards[0].bid_id, b2, "lowest price first");
    assert!(
        disclosure::public_tender(&given.state).expect("doc")["bids"]
            .as_array()
            .is_some_and(|b| b.len() == 3)
    );
    given.then_apply(Command::DecideAward {
        actor: owner(),
        award_id: tender.awards[0].id.clone(),
        edit: AwardEdit {
            status: Some("active".into()),
            qualified: Some(true),
            ..AwardEdit::default()
        },
    });
    let tender = given.tender().clone();
    assert_eq!(tender.status, TenderStatus::ActiveAwarded);
    assert_eq!(tender.contracts.len(), 1);
    assert_eq!(tender.contracts[0].contract_id, "UA-2023-09-20-000001-a-a1");
    assert_eq!(tender.contracts[0].status, ContractStatus::Pending);
    given.then_apply(Command::EditContract {
        actor: owner(),
        contract_id: tender.contracts[0].id.clone(),
        edit: ContractEdit {
            status: Some("active".into()),
            ..ContractEdit::default()
        },
    });
    assert_eq!(given.tender().status, TenderStatus::Complete);
}

#[test]
fn rejected_awards_move_down_the_ranking_then_fail() {
    let mut given = Given::activated();
    let first = given.bid("11111111", 200);
    given.now = at(21, 0);
    let tied_later = given.bid("22222222", 200);
    given.now = given.tender().tender_period.end_date.expect("end");
    given.then_apply(Command::CheckDue);
    assert_eq!(
        given.tender().awards[0].bid_id,
        first,
        "a tie goes to the earlier bid"
    );
    let reject = |award_id: String| Command::DecideAward {
        actor: owner(),
        award_id,
        edit: AwardEdit {
            status: Some("unsuccessful".into()),
            qualified: Some(false),
            ..AwardEdit::default()
        },
    };
    let award = given.tender().awards[0].id.clone();
    given.then_apply(reject(award));
    assert_eq!(given.tender().awards.len(), 2);
    assert_eq!(given.tender().awards[1].bid_id, tied_later);
    assert_eq!(given.tender().awards[1].status, AwardStatus::Pending);
    let award = given.tender().awards[1].id.clone();
    given.then_apply(reject(award));
    assert_eq!(given.tender().status, TenderStatus::Unsuccessful);
}

#[test]
fn no_bids_makes_the_tender_unsuccessful() {
    let mut given = Given::activated();
    given.now = given.tender().tender_period.end_date.expect("end");
    given.then_apply(Command::CheckDue);
    assert_eq!(given.tender().status, TenderStatus::Unsuccessful);
    assert!(next_check(&given.state).is_none());
}

#[test]
fn too_few_bids_make_the_tender_unsuccessful_with_its_bids_sealed() {
    let mut given = Given::activated();
    given.state.config.min_bids_number = 2;
    let bid_id = given.bid("11111111", 17777);
    given.now = given.tender().tender_period.end_date.expect("end");
    let events = given.then_apply(Command::CheckDue);
    let types: Vec<_> = events.iter().map(crate::DomainEvent::event_type).collect();
    assert_eq!(types, ["TenderingEnded"]);
    assert_eq!(given.tender().status, TenderStatus::Unsuccessful);
    assert!(!disclosure::bids_disclosed(&given.state));
    let document = disclosure::public_tender(&given.state).expect("document");
    assert!(!document.to_string().contains("17777"), "{document}");
    assert!(disclosure::visible_bid(&given.state, &bid_id, false).is_err());
}

#[test]
fn cancellation_needs_a_document_then_cancels() {
    let mut given = Given::activated();
    let id = given.request_cancellation();
    let activate = Command::EditCancellation {
        actor: owner(),
        cancellation_id: id.clone(),
        edit: CancellationEdit {
            status: Some("active".into()),
            reason: None,
        },
    };
    assert_eq!(refusal_of(given.when(activate.clone())).name, "documents");
    given.then_apply(cancellation_details(&id));
    given.then_apply(activate);
    assert_eq!(given.tender().status, TenderStatus::Cancelled);
    assert!(next_check(&given.state).is_none());
}

#[test]
fn transfer_token_hands_the_tender_over() {
    let mut given = Given::created();
    let wrong = refusal_of(given.when(Command::TransferOwnership {
        broker: "other".into(),
        transfer_hash: "nope".into(),
        new_token_hash: "t2".into(),
        new_transfer_hash: "x2".into(),
    }));
    assert_eq!(wrong.kind, RefusalKind::Forbidden);
    given.then_apply(Command::TransferOwnership {
        broker: "other".into(),
        transfer_hash: "transfer-token".into(),
        new_token_hash: "t2".into(),
        new_transfer_hash: "x2".into(),
    });
    assert_eq!(given.tender().owner, "other");
    let old_owner = refusal_of(given.when(Command::Edit {
        actor: owner(),
        edit: Box::new(TenderEdit {
            title: Some("x".into()),
            ..TenderEdit::default()
        }),
        catalogue: None,
    }));
    assert_eq!(old_owner.kind, RefusalKind::Forbidden);
}

fn bid_owner(firm: &str) -> Actor {
    Actor {
        broker: "broker".into(),
        token_hash: Some(format!("bid-token-{firm}")),
    }
}

fn public_log(events: &[Event]) -> String {
    events
        .iter()
        .map(|event| disclosure::public_event(event).data.to_string())
        .collect()
}

#[test]
fn bids_of_a_tender_cancelled_during_tendering_stay_sealed_for_ever() {
    let mut given = Given::activated();
    let bid_id = given.bid("11111111", 187);
    let id = given.request_cancellation();
    given.then_apply(cancellation_details(&id));
    given.then_apply(Command::EditCancellation {
        actor: owner(),
        cancellation_id: id,
        edit: CancellationEdit {
            status: Some("active".into()),
            reason: None,
        },
    });
    assert_eq!(given.tender().status, TenderStatus::Cancelled);
    assert!(!disclosure::bids_disclosed(&given.state));
    let document = disclosure::public_tender(&given.state).expect("document");
    assert!(document.get("bids").is_none(), "{document}");
    assert!(!document.to_string().contains("187"), "{document}");
    assert!(disclosure::visible_bid(&given.state, &bid_id, false).is_err());
    // Even after the end of the tender period nothing opens them.
    given.now = at(30, 0);
    assert!(given.when(Command::CheckDue).expect("ok").is_empty());
}

#[test]
fn withdrawn_bids_and_earlier_prices_are_never_public() {
    let mut given = Given::activated();
    let kept = given.bid("11111111", 17301);
    let withdrawn = given.bid("22222222", 17302);
    let mut log = Vec::new();
    log.extend(
        given.then_apply(Command::EditBid {
            actor: bid_owner("11111111"),
            bid_id: kept.clone(),
            edit: Box::new(BidEdit {
                value: Some(
                    serde_json::from_value(
                        json!({"amount": 17299, "currency": "UAH", "valueAddedTaxIncluded": false}),
                    )
                    .expect("money"),
                ),
                ..BidEdit::default()
            }),
        }),
    );
    log.extend(given.then_apply(Command::WithdrawBid {
        actor: bid_owner("22222222"),
        bid_id: withdrawn.clone(),
    }));
    given.now = given.tender().tender_period.end_date.expect("end");
    let ended = given.then_apply(Command::CheckDue);
    let opened = ended
        .iter()
        .find(|event| matches!(event, Event::BidsDisclosed { .. }))
        .map(disclosure::public_event)
        .expect("bids disclosed");
    assert!(!opened.withheld);
    assert_eq!(opened.data["bids"].as_array().map(Vec::len), Some(1));
    assert_eq!(opened.data["bids"][0]["value"]["amount"], json!(17299.0));
    log.extend(ended);
    let public = public_log(&log)
        + &disclosure::public_tender(&given.state)
            .expect("doc")
            .to_string();
    assert!(public.contains("17299"), "the final price is disclosed");
    assert!(
        !public.contains("17301"),
        "the price before the edit: {public}"
    );
    assert!(
        !public.contains("17302"),
        "the withdrawn bid's price: {public}"
    );
    assert!(
        !opened.data.to_string().contains(&withdrawn),
        "the withdrawn bid is not among the disclosed"
    );
    assert!(disclosure::visible_bid(&given.state, &withdrawn, false).is_err());
}

#[test]
fn one_bid_per_tenderer_without_telling_other_brokers_who_has_bid() {
    let mut given = Given::activated();
    let first = given.bid("11111111", 300);
    // The same broker is told at once: it knows its own bids.
    let again = refusal_of(given.when(submit("11111111", 280, given.answers())));
    assert_eq!(again.name, "tenderers");
    // Another broker is not: its bid is taken, and left out at the end.
    let events = given.then_apply(submit_via("other", "11111111", 250, given.answers()));
    let Event::BidSubmitted { bid, .. } = &events[0] else {
        panic!("{events:?}")
    };
    let later = bid.id.clone();
    given.bid("22222222", 290);
    given.now = given.tender().tender_period.end_date.expect("end");
    let ended = given.then_apply(Command::CheckDue);
    let Event::TenderingEnded {
        award, excluded, ..
    } = &ended[0]
    else {
        panic!("{ended:?}")
    };
    assert_eq!(excluded, std::slice::from_ref(&later));
    let award = award.as_ref().expect("an award");
    assert_ne!(award.bid_id, later, "the excluded bid is not awarded");
    let bid = given
        .tender()
        .bids
        .iter()
        .find(|b| b.id == later)
        .expect("bid");
    assert_eq!(bid.status, BidStatus::Unsuccessful);
    assert!(disclosure::visible_bid(&given.state, &later, false).is_err());
    assert!(disclosure::visible_bid(&given.state, &first, false).is_ok());
    assert!(!public_log(&ended).contains("250"));
}

#[test]
fn zero_amounts_and_quantities_are_refused() {
    // A tender item of quantity 0.
    let mut input = tender_input();
    input.items[0].quantity = Some(serde_json::from_value(json!(0)).expect("amount"));
    let refusal = refusal_of(Given::nothing().when(Command::Create {
        actor: owner(),
        id: "bb8949e735294cbaa864bd3bc68a1e5f".into(),
        tender: Box::new(input),
        config: Config::default(),
        tender_id: "UA-2023-09-20-000001-a".into(),
        owner_token_hash: "owner-token".into(),
        transfer_token_hash: "transfer-token".into(),
    }));
    assert_eq!(
        (refusal.kind, refusal.name.as_str()),
        (RefusalKind::Invalid, "items.quantity")
    );
    // The same through a draft edit, and a zero tender value.
    let given = Given::created();
    let mut items = given.tender().items.clone();
    items[0].quantity = Some(serde_json::from_value(json!(0.0)).expect("amount"));
    let edit = |edit: TenderEdit| Command::Edit {
        actor: owner(),
        edit: Box::new(edit),
        catalogue: None,
    };
    let refusal = refusal_of(given.when(edit(TenderEdit {
        items: Some(items),
        ..TenderEdit::default()
    })));
    assert_eq!(refusal.name, "items.quantity");
    let refusal = refusal_of(given.when(edit(TenderEdit {
        value: Some(serde_json::from_value(json!({"amount": 0})).expect("money")),
        ..TenderEdit::default()
    })));
    assert_eq!(refusal.name, "value.amount");

    // A bid of 0, at submission and by an edit.
    let mut given = Given::activated();
    let answers = given.answers();
    let refusal = refusal_of(given.when(submit("11111111", 0, answers)));
    assert_eq!(
        (refusal.kind, refusal.name.as_str()),
        (RefusalKind::Invalid, "value.amount")
    );
    let bid_id = given.bid("11111111", 100);
    let refusal = refusal_of(
        given.when(Command::EditBid {
            actor: Actor {
                broker: "broker".into(),
                token_hash: Some("bid-token-11111111".into()),
            },
            bid_id: bid_id.clone(),
            edit: Box::new(
                serde_json::from_value(json!({"value": {"amount": 0, "currency": "UAH"}}))
                    .expect("edit"),
            ),
        }),
    );
    assert_eq!(
        (refusal.kind, refusal.name.as_str()),
        (RefusalKind::Invalid, "value.amount")
    );
    // A tiny but positive price is a price, written as a plain decimal.
    given.then_apply(Command::EditBid {
        actor: Actor {
            broker: "broker".into(),
            token_hash: Some("bid-token-11111111".into()),
        },
        bid_id: bid_id.clone(),
        edit: Box::new(
            serde_json::from_value(json!({"value": {"amount": 1e-7, "currency": "UAH"}}))
                .expect("edit"),
        ),
    });
    let bid = disclosure::visible_bid(&given.state, &bid_id, true).expect("own bid");
    assert_eq!(
        serde_json::to_string(&bid["value"]["amount"]).expect("json"),
        "0.0000001"
    );
}
