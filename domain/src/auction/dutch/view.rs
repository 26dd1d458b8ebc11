//! What a Dutch auction shows (spec §10, §12). Everyone sees the schedule
//! with every step's price and end, the running step's price, the stop the
//! moment it happens (R1-4), and, once round 2 or 3 has ended, that round's
//! bids (round 2 lowest to highest, R2-10). A sealed or final bid is never
//! in it while its round runs (R2-7, Q21), nor whether one was placed
//! (Q14). With a single participant rounds 2 and 3 are not shown (AD-7).
//! Before the start the participants are not listed.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::due::catch_up;
use super::schedule::{FINAL, SEALED, STEP};
use super::state::{Auction, Phase, State};
use crate::auction::rules::{amount, ceil_to, unit};
use crate::auction::{Action, Allowed, ParticipantView, Stage, Status, Unsuccessful, stage};
use crate::procurement::Amount;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub kind: &'static str,
    pub auction_id: String,
    pub status: Status,
    pub starting_price: Amount,
    pub minimal_step: Amount,
    pub stages: Vec<Stage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_stage: Option<usize>,
    /// The running step's price, until somebody stops.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_price: Option<Amount>,
    pub participants: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<StopRow>,
    pub sealed_bids: Vec<BidRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_bid: Option<BidRow>,
    /// Best first, once the auction is complete.
    pub ranking: Vec<BidRow>,
    /// The announcement of an auction that did not take place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsuccessful: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StopRow {
    pub label: String,
    pub step: u32,
    pub amount: Amount,
    #[serde(with = "crate::time::kyiv_serde")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BidRow {
    pub label: String,
    pub amount: Amount,
    #[serde(with = "crate::time::kyiv_serde")]
    pub at: DateTime<Utc>,
}

/// L131 and L123 verbatim.
pub const NO_PARTICIPANTS: &str = "Учасники відсутні. Аукціон не відбувся";
pub const NOT_HELD: &str = "Аукціон не відбувся";

pub fn public_view(state: &State, now: DateTime<Utc>) -> Option<View> {
    let (state, _) = catch_up(state, now);
    let auction = state.auction.as_ref()?;
    let started = now >= auction.start();
    let single = started && auction.participants.len() == 1;
    let stages: Vec<Stage> = auction
        .stages
        .iter()
        .filter(|s| !(single && (s.kind == SEALED || s.kind == FINAL)))
        .cloned()
        .collect();
    let running = auction.stage_at(now);
    let row = |bid_id: &str, amount: Amount, at: DateTime<Utc>| BidRow {
        label: auction.label_of(bid_id),
        amount,
        at,
    };
    let mut sealed_bids: Vec<BidRow> = auction
        .sealed_closed
        .iter()
        .flatten()
        .map(|b| row(&b.bid_id, b.amount, b.at))
        .collect();
    sealed_bids.sort_by_key(|b| b.amount);
    Some(View {
        kind: super::KIND,
        auction_id: auction.auction_id.clone(),
        status: status(auction, started),
        starting_price: auction.starting_price,
        minimal_step: auction.minimal_step,
        current_stage: stage::current(&stages, now).filter(|_| running.is_some()),
        stages,
        current_price: running
            .filter(|s| s.kind == STEP && auction.stop.is_none())
            .and_then(|s| s.price),
        participants: if started {
            auction
                .participants
                .iter()
                .map(|p| p.label.clone())
                .collect()
        } else {
            Vec::new()
        },
        stop: auction.stop.as_ref().map(|s| StopRow {
            label: auction.label_of(&s.bid_id),
            step: s.step,
            amount: s.amount,
            at: s.at,
        }),
        sealed_bids,
        final_bid: auction
            .final_closed
            .as_ref()
            .and_then(Option::as_ref)
            .map(|b| row(&b.bid_id, b.amount, b.at)),
        ranking: match &auction.phase {
            Phase::Completed { ranking } => ranking
                .iter()
                .map(|r| row(&r.bid_id, r.amount, r.date))
                .collect(),
            _ => Vec::new(),
        },
        unsuccessful: match auction.phase {
            Phase::Unsuccessful {
                reason: Unsuccessful::NoParticipants,
            } => Some(NO_PARTICIPANTS),
            Phase::Unsuccessful {
                reason: Unsuccessful::NoStop,
            } => Some(NOT_HELD),
            _ => None,
        },
    })
}

fn status(auction: &Auction, started: bool) -> Status {
    match auction.phase {
        Phase::Open if started => Status::Running,
        Phase::Open => Status::Scheduled,
        Phase::Completed { .. } => Status::Finished,
        Phase::Unsuccessful { .. } => Status::Unsuccessful,
        Phase::Cancelled { .. } => Status::Cancelled,
    }
}

pub fn participant_view(
    state: &State,
    bid_id: &str,
    now: DateTime<Utc>,
) -> Option<ParticipantView<View>> {
    let public = public_view(state, now)?;
    let (state, _) = catch_up(state, now);
    let auction = state.auction.as_ref()?;
    let participant = auction.participant(bid_id)?;
    let winner = auction.is_winner(bid_id);
    let sealed = auction.sealed.iter().find(|b| b.bid_id == bid_id);
    let stage = auction.stage_at(now);
    let (own_bid, allowed) = match stage.map(|s| (s.kind.as_str(), s)) {
        Some((STEP, s)) if auction.stop.is_none() => (
            None,
            s.price.map(|price| Allowed {
                action: Action::Accept,
                min: Some(price),
                max: Some(price),
                until: s.end,
                can_cancel: false,
                confirm_from: None,
            }),
        ),
        Some((SEALED, s)) if !winner => {
            let stop = auction.stop.as_ref().map(|s| s.amount.decimal());
            let min = stop.map(|stop| stop + unit(auction.amount_decimals));
            (
                sealed.map(|b| b.amount),
                bid_allowed(min, stop, s.end, sealed.is_some()),
            )
        }
        Some((FINAL, s)) if winner => {
            let top = auction.highest_sealed().map(Amount::decimal);
            let min = top.map(|top| {
                ceil_to(
                    top + auction.minimal_step.decimal(),
                    auction.amount_decimals,
                )
            });
            let own = auction.final_bid.as_ref().map(|b| b.amount);
            (own, bid_allowed(min, top, s.end, own.is_some()))
        }
        _ => (None, None),
    };
    Some(ParticipantView {
        label: participant.label.clone(),
        public,
        own_bid,
        allowed,
    })
}

/// A typed bid from `min` up; the page asks to confirm at ten times the
/// round's reference amount (P-4, Q12), which never refuses the bid.
fn bid_allowed(
    min: Option<rust_decimal::Decimal>,
    reference: Option<rust_decimal::Decimal>,
    until: DateTime<Utc>,
    can_cancel: bool,
) -> Option<Allowed> {
    Some(Allowed {
        action: Action::Bid,
        min: amount(min?),
        max: None,
        until,
        can_cancel,
        confirm_from: reference.and_then(|r| amount(r * rust_decimal::Decimal::TEN)),
    })
}
