//! The auction's report (spec §9.2, §9.3), from the outside module or the
//! auction the CDB runs: the lot's final amounts, then the first award;
//! the bids are opened.

use super::qualification::next_award;
use super::schedule::opened;
use crate::Context;
use crate::handoff::AuctionOutcome as HandOffOutcome;
use crate::procedures::common::{lookup, refusals};
use crate::procedures::open_tender::event::{AuctionOutcome, ParticipationUrl};
use crate::procedures::open_tender::{
    AuctionBidUrl, AuctionLotUrl, AuctionResult, Event, LotStatus, LotValueStatus, State,
    TenderStatus,
};
use crate::procurement::{Money, Refusal};

fn on_bids(text: &str) -> Refusal {
    Refusal::invalid("bids", text).as_list()
}

/// `PATCH /auction/{lot_id}` (spec §9.2): the lots and bids listed as
/// the tender has them; every counted bid of the lot gets its URL, or none.
pub(super) fn set_urls(
    state: &State,
    lot_id: &str,
    lots: &[AuctionLotUrl],
    bids: &[AuctionBidUrl],
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    if tender.status != TenderStatus::ActiveAuction {
        return Err(refusals::status_refusal(tender, "update auction urls"));
    }
    let lot = lookup::by_id(&tender.lots, lot_id, "lot_id")?;
    if lot.status != LotStatus::Active {
        return Err(Refusal::not_allowed(
            "Can update auction urls only in active lot status",
        ));
    }
    if lots.len() != tender.lots.len() {
        return Err(Refusal::invalid(
            "lots",
            "Number of lots did not match the number of tender lots",
        )
        .as_list());
    }
    let mut auction_url = None;
    for (tender_lot, entry) in tender.lots.iter().zip(lots) {
        if entry.lot_id.as_ref().is_some_and(|id| *id != tender_lot.id) {
            return Err(Refusal::invalid(
                "lots",
                "Auction lots should be identical to the tender lots",
            )
            .as_list());
        }
        if tender_lot.id == lot_id {
            auction_url = entry.auction_url.clone();
        }
    }
    let Some(auction_url) = auction_url else {
        return Err(Refusal::invalid(
            "lots",
            "[{\"auctionUrl\": [\"Auction url required\"]}]",
        ));
    };
    if bids.len() != tender.bids.len() {
        return Err(on_bids(
            "Number of auction results did not match the number of tender bids",
        ));
    }
    let mut participation_urls = Vec::new();
    let mut without = 0;
    for (bid, entry) in tender.bids.iter().zip(bids) {
        if entry.bid_id.as_ref().is_some_and(|id| *id != bid.id) {
            return Err(on_bids(
                "Auction bids should be identical to the tender bids",
            ));
        }
        if entry.for_lot && entry.participation_url.is_none() {
            return Err(Refusal::invalid(
                "bids",
                "[{\"lotValues\": [{\"participationUrl\": [\"Auction participation url required\"]}]}]",
            ));
        }
        let takes_part = bid
            .lot_value(lot_id)
            .is_some_and(|v| v.status == LotValueStatus::Active);
        match (&entry.participation_url, takes_part) {
            (Some(url), true) => participation_urls.push(ParticipationUrl {
                bid_id: bid.id.clone(),
                url: url.clone(),
            }),
            (None, true) => without += 1,
            _ => {}
        }
    }
    if without > 0 && !participation_urls.is_empty() {
        return Err(Refusal::invalid(
            "bids",
            "All bids must receive participationUrl, or none must.",
        ));
    }
    Ok(vec![Event::AuctionUrlsSet {
        lot_id: lot_id.to_owned(),
        auction_url,
        participation_urls,
        at: context.now,
    }])
}

/// The outcome of the auction the CDB runs (spec §9.2 by bid id): for the
/// tender's one lot (§13), each tender bid in the tender's order with its
/// final amount, or none when it took no part; then [`record`]'s rules, so
/// both reports end in the same events. A bid the outcome names twice, or
/// one the tender does not have, is refused as a positional report naming
/// a wrong bid is.
pub(super) fn record_outcome(
    state: &State,
    outcome: &HandOffOutcome,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    if tender.status != TenderStatus::ActiveAuction {
        return Err(refusals::status_refusal(tender, "report auction results"));
    }
    let lot_id = tender
        .lot()
        .map(|lot| lot.id.clone())
        .ok_or_else(|| Refusal::not_found("lot_id"))?;
    for (index, reported) in outcome.bids.iter().enumerate() {
        let twice = outcome.bids[..index].iter().any(|b| b.id == reported.id);
        if twice || !tender.bids.iter().any(|bid| bid.id == reported.id) {
            return Err(on_bids(
                "Auction bids should be identical to the tender bids",
            ));
        }
    }
    let results: Vec<AuctionResult> = tender
        .bids
        .iter()
        .map(|bid| AuctionResult {
            bid_id: Some(bid.id.clone()),
            amount: outcome
                .bids
                .iter()
                .find(|reported| reported.id == bid.id)
                .map(|reported| reported.value.amount),
        })
        .collect();
    record(state, &lot_id, &results, context)
}

pub(super) fn record(
    state: &State,
    lot_id: &str,
    results: &[AuctionResult],
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    if tender.status != TenderStatus::ActiveAuction {
        return Err(refusals::status_refusal(tender, "report auction results"));
    }
    let lot = lookup::by_id(&tender.lots, lot_id, "lot_id")?;
    if lot.status != LotStatus::Active {
        return Err(Refusal::not_allowed(
            "Can report auction results only in active lot status",
        ));
    }
    if results.len() != tender.bids.len() {
        return Err(on_bids(
            "Number of auction results did not match the number of tender bids",
        ));
    }
    let mut outcomes = Vec::new();
    for (bid, result) in tender.bids.iter().zip(results) {
        if result.bid_id.as_ref().is_some_and(|id| *id != bid.id) {
            return Err(on_bids(
                "Auction bids should be identical to the tender bids",
            ));
        }
        let Some(value) = bid
            .lot_value(lot_id)
            .filter(|v| v.status == LotValueStatus::Active)
        else {
            continue;
        };
        let Some(amount) = result.amount else {
            return Err(Refusal::invalid(
                "bids",
                "[{\"lotValues\": [{\"value\": [\"This field is required.\"]}]}]",
            ));
        };
        // Q11: defensive, the reference trusts the auction.
        let sealed = value.initial_value.as_ref().unwrap_or(&value.value);
        if amount > sealed.amount {
            return Err(on_bids(
                "Auction result should not be greater than the bid's initial value",
            ));
        }
        outcomes.push(AuctionOutcome {
            bid_id: bid.id.clone(),
            value: Money {
                amount,
                ..value.value.clone()
            },
        });
    }
    let mut after = tender.clone();
    for outcome in &outcomes {
        if let Some(value) = after
            .bids
            .iter_mut()
            .find(|b| b.id == outcome.bid_id)
            .and_then(|b| b.lot_values.iter_mut().find(|v| v.related_lot == lot_id))
        {
            value.value = outcome.value.clone();
        }
    }
    let award = next_award(&after, context);
    Ok(vec![
        Event::AuctionCompleted {
            lot_id: lot_id.to_owned(),
            results: outcomes,
            award,
            at: context.now,
        },
        Event::BidsDisclosed {
            bids: opened(&after),
            at: context.now,
        },
    ])
}
