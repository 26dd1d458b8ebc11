//! A Dutch auction folded from its events: the participants, the schedule,
//! the stop, the sealed bids (hidden, then revealed), the final bid, and how
//! it ended.

use chrono::{DateTime, Utc};

use super::event::{Event, Participant, PlacedBid};
use super::schedule::{FINAL, PAUSE, SEALED, STEP};
use crate::auction::{RankedBid, Stage, Unsuccessful, stage};
use crate::procurement::Amount;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    pub auction: Option<Auction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Auction {
    pub auction_id: String,
    pub starting_price: Amount,
    pub minimal_step: Amount,
    pub amount_decimals: u32,
    /// In label order.
    pub participants: Vec<Participant>,
    pub stages: Vec<Stage>,
    pub stop: Option<Stop>,
    /// Round 2's standing bids, one per bidder, while the round runs.
    pub sealed: Vec<PlacedBid>,
    /// Round 2's bids as revealed when it ended.
    pub sealed_closed: Option<Vec<PlacedBid>>,
    /// The Dutch winner's round-3 bid while the round runs.
    pub final_bid: Option<PlacedBid>,
    /// Round 3's bid as revealed when it ended (`Some(None)`: none).
    pub final_closed: Option<Option<PlacedBid>>,
    pub phase: Phase,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub bid_id: String,
    pub step: u32,
    pub amount: Amount,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Open,
    Completed { ranking: Vec<RankedBid> },
    Unsuccessful { reason: Unsuccessful },
    Cancelled { at: DateTime<Utc> },
}

impl Auction {
    pub fn participant(&self, bid_id: &str) -> Option<&Participant> {
        self.participants.iter().find(|p| p.bid_id == bid_id)
    }

    pub fn label_of(&self, bid_id: &str) -> String {
        self.participant(bid_id)
            .map_or_else(String::new, |p| p.label.clone())
    }

    fn stage(&self, kind: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == kind)
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.stage(PAUSE).map_or(DateTime::UNIX_EPOCH, |s| s.start)
    }

    /// The end of round 1 (the last step).
    pub fn round1_end(&self) -> DateTime<Utc> {
        self.stages
            .iter()
            .rev()
            .find(|s| s.kind == STEP)
            .map_or(DateTime::UNIX_EPOCH, |s| s.end)
    }

    pub fn sealed_stage(&self) -> Option<&Stage> {
        self.stage(SEALED)
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stage(FINAL)
    }

    /// The last step (the lowest price).
    pub fn last_step(&self) -> Option<&Stage> {
        self.stages.iter().rev().find(|s| s.kind == STEP)
    }

    /// The stage running at `now` while the auction is open.
    pub fn stage_at(&self, now: DateTime<Utc>) -> Option<&Stage> {
        if self.phase != Phase::Open {
            return None;
        }
        self.stages.get(stage::current(&self.stages, now)?)
    }

    pub fn is_winner(&self, bid_id: &str) -> bool {
        self.stop.as_ref().is_some_and(|s| s.bid_id == bid_id)
    }

    /// The highest sealed bid revealed at round 2's end.
    pub fn highest_sealed(&self) -> Option<Amount> {
        self.sealed_closed.as_ref()?.iter().map(|b| b.amount).max()
    }
}

pub fn evolve(mut state: State, event: &Event) -> State {
    if let Event::AuctionScheduled {
        auction_id,
        starting_price,
        minimal_step,
        amount_decimals,
        participants,
        stages,
        ..
    } = event
    {
        state.auction = Some(Auction {
            auction_id: auction_id.clone(),
            starting_price: *starting_price,
            minimal_step: *minimal_step,
            amount_decimals: *amount_decimals,
            participants: participants.clone(),
            stages: stages.clone(),
            stop: None,
            sealed: Vec::new(),
            sealed_closed: None,
            final_bid: None,
            final_closed: None,
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
        Event::ParticipantJoined { participant, .. } => {
            auction.participants.push(participant.clone());
        }
        Event::DutchStopped {
            bid_id,
            step,
            amount,
            at,
        } => {
            auction.stop = Some(Stop {
                bid_id: bid_id.clone(),
                step: *step,
                amount: *amount,
                at: *at,
            })
        }
        Event::SealedBidPlaced { bid_id, amount, at } => {
            auction.sealed.retain(|b| &b.bid_id != bid_id);
            auction.sealed.push(PlacedBid {
                bid_id: bid_id.clone(),
                amount: *amount,
                at: *at,
            });
        }
        Event::SealedBidCancelled { bid_id, .. } => auction.sealed.retain(|b| &b.bid_id != bid_id),
        Event::SealedRoundClosed { bids, .. } => {
            auction.sealed.clear();
            auction.sealed_closed = Some(bids.clone());
        }
        Event::FinalBidPlaced { bid_id, amount, at } => {
            auction.final_bid = Some(PlacedBid {
                bid_id: bid_id.clone(),
                amount: *amount,
                at: *at,
            })
        }
        Event::FinalBidCancelled { .. } => auction.final_bid = None,
        Event::FinalRoundClosed { bid, .. } => {
            auction.final_bid = None;
            auction.final_closed = Some(bid.clone());
        }
        Event::AuctionCompleted { ranking, .. } => {
            auction.phase = Phase::Completed {
                ranking: ranking.clone(),
            }
        }
        Event::AuctionUnsuccessful { reason, .. } => {
            auction.phase = Phase::Unsuccessful { reason: *reason }
        }
        Event::AuctionCancelled { at } => auction.phase = Phase::Cancelled { at: *at },
    }
}
