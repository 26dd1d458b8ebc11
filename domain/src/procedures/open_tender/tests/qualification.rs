//! Awards and the contract: TV-1 (accepted, contract, complete), TV-7
//! (unsuccessful → next bid), TV-12 (every award unsuccessful), TV-15
//! (the contract is not delayed by the complaint period).

use super::super::*;
use super::fixtures::*;
use crate::procurement::RefusalKind;
use crate::testing::{Spec, id};

fn qualify(award_id: &str, qualified: Option<bool>) -> Command {
    Command::QualifyAward {
        actor: owner(),
        award_id: award_id.to_owned(),
        qualified,
    }
}

fn disqualify(award_id: &str, qualified: Option<bool>) -> Command {
    Command::DisqualifyAward {
        actor: owner(),
        award_id: award_id.to_owned(),
        qualified,
    }
}

fn tender_of(spec: &Spec<OpenTender>) -> &Tender {
    spec.state().tender.as_ref().expect("tender")
}

#[test]
fn tv1_award_accepted_then_contract_activated_completes_the_tender() {
    let (mut spec, award_id) = qualification();
    let t = at("2027-01-15T14:00:00+02:00");
    spec.set_now(t);
    spec.record([award_notice(&award_id, 40, t)]);
    spec.step(qualify(&award_id, Some(true)));
    let tender = tender_of(&spec);
    assert_eq!(tender.status, TenderStatus::ActiveAwarded);
    let award = &tender.awards[0];
    assert_eq!(award.status, AwardStatus::Active);
    assert_eq!(
        award.complaint_period.as_ref().and_then(|p| p.end_date),
        Some(at("2027-01-20T00:00:00+02:00"))
    );
    assert_eq!(
        tender.award_period.as_ref().and_then(|p| p.end_date),
        Some(t)
    );
    let contract = &tender.contracts[0];
    assert_eq!(contract.status, ContractStatus::Pending);
    assert_eq!(contract.contract_id, format!("{TENDER_ID}-a1"));
    assert_eq!(contract.value.amount_net, amount("450"));
    let contract_id = contract.id.clone();
    assert_eq!(next_check(spec.state()), None);
    spec.step(Command::ActivateContract {
        contract_id,
        date_signed: t + chrono::TimeDelta::minutes(1),
    });
    let tender = tender_of(&spec);
    assert_eq!(tender.status, TenderStatus::Complete);
    assert_eq!(tender.lots[0].status, LotStatus::Complete);
}

#[test]
fn tv7_unsuccessful_award_passes_to_the_next_bid() {
    let (mut spec, w1) = qualification();
    let t = at("2027-01-15T14:00:00+02:00");
    spec.set_now(t);
    let refused = spec
        .when(disqualify(&w1, None))
        .then_refused(RefusalKind::Invalid, "qualified");
    assert_eq!(
        refused.description,
        "Can't update award to unsuccessful status when qualified/eligible isn't set to False"
    );
    let refused = spec
        .when(disqualify(&w1, Some(false)))
        .then_refused(RefusalKind::Invalid, "documents");
    assert_eq!(
        refused.description,
        "Document with type 'notice' and format pkcs7-signature is required"
    );
    spec.step(Command::AddDocument {
        actor: owner(),
        target: Target::Award(w1.clone()),
        document: document_input("notice", "sign.p7s"),
    });
    let events = spec.step(disqualify(&w1, Some(false)));
    let [
        Event::AwardRejected {
            complaint_period,
            next_award: Some(w2),
            ..
        },
    ] = events.as_slice()
    else {
        panic!("{events:?}");
    };
    assert_eq!(complaint_period.start_date, Some(t));
    assert_eq!(w2.bid_id, id(13), "C, 455, the next cheapest");
    assert_eq!(w2.value.amount, amount("455"));
    let tender = tender_of(&spec);
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(tender.awards[0].status, AwardStatus::Unsuccessful);
    let refused = spec
        .when(qualify(&w1, Some(true)))
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't update award in current (unsuccessful) status"
    );
    spec.when(qualify(&w1, None))
        .then_refused(RefusalKind::Invalid, "qualified");
}

#[test]
fn tv12_every_award_unsuccessful() {
    let mut events = tendering();
    events.extend([
        placed(bid(11, "500", BidStatus::Pending)),
        placed(bid(12, "499", BidStatus::Pending)),
    ]);
    events.push(Event::TenderingEnded {
        excluded: Vec::new(),
        outcome: TenderingOutcome::Auction,
        at: tender_end(),
    });
    let mut spec = Spec::<OpenTender>::given(events)
        .at(auction_end())
        .ids_from(30);
    spec.step(Command::RecordAuction {
        lot_id: lot_id(),
        results: results(&[(11, "450"), (12, "460")]),
    });
    let t = at("2027-01-07T00:15:06+02:00");
    spec.set_now(t);
    let w1 = id(30);
    spec.record([award_notice(&w1, 40, t)]);
    spec.step(disqualify(&w1, Some(false)));
    let w2 = tender_of(&spec).awards[1].id.clone();
    assert_eq!(tender_of(&spec).awards[1].bid_id, id(12));
    spec.record([award_notice(&w2, 41, t)]);
    let events = spec.step(disqualify(&w2, Some(false)));
    assert!(matches!(
        events.as_slice(),
        [Event::AwardRejected {
            next_award: None,
            ..
        }]
    ));
    let tender = tender_of(&spec);
    assert_eq!(tender.status, TenderStatus::ActiveAwarded);
    assert_eq!(
        tender.award_period.as_ref().and_then(|p| p.end_date),
        Some(t)
    );
    let due = at("2027-01-12T00:00:00+02:00");
    assert_eq!(next_check(spec.state()), Some(due));
    spec.set_now(due - chrono::TimeDelta::seconds(1));
    spec.when(Command::CheckDue).then_nothing();
    spec.set_now(due);
    spec.step(Command::CheckDue);
    let tender = tender_of(&spec);
    assert_eq!(tender.status, TenderStatus::Unsuccessful);
    assert_eq!(tender.lots[0].status, LotStatus::Unsuccessful);
    assert_eq!(next_check(spec.state()), None);
}

#[test]
fn tv15_contract_not_delayed_by_the_award_complaint_period() {
    let (mut spec, award_id) = qualification();
    let t = at("2027-01-07T00:15:06+02:00");
    spec.set_now(t);
    spec.record([award_notice(&award_id, 40, t)]);
    spec.step(qualify(&award_id, Some(true)));
    let award = &tender_of(&spec).awards[0];
    assert_eq!(
        award.complaint_period.as_ref().and_then(|p| p.end_date),
        Some(at("2027-01-12T00:00:00+02:00"))
    );
    let contract_id = tender_of(&spec).contracts[0].id.clone();
    spec.set_now(at("2027-01-07T00:20:00+02:00"));
    let refused = spec
        .when(Command::ActivateContract {
            contract_id: contract_id.clone(),
            date_signed: t,
        })
        .then_refused(RefusalKind::Invalid, "dateSigned");
    assert_eq!(
        refused.description,
        "Contract signature date should be after award activation date (2027-01-07T00:15:06+02:00)"
    );
    spec.step(Command::ActivateContract {
        contract_id,
        date_signed: at("2027-01-07T00:19:00+02:00"),
    });
    assert_eq!(tender_of(&spec).status, TenderStatus::Complete);
}

/// §10.2 `active → cancelled`: the award and its contract are cancelled,
/// the same bid gets a new pending award.
#[test]
fn an_accepted_award_taken_back_reopens_qualification() {
    let (mut spec, award_id) = qualification();
    let t = at("2027-01-15T14:00:00+02:00");
    spec.set_now(t);
    spec.record([award_notice(&award_id, 40, t)]);
    spec.step(qualify(&award_id, Some(true)));
    spec.step(Command::CancelAward {
        actor: owner(),
        award_id: award_id.clone(),
    });
    let tender = tender_of(&spec);
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(tender.awards[0].status, AwardStatus::Cancelled);
    assert_eq!(tender.contracts[0].status, ContractStatus::Cancelled);
    assert_eq!(tender.awards[1].bid_id, id(11));
    assert_eq!(tender.awards[1].status, AwardStatus::Pending);
}
