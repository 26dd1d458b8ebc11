//! What happened in a turn-based auction. `TurnBidStored` and
//! `TurnBidCleared` are the bidder's private business until its turn ends:
//! the public log and views show a turn's amount only from `TurnClosed`.
//! The catalogue is `docs/auctions.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auction::{AuctionEvent, Direction, RankedBid, Stage};
use crate::procurement::Amount;
use crate::{DomainEvent, EventDecodeError};

/// A bidder as the auction knows it, in label order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledBidder {
    pub bid_id: String,
    pub label: String,
    /// Its place in the procedure's bid order (the last tie-break).
    pub position: usize,
    pub amount: Amount,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

/// The amount a turn made public, with the time it was placed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedBid {
    pub amount: Amount,
    #[serde(with = "crate::time::kyiv_serde")]
    pub bid_time: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    AuctionScheduled {
        auction_id: String,
        direction: Direction,
        minimal_step: Amount,
        amount_decimals: u32,
        rounds: u32,
        bidders: Vec<ScheduledBidder>,
        stages: Vec<Stage>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A round's turn order, set when its pause begins (round 1's at the
    /// start, when the initial bids become public).
    TurnOrderSet {
        round: u32,
        /// Bid ids, first to move first.
        order: Vec<String>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Private: the bidder's bid in its turn, replacing an earlier one.
    TurnBidStored {
        bid_id: String,
        amount: Amount,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Private: the bidder withdrew its bid of this turn.
    TurnBidCleared {
        bid_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A turn ended: the bid stored in it, if any, is now the bidder's
    /// public amount; without one the bidder keeps its amount (RA-11).
    TurnClosed {
        round: u32,
        turn: u32,
        bid_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published: Option<PublishedBid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The last turn ended; the ranking is final (RA-14).
    AuctionFinished {
        ranking: Vec<RankedBid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The procedure stopped the auction; no result (spec Q5).
    AuctionCancelled {
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
}

impl AuctionEvent for Event {
    const EVENT_TYPES: &'static [&'static str] = &[
        "AuctionScheduled",
        "TurnOrderSet",
        "TurnBidStored",
        "TurnBidCleared",
        "TurnClosed",
        "AuctionFinished",
        "AuctionCancelled",
    ];
}

impl DomainEvent for Event {
    fn stream_id(&self, procedure_id: &str) -> String {
        format!("auction-{procedure_id}")
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::AuctionScheduled { .. } => "AuctionScheduled",
            Event::TurnOrderSet { .. } => "TurnOrderSet",
            Event::TurnBidStored { .. } => "TurnBidStored",
            Event::TurnBidCleared { .. } => "TurnBidCleared",
            Event::TurnClosed { .. } => "TurnClosed",
            Event::AuctionFinished { .. } => "AuctionFinished",
            Event::AuctionCancelled { .. } => "AuctionCancelled",
        }
    }

    fn to_data(&self) -> serde_json::Value {
        crate::event::encode_tagged(self)
    }

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &serde_json::Value,
    ) -> Result<Self, EventDecodeError> {
        crate::event::decode_tagged_v1(event_type, schema_version, data)
    }
}
