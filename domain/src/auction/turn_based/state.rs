//! A turn-based auction folded from its events: the bidders with their
//! public amounts, the schedule, the turn orders set so far, the turns
//! closed so far, and the one bid stored in the running turn.

use chrono::{DateTime, Utc};

use super::event::{Event, PublishedBid};
use super::ranking::Standing;
use super::schedule::{TURN, turn_index};
use crate::auction::{Direction, RankedBid, Stage, stage};
use crate::procurement::Amount;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    pub auction: Option<Auction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Auction {
    pub auction_id: String,
    pub direction: Direction,
    pub minimal_step: Amount,
    pub amount_decimals: u32,
    pub rounds: u32,
    /// In label order.
    pub bidders: Vec<Bidder>,
    pub stages: Vec<Stage>,
    /// One per round whose pause has begun: indices into `bidders`.
    pub orders: Vec<Vec<usize>>,
    /// Closed turns, in schedule order.
    pub turns: Vec<Turn>,
    /// The bid stored in the running turn, hidden until the turn ends.
    pub pending: Option<Pending>,
    pub phase: Phase,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bidder {
    pub bid_id: String,
    pub label: String,
    pub position: usize,
    pub initial_amount: Amount,
    pub initial_date: DateTime<Utc>,
    /// The public amount and its date (the last change, else the bid's).
    pub amount: Amount,
    pub date: DateTime<Utc>,
}

/// A closed turn as the public saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub round: u32,
    pub turn: u32,
    pub bidder: usize,
    /// The bidder's amount when the turn began.
    pub before: Amount,
    pub published: Option<PublishedBid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub bidder: usize,
    pub amount: Amount,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Open,
    Finished { ranking: Vec<RankedBid> },
    Cancelled { at: DateTime<Utc> },
}

impl Auction {
    pub fn bidder(&self, bid_id: &str) -> Option<usize> {
        self.bidders.iter().position(|b| b.bid_id == bid_id)
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.stages
            .first()
            .map_or(DateTime::UNIX_EPOCH, |s| s.start)
    }

    /// The end of the last turn: bidding is over, the ranking final.
    pub fn end(&self) -> DateTime<Utc> {
        self.stages.last().map_or(DateTime::UNIX_EPOCH, |s| s.end)
    }

    pub fn turn_stage(&self, round: u32, turn: u32) -> Option<&Stage> {
        self.stages.get(turn_index(round, turn, self.bidders.len()))
    }

    /// The running turn at `now`: round, turn, whose it is and its stage.
    /// `None` outside a turn, after the end and once cancelled.
    pub fn turn_at(&self, now: DateTime<Utc>) -> Option<(u32, u32, usize, &Stage)> {
        if self.phase != Phase::Open {
            return None;
        }
        let stage = self.stages.get(stage::current(&self.stages, now)?)?;
        if stage.kind != TURN {
            return None;
        }
        let (round, turn) = (stage.round?, stage.number?);
        let bidder = *self
            .orders
            .get(round as usize - 1)?
            .get(turn as usize - 1)?;
        Some((round, turn, bidder, stage))
    }

    pub fn standings(&self) -> Vec<Standing> {
        self.bidders
            .iter()
            .map(|b| Standing {
                amount: b.amount.decimal(),
                date: b.date,
                position: b.position,
            })
            .collect()
    }
}

pub fn evolve(mut state: State, event: &Event) -> State {
    if let Event::AuctionScheduled {
        auction_id,
        direction,
        minimal_step,
        amount_decimals,
        rounds,
        bidders,
        stages,
        ..
    } = event
    {
        state.auction = Some(Auction {
            auction_id: auction_id.clone(),
            direction: *direction,
            minimal_step: *minimal_step,
            amount_decimals: *amount_decimals,
            rounds: *rounds,
            bidders: bidders
                .iter()
                .map(|b| Bidder {
                    bid_id: b.bid_id.clone(),
                    label: b.label.clone(),
                    position: b.position,
                    initial_amount: b.amount,
                    initial_date: b.date,
                    amount: b.amount,
                    date: b.date,
                })
                .collect(),
            stages: stages.clone(),
            orders: Vec::new(),
            turns: Vec::new(),
            pending: None,
            phase: Phase::Open,
        });
        return state;
    }
    if let Some(auction) = state.auction.as_mut() {
        apply(auction, event);
    }
    state
}

fn apply(auction: &mut Auction, event: &Event) {
    match event {
        Event::AuctionScheduled { .. } => {}
        Event::TurnOrderSet { order, .. } => {
            let order = order.iter().filter_map(|id| auction.bidder(id)).collect();
            auction.orders.push(order);
        }
        Event::TurnBidStored { bid_id, amount, at } => {
            if let Some(bidder) = auction.bidder(bid_id) {
                auction.pending = Some(Pending {
                    bidder,
                    amount: *amount,
                    at: *at,
                });
            }
        }
        Event::TurnBidCleared { .. } => auction.pending = None,
        Event::TurnClosed {
            round,
            turn,
            bid_id,
            published,
            ..
        } => {
            let Some(bidder) = auction.bidder(bid_id) else {
                return;
            };
            // Only this turn's bidder can have stored a bid in it.
            if auction.pending.as_ref().is_some_and(|p| p.bidder == bidder) {
                auction.pending = None;
            }
            let before = auction.bidders[bidder].amount;
            if let Some(bid) = published {
                auction.bidders[bidder].amount = bid.amount;
                auction.bidders[bidder].date = bid.bid_time;
            }
            auction.turns.push(Turn {
                round: *round,
                turn: *turn,
                bidder,
                before,
                published: published.clone(),
            });
        }
        Event::AuctionFinished { ranking, .. } => {
            auction.phase = Phase::Finished {
                ranking: ranking.clone(),
            }
        }
        Event::AuctionCancelled { at } => {
            auction.pending = None;
            auction.phase = Phase::Cancelled { at: *at };
        }
    }
}
