//! What a turn-based auction shows (spec §5.2, RA-3, RA-5, RA-13, RA-15).
//! Before the start: the start and the opening pause only, so neither the
//! number of bidders nor their amounts leak (RA-3, spec Q6). From the
//! start: every stage with its bidder's label once the round's order is
//! set, the initial bids, each turn's amount (the amount the bidder had
//! when the turn began until the turn ends, then the one it published),
//! and the live ranking. A bid stored in a running turn is never in it.
//! Labels only: bid ids stay with the procedure (spec Q7).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::due::catch_up;
use super::ranking::ranking;
use super::state::{Auction, Phase, State};
use crate::auction::rules::{amount, ceil_to, floor_to, unit};
use crate::auction::{Action, Allowed, Direction, ParticipantView, Stage, Status, stage};
use crate::procurement::Amount;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub kind: &'static str,
    pub auction_id: String,
    pub status: Status,
    pub direction: Direction,
    pub minimal_step: Amount,
    pub stages: Vec<StageRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_stage: Option<usize>,
    pub initial_bids: Vec<BidRow>,
    pub turns: Vec<TurnRow>,
    /// Best first: "possible results" while bidding runs, final after.
    pub standings: Vec<RankRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageRow {
    #[serde(flatten)]
    pub stage: Stage,
    /// The bidder whose turn it is, once the round's order is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BidRow {
    pub label: String,
    pub amount: Amount,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnRow {
    pub round: u32,
    pub turn: u32,
    pub label: String,
    pub amount: Amount,
    /// The turn has ended.
    pub closed: bool,
    /// The bidder changed its amount in this turn (shown in bold).
    pub changed: bool,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::time::kyiv_serde_option"
    )]
    pub bid_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RankRow {
    pub rank: u32,
    pub label: String,
    pub amount: Amount,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

pub fn public_view(state: &State, now: DateTime<Utc>) -> Option<View> {
    let (state, _) = catch_up(state, now);
    let auction = state.auction.as_ref()?;
    let started = now >= auction.start();
    let status = match auction.phase {
        Phase::Cancelled { .. } => Status::Cancelled,
        Phase::Finished { .. } => Status::Finished,
        Phase::Open if started => Status::Running,
        Phase::Open => Status::Scheduled,
    };
    let mut view = View {
        kind: super::KIND,
        auction_id: auction.auction_id.clone(),
        status,
        direction: auction.direction,
        minimal_step: auction.minimal_step,
        stages: Vec::new(),
        current_stage: None,
        initial_bids: Vec::new(),
        turns: Vec::new(),
        standings: Vec::new(),
    };
    if !started {
        view.stages = auction.stages.iter().take(1).map(unlabelled).collect();
        return Some(view);
    }
    view.stages = auction
        .stages
        .iter()
        .map(|s| stage_row(auction, s))
        .collect();
    view.current_stage = stage::current(&auction.stages, now);
    view.initial_bids = auction
        .bidders
        .iter()
        .map(|b| BidRow {
            label: b.label.clone(),
            amount: b.initial_amount,
            date: b.initial_date,
        })
        .collect();
    view.turns = turn_rows(auction);
    view.standings = ranking(auction.direction, &auction.standings())
        .into_iter()
        .zip(1..)
        .map(|(i, rank)| RankRow {
            rank,
            label: auction.bidders[i].label.clone(),
            amount: auction.bidders[i].amount,
            date: auction.bidders[i].date,
        })
        .collect();
    Some(view)
}

fn unlabelled(stage: &Stage) -> StageRow {
    StageRow {
        stage: stage.clone(),
        label: None,
    }
}

fn stage_row(auction: &Auction, stage: &Stage) -> StageRow {
    let label = stage.round.zip(stage.number).and_then(|(round, turn)| {
        let order = auction.orders.get(round as usize - 1)?;
        Some(
            auction.bidders[*order.get(turn as usize - 1)?]
                .label
                .clone(),
        )
    });
    StageRow {
        stage: stage.clone(),
        label,
    }
}

fn turn_rows(auction: &Auction) -> Vec<TurnRow> {
    let mut rows = Vec::new();
    for (r, order) in auction.orders.iter().enumerate() {
        for (t, &bidder) in order.iter().enumerate() {
            let closed = auction.turns.get(r * auction.bidders.len() + t);
            let published = closed.and_then(|turn| turn.published.as_ref());
            rows.push(TurnRow {
                round: r as u32 + 1,
                turn: t as u32 + 1,
                label: auction.bidders[bidder].label.clone(),
                // An open turn shows what the bidder stands at: its amount
                // changes only in its own turn.
                amount: match (closed, published) {
                    (_, Some(bid)) => bid.amount,
                    (Some(turn), None) => turn.before,
                    (None, _) => auction.bidders[bidder].amount,
                },
                closed: closed.is_some(),
                changed: published.is_some(),
                bid_time: published.map(|bid| bid.bid_time),
            });
        }
    }
    rows
}

pub fn participant_view(
    state: &State,
    bid_id: &str,
    now: DateTime<Utc>,
) -> Option<ParticipantView<View>> {
    let public = public_view(state, now)?;
    let (state, _) = catch_up(state, now);
    let auction = state.auction.as_ref()?;
    let bidder = auction.bidder(bid_id)?;
    let own_bid = auction
        .pending
        .as_ref()
        .filter(|p| p.bidder == bidder)
        .map(|p| p.amount);
    let allowed = auction
        .turn_at(now)
        .filter(|(_, _, turn_of, _)| *turn_of == bidder)
        .and_then(|(_, _, _, stage)| allowed(auction, bidder, stage.end, own_bid.is_some()));
    Some(ParticipantView {
        label: auction.bidders[bidder].label.clone(),
        public,
        own_bid,
        allowed,
    })
}

/// The bounds of the bidder's bid in its turn; `None` when no amount can
/// improve on its own by the step (a ceiling below the smallest amount).
fn allowed(
    auction: &Auction,
    bidder: usize,
    until: DateTime<Utc>,
    can_cancel: bool,
) -> Option<Allowed> {
    let decimals = auction.amount_decimals;
    let current = auction.bidders[bidder].amount.decimal();
    let bound = auction
        .direction
        .bound(current, auction.minimal_step.decimal());
    let (min, max) = match auction.direction {
        Direction::Descending => {
            let max = floor_to(bound, decimals);
            if max < unit(decimals) {
                return None;
            }
            (amount(unit(decimals)), amount(max))
        }
        Direction::Ascending => (amount(ceil_to(bound, decimals)), None),
    };
    Some(Allowed {
        action: Action::Bid,
        min,
        max,
        until,
        can_cancel,
        confirm_from: None,
    })
}
