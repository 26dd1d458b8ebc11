//! What the priceQuotation specs are given: the events of a tender as the
//! store holds them, written out here so that a spec depends on the rule it
//! is about and not on the commands that once led there, and the commands
//! the specs try.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value as Json, json};

use super::super::catalogue::{Agreement, AgreementContract, CatalogueSnapshot, Profile};
use super::super::*;
use crate::DomainEvent;
use crate::procedures::Requests;
use crate::procedures::common::disclosure;
use crate::testing::{Spec, id, utc};

pub const PROFILE: &str = "655360-30230000-889652-40000777";
pub const AGREEMENT: &str = "2e14a78a2074952d5a2d256c3c004dda";

/// `hour`:00 UTC on `day` September 2023.
pub fn sept(day: u32, hour: u32) -> DateTime<Utc> {
    utc(2023, 9, day, hour, 0)
}

/// The tender period's end, 2023-10-04T01:00:00+03:00.
pub fn tender_end() -> DateTime<Utc> {
    utc(2023, 10, 3, 22, 0)
}

/// The ids [`created`] gave its requirements (after the item's, the
/// criterion's and the group's).
pub fn requirement_ids() -> [String; 3] {
    [id(4), id(5), id(6)]
}

pub fn owner() -> Actor {
    Actor {
        broker: "broker".into(),
        token_hash: Some("owner-token".into()),
    }
}

pub fn bid_owner(firm: &str) -> Actor {
    Actor {
        broker: "broker".into(),
        token_hash: Some(format!("bid-token-{firm}")),
    }
}

/// A firm as the catalogue lists it among an agreement's suppliers.
pub fn supplier(id: &str) -> Map<String, Json> {
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

pub fn tenderer(id: &str) -> Json {
    json!({
        "name": format!("Supplier {id}"),
        "identifier": {"scheme": "UA-EDR", "id": id},
        "address": {"countryName": "Україна"},
        "contactPoint": {"name": "Contact", "telephone": "+380000000000"},
        "scale": "large"
    })
}

pub fn tender_input() -> TenderInput {
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

pub fn create(tender: TenderInput) -> Command {
    Command::Create {
        actor: Actor {
            broker: "broker".into(),
            token_hash: None,
        },
        id: "bb8949e735294cbaa864bd3bc68a1e5f".into(),
        tender: Box::new(tender),
        config: Config::default(),
        tender_id: "UA-2023-09-20-000001-a".into(),
        owner_token_hash: "owner-token".into(),
        transfer_token_hash: "transfer-token".into(),
    }
}

pub fn good_catalogue() -> CatalogueSnapshot {
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

/// [`good_catalogue`]'s agreement, as the e-catalogue gives it.
pub fn good_agreement() -> Agreement {
    good_catalogue().agreement.expect("the agreement")
}

/// The scheduler's command, with [`good_agreement`] fetched for it.
pub fn check_due() -> Command {
    Command::CheckDue {
        agreement: Some(good_agreement()),
    }
}

pub fn good_catalogue_without_profile() -> CatalogueSnapshot {
    let mut catalogue = good_catalogue();
    catalogue.profiles[0].1 = None;
    catalogue
}

pub fn edit(edit: TenderEdit) -> Command {
    Command::EditDraft {
        actor: owner(),
        edit: Box::new(edit),
    }
}

pub fn activate(catalogue: Option<CatalogueSnapshot>) -> Command {
    Command::Activate {
        actor: owner(),
        edit: Box::new(TenderEdit::default()),
        catalogue,
    }
}

/// Responses meeting every requirement of [`created`].
pub fn answers() -> Json {
    let ids = requirement_ids();
    json!([
        {"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"},
        {"requirement": {"id": ids[1]}, "value": 7},
        {"requirement": {"id": ids[2]}, "values": ["A", "C"]}
    ])
}

pub fn submit(firm: &str, amount: u32, answers: Json) -> Command {
    submit_via("broker", firm, amount, answers)
}

pub fn submit_via(broker: &str, firm: &str, amount: u32, answers: Json) -> Command {
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
        stage: BidStage::Submitted,
        token_hash: format!("bid-token-{firm}"),
        transfer_hash: None,
    }
}

/// The owner's `PATCH` of an award, as the API reads it.
pub fn award_decision(award_id: &str, status: &str, qualified: bool) -> Command {
    let edit = AwardEdit {
        status: Some(status.into()),
        qualified: Some(qualified),
        ..AwardEdit::default()
    };
    PriceQuotation::award_patch(owner(), award_id.to_owned(), edit).expect("an award decision")
}

/// The owner signs award `award_id` and then decides on it, as
/// [`award_decision`]; answers the decision's events.
pub fn signed_decision(
    spec: &mut Spec<PriceQuotation>,
    award_id: &str,
    status: &str,
    qualified: bool,
) -> Vec<Event> {
    spec.step(sign(Target::Award(award_id.to_owned())));
    spec.step(award_decision(award_id, status, qualified))
}

pub fn request_cancellation() -> Command {
    Command::RequestCancellation {
        actor: owner(),
        cancellation: CancellationInput {
            reason: "no longer needed".into(),
            reason_type: "noDemand".into(),
            cancellation_of: None,
            status: None,
        },
    }
}

pub fn activate_cancellation(cancellation_id: &str) -> Command {
    Command::ActivateCancellation {
        actor: owner(),
        cancellation_id: cancellation_id.to_owned(),
        reason: None,
        reason_type: None,
    }
}

/// The decision document a cancellation needs before it can be activated.
pub fn cancellation_details(cancellation_id: &str) -> Command {
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

/// An event as the store holds it.
pub fn recorded(event_type: &str, data: Json) -> Event {
    Event::decode(event_type, 1, &data)
        .unwrap_or_else(|error| panic!("recorded {event_type}: {error}"))
}

/// The draft [`create`] of [`tender_input`] makes at [`sept`]`(20, 0)`:
/// ids 1–6 for its item, criterion, group and requirements.
pub fn created() -> Event {
    let at = "2023-09-20T03:00:00+03:00";
    let mut data = json!({
            "config": {
                "hasAuction": false, "hasAwardingOrder": true, "hasPreSelectionAgreement": true,
                "hasPrequalification": false, "hasValueRestriction": true, "minBidsNumber": 1,
                "valueCurrencyEquality": true, "hasMultiSourcing": false
            },
            "owner_token_hash": "owner-token",
            "transfer_token_hash": "transfer-token",
            "tender": {
                "id": "bb8949e735294cbaa864bd3bc68a1e5f",
                "tenderID": "UA-2023-09-20-000001-a",
                "owner": "broker",
                "status": "draft",
                "title": "Комп’ютерне обладнання",
                "mainProcurementCategory": "goods",
                "procurementMethod": "selective",
                "procurementMethodType": "priceQuotation",
                "awardCriteria": "lowestCost",
                "procuringEntity": {
                    "name": "Державне управління справами",
                    "identifier": {"id": "00037256", "scheme": "UA-EDR"},
                    "address": {"countryName": "Україна"},
                    "kind": "general"
                },
                "value": {"amount": 22000.0, "currency": "UAH", "valueAddedTaxIncluded": false},
                "tenderPeriod": {"startDate": at, "endDate": "2023-10-04T01:00:00+03:00"},
                "items": [{
                    "id": id(1),
                    "description": "Cartons",
                    "profile": PROFILE,
                    "quantity": 5.0,
                    "unit": {
                        "code": "KGM",
                        "value": {"amount": 6.0, "currency": "UAH", "valueAddedTaxIncluded": false}
                    }
                }],
                "agreement": {"id": AGREEMENT},
                "criteria": [{
                    "id": id(2),
                    "title": "Форма випуску",
                    "requirementGroups": [{
                        "id": id(3),
                        "requirements": [
                            {"id": id(4), "title": "Форма", "dataType": "string",
                             "expectedValue": "Розчин для інфузій",
                             "status": "active", "datePublished": at},
                            {"id": id(5), "title": "Доза", "dataType": "integer", "minValue": 5,
                             "status": "active", "datePublished": at},
                            {"id": id(6), "title": "Відповіді", "dataType": "string",
                             "expectedValues": ["A", "B", "C", "D"],
                             "expectedMinItems": 2, "expectedMaxItems": 3,
                             "status": "active", "datePublished": at}
                        ]
                    }]
                }],
                "date": at,
                "dateCreated": at,
                "dateModified": at
            }
    });
    data["tender"]["contractChangeRationaleTypes"] =
        crate::procedures::price_quotation::decide::contract_change_rationale_types()
            .expect("the compiled-in dictionary parses");
    recorded("TenderCreated", data)
}

/// [`created`] with another `minBidsNumber`.
pub fn created_with_min_bids(min_bids_number: u32) -> Event {
    let mut event = created();
    if let Event::TenderCreated { config, .. } = &mut event {
        config.min_bids_number = min_bids_number;
    }
    event
}

/// The activation on [`good_catalogue`] at [`sept`]`(20, 0)`.
pub fn activated() -> Event {
    let catalogue = good_catalogue();
    let shortlisted_firms = catalogue
        .agreement
        .as_ref()
        .map(Agreement::qualified_suppliers)
        .unwrap_or_default();
    Event::TenderActivated {
        catalogue,
        shortlisted_firms,
        contract_template_name: "00000000-0.0001.01".into(),
        at: sept(20, 0),
    }
}

/// The bid of `firm` at `amount` answering [`answers`], placed at `at` by
/// "broker": ids `first_id` … `first_id + 2` for its responses, then
/// [`bid_id`]`(first_id)` for itself, as the decider hands them out.
pub fn bid_submitted(firm: &str, amount: u32, first_id: u64, at: DateTime<Utc>) -> Event {
    let [form, dose, choice] = requirement_ids();
    recorded(
        "BidSubmitted",
        json!({
            "owner": "broker",
            "token_hash": format!("bid-token-{firm}"),
            "bid": {
                "id": bid_id(first_id),
                "date": crate::time::format_kyiv(at),
                "submissionDate": crate::time::format_kyiv(at),
                "status": "pending",
                "tenderers": [tenderer(firm)],
                "value": {"amount": amount, "currency": "UAH", "valueAddedTaxIncluded": false},
                "requirementResponses": [
                    {"id": id(first_id), "requirement": {"id": form, "title": "Форма"},
                     "value": "Розчин для інфузій"},
                    {"id": id(first_id + 1), "requirement": {"id": dose, "title": "Доза"},
                     "value": 7},
                    {"id": id(first_id + 2), "requirement": {"id": choice, "title": "Відповіді"},
                     "values": ["A", "C"]}
                ]
            }
        }),
    )
}

/// The id of the bid [`bid_submitted`] places with `first_id`.
pub fn bid_id(first_id: u64) -> String {
    id(first_id + 3)
}

/// A draft cancellation of the whole tender, requested at `at`.
pub fn cancellation_requested(cancellation_id: &str, at: DateTime<Utc>) -> Event {
    recorded(
        "CancellationRequested",
        json!({"cancellation": {
            "id": cancellation_id,
            "status": "draft",
            "reason": "no longer needed",
            "reasonType": "noDemand",
            "cancellationOf": "tender",
            "date": crate::time::format_kyiv(at)
        }}),
    )
}

/// The owner's [`cancellation_details`] document, added at `at`.
pub fn cancellation_details_added(
    cancellation_id: &str,
    document_id: &str,
    at: DateTime<Utc>,
) -> Event {
    let at = crate::time::format_kyiv(at);
    recorded(
        "DocumentAdded",
        json!({
            "target": {"of": "cancellation", "id": cancellation_id},
            "document": {
                "id": document_id,
                "author": "tender_owner",
                "confidentiality": "public",
                "documentOf": "tender",
                "documentType": "cancellationDetails",
                "title": "decision.pdf",
                "url": "http://localhost/api/2.5/documents/x",
                "hash": "md5:00000000000000000000000000000000",
                "format": "application/pdf",
                "language": "uk",
                "datePublished": at,
                "dateModified": at
            }
        }),
    )
}

/// The owner's notice signature (a `notice` document in the
/// pkcs7-signature format) on `target`, added at `at`.
pub fn notice_added(target: Target, document_id: &str, at: DateTime<Utc>) -> Event {
    let at = crate::time::format_kyiv(at);
    let target = serde_json::to_value(&target).expect("a target");
    let target = match target["of"].as_str() {
        Some("procedure") => json!({"of": "tender"}),
        _ => target,
    };
    recorded(
        "DocumentAdded",
        json!({
            "target": target,
            "document": {
                "id": document_id,
                "author": "tender_owner",
                "confidentiality": "public",
                "documentOf": "tender",
                "documentType": "notice",
                "title": "sign.p7s",
                "url": "http://localhost/api/2.5/documents/sign",
                "hash": "md5:00000000000000000000000000000000",
                "format": "application/pkcs7-signature",
                "language": "uk",
                "datePublished": at,
                "dateModified": at
            }
        }),
    )
}

/// The owner attaches its notice signature to `target`.
pub fn sign(target: Target) -> Command {
    Command::AddDocument {
        actor: owner(),
        target,
        document: serde_json::from_value(json!({
            "title": "sign.p7s", "url": "http://localhost/api/2.5/documents/sign",
            "hash": "md5:00000000000000000000000000000000",
            "format": "application/pkcs7-signature", "documentType": "notice"
        }))
        .expect("document"),
    }
}

/// The id of the notice signature [`signed_draft`] holds.
pub const TENDER_NOTICE: &str = "5167ed00000000000000000000000001";

/// The tender in `draft`, at the moment of its creation; fresh ids follow
/// the creation's.
pub fn draft() -> Spec<PriceQuotation> {
    Spec::given([created()]).at(sept(20, 0)).ids_from(7)
}

/// [`draft`] with the owner's notice signature attached, ready to activate.
pub fn signed_draft() -> Spec<PriceQuotation> {
    draft().and([notice_added(Target::Procedure, TENDER_NOTICE, sept(20, 0))])
}

/// The tender taking bids, at the moment of its activation.
pub fn tendering() -> Spec<PriceQuotation> {
    signed_draft().and([activated()])
}

/// [`tendering`] with bids of `(firm, amount)`, all placed at activation.
pub fn tendering_with(bids: &[(&str, u32)]) -> Spec<PriceQuotation> {
    tendering().and(
        bids.iter()
            .zip(1..)
            .map(|(&(firm, amount), n)| bid_submitted(firm, amount, n * 0x100, sept(20, 0))),
    )
}

pub fn tender(spec: &Spec<PriceQuotation>) -> &Tender {
    spec.state().tender.as_ref().expect("tender exists")
}

/// The public log's data of `events`, run together for a search.
pub fn public_log(events: &[Event]) -> String {
    events
        .iter()
        .map(|event| disclosure::public_event(event).data.to_string())
        .collect()
}

/// The id of the `n`th bid of [`tendering_with`] (1-based).
pub fn nth_bid(n: u64) -> String {
    bid_id(n * 0x100)
}
