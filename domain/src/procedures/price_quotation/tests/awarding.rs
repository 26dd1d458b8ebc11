//! The end of the tender period, the awards down the ranking, the contract.

use super::super::*;
use super::fixtures::*;
use crate::procedures::Requests;
use crate::procedures::common::disclosure;
use crate::testing::{Spec, event_types};

/// The end of an award created at [`tender_end`]: two working days later,
/// to the end of that Kyiv day.
const AWARD_DEADLINE: &str = "2023-10-07T00:00:00+03:00";

#[test]
fn happy_path_to_complete() {
    let mut spec = tendering_with(&[("11111111", 300), ("22222222", 200), ("33333333", 250)]);
    // Not due yet: the scheduler's command changes nothing.
    spec.when(check_due()).then_nothing();
    spec.set_now(tender_end());
    let events = spec.step(check_due());
    assert_eq!(event_types(&events), ["TenderingEnded", "BidsDisclosed"]);
    spec.when(check_due()).then_nothing();
    let qualifying = tender(&spec).clone();
    assert_eq!(qualifying.status, TenderStatus::ActiveQualification);
    assert_eq!(qualifying.awards.len(), 1);
    assert_eq!(
        qualifying.awards[0].bid_id,
        nth_bid(2),
        "lowest price first"
    );
    let period = &qualifying.awards[0].period;
    assert_eq!(period.start_date, Some(tender_end()));
    assert_eq!(
        period.end_date.map(crate::time::format_kyiv).as_deref(),
        Some(AWARD_DEADLINE),
        "two working days, to the end of the Kyiv day"
    );
    assert!(
        disclosure::public_document::<PriceQuotation>(spec.state()).expect("doc")["bids"]
            .as_array()
            .is_some_and(|b| b.len() == 3)
    );
    let accepted = signed_decision(&mut spec, &qualifying.awards[0].id, "active", true);
    assert_eq!(event_types(&accepted), ["AwardAccepted"]);
    let awarded = tender(&spec).clone();
    assert_eq!(awarded.status, TenderStatus::ActiveAwarded);
    assert_eq!(awarded.contracts.len(), 1);
    assert_eq!(
        awarded.contracts[0].contract_id,
        "UA-2023-09-20-000001-a-a1"
    );
    assert_eq!(awarded.contracts[0].status, ContractStatus::Pending);
    let signed = Event::ContractSigned {
        contract_id: awarded.contracts[0].id.clone(),
        at: tender_end(),
    };
    spec.when(Command::SignContract {
        actor: owner(),
        contract_id: awarded.contracts[0].id.clone(),
    })
    .then([signed.clone()]);
    spec.record([signed]);
    assert_eq!(tender(&spec).status, TenderStatus::Complete);
}

#[test]
fn rejected_awards_move_down_the_ranking_then_fail() {
    let first = bid_id(0x100);
    let tied_later = bid_id(0x200);
    let mut spec = tendering()
        .and([
            bid_submitted("11111111", 200, 0x100, sept(20, 0)),
            bid_submitted("22222222", 200, 0x200, sept(21, 0)),
        ])
        .at(tender_end());
    spec.step(check_due());
    let awards = &tender(&spec).awards;
    assert_eq!(awards[0].bid_id, first, "a tie goes to the earlier bid");
    let rejected = {
        let award_id = awards[0].id.clone();
        signed_decision(&mut spec, &award_id, "unsuccessful", false)
    };
    let [
        Event::AwardRejected {
            next_award: Some(next),
            ..
        },
    ] = rejected.as_slice()
    else {
        panic!("{rejected:?}")
    };
    assert_eq!(next.bid_id, tied_later);
    let awards = &tender(&spec).awards;
    assert_eq!(awards.len(), 2);
    assert_eq!(awards[1].bid_id, tied_later);
    assert_eq!(awards[1].status, AwardStatus::Pending);
    let rejected = {
        let award_id = awards[1].id.clone();
        signed_decision(&mut spec, &award_id, "unsuccessful", false)
    };
    assert!(
        matches!(
            rejected.as_slice(),
            [Event::AwardRejected {
                next_award: None,
                ..
            }]
        ),
        "{rejected:?}"
    );
    assert_eq!(tender(&spec).status, TenderStatus::Unsuccessful);
}

#[test]
fn no_bids_makes_the_tender_unsuccessful() {
    let ended = Event::TenderingEnded {
        award: None,
        invalid: vec![],
        excluded: vec![],
        at: tender_end(),
    };
    let spec = tendering().at(tender_end());
    spec.when(check_due()).then([ended.clone()]);
    let spec = spec.and([ended]);
    assert_eq!(tender(&spec).status, TenderStatus::Unsuccessful);
    assert!(next_check(spec.state()).is_none());
}

#[test]
fn too_few_bids_make_the_tender_unsuccessful_with_its_bids_sealed() {
    let bid_id = bid_id(0x100);
    let spec = Spec::<PriceQuotation>::given([
        created_with_min_bids(2),
        activated(),
        bid_submitted("11111111", 17777, 0x100, sept(20, 0)),
    ])
    .at(tender_end());
    // No award and no disclosure: the bids stay sealed.
    let ended = Event::TenderingEnded {
        award: None,
        invalid: vec![],
        excluded: vec![],
        at: tender_end(),
    };
    spec.when(check_due()).then([ended.clone()]);
    let spec = spec.and([ended]);
    assert_eq!(tender(&spec).status, TenderStatus::Unsuccessful);
    assert!(!disclosure::bids_disclosed(spec.state()));
    let document = disclosure::public_document::<PriceQuotation>(spec.state()).expect("document");
    assert!(!document.to_string().contains("17777"), "{document}");
    assert!(disclosure::visible_bid(spec.state(), &bid_id, false).is_err());
}

#[test]
fn an_accepted_award_taken_back_starts_the_decision_again() {
    let mut spec = tendering_with(&[("11111111", 300), ("22222222", 200)]);
    spec.set_now(tender_end());
    spec.step(check_due());
    let first = tender(&spec).awards[0].clone();
    signed_decision(&mut spec, &first.id, "active", true);
    let cancel = PriceQuotation::award_patch(
        owner(),
        first.id.clone(),
        AwardEdit {
            status: Some("cancelled".into()),
            ..AwardEdit::default()
        },
    )
    .expect("a cancellation");
    let events = spec.step(cancel.clone());
    let [
        Event::AwardCancelled {
            next_award: Some(next),
            ..
        },
    ] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(next.bid_id, first.bid_id, "the same bid is awarded again");
    assert_eq!(PriceQuotation::made(&events), Some(next.id.clone()));
    let reopened = tender(&spec);
    assert_eq!(reopened.status, TenderStatus::ActiveQualification);
    assert_eq!(reopened.awards[0].status, AwardStatus::Cancelled);
    assert_eq!(reopened.awards[1].status, AwardStatus::Pending);
    assert_eq!(reopened.contracts[0].status, ContractStatus::Cancelled);
    // Only an accepted award can be taken back.
    spec.when(cancel)
        .then_refused(crate::procurement::RefusalKind::Forbidden, "data");
}
