//! What happened in a Dutch auction. A stop is public at once (R1-4);
//! `SealedBidPlaced`/`SealedBidCancelled` and `FinalBidPlaced`/
//! `FinalBidCancelled` are the bidder's private business until their round
//! ends, when `SealedRoundClosed` and `FinalRoundClosed` reveal the bids
//! that stand. The catalogue is `docs/auctions.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auction::{AuctionEvent, RankedBid, Stage, Unsuccessful};
use crate::procurement::Amount;
use crate::{DomainEvent, EventDecodeError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub bid_id: String,
    pub label: String,
}

/// A bid accepted in round 2 or 3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacedBid {
    pub bid_id: String,
    pub amount: Amount,
    #[serde(with = "crate::time::kyiv_serde")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    AuctionScheduled {
        auction_id: String,
        starting_price: Amount,
        minimal_step: Amount,
        amount_decimals: u32,
        participants: Vec<Participant>,
        stages: Vec<Stage>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A bid activated during round 1 joins (AD-3).
    ParticipantJoined {
        participant: Participant,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Round 1 stopped: `bid_id` accepted step `step`'s price and is the
    /// Dutch winner.
    DutchStopped {
        bid_id: String,
        step: u32,
        amount: Amount,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Private: a sealed bid, replacing the bidder's earlier one.
    SealedBidPlaced {
        bid_id: String,
        amount: Amount,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Private: the bidder withdrew its sealed bid.
    SealedBidCancelled {
        bid_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Round 2 ended: the sealed bids that stand, now public.
    SealedRoundClosed {
        bids: Vec<PlacedBid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Private: the Dutch winner's round-3 bid, replacing an earlier one.
    FinalBidPlaced {
        bid_id: String,
        amount: Amount,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Private: the Dutch winner withdrew its round-3 bid.
    FinalBidCancelled {
        bid_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Round 3 ended: the Dutch winner's bid, if it made one, now public.
    FinalRoundClosed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bid: Option<PlacedBid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The last round held is over: the final ranking, best first.
    AuctionCompleted {
        ranking: Vec<RankedBid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// `auction_unsuccessful`: nobody took part, or nobody stopped.
    AuctionUnsuccessful {
        reason: Unsuccessful,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    AuctionCancelled {
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
}

impl AuctionEvent for Event {
    const EVENT_TYPES: &'static [&'static str] = &[
        "AuctionScheduled",
        "ParticipantJoined",
        "DutchStopped",
        "SealedBidPlaced",
        "SealedBidCancelled",
        "SealedRoundClosed",
        "FinalBidPlaced",
        "FinalBidCancelled",
        "FinalRoundClosed",
        "AuctionCompleted",
        "AuctionUnsuccessful",
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
            Event::ParticipantJoined { .. } => "ParticipantJoined",
            Event::DutchStopped { .. } => "DutchStopped",
            Event::SealedBidPlaced { .. } => "SealedBidPlaced",
            Event::SealedBidCancelled { .. } => "SealedBidCancelled",
            Event::SealedRoundClosed { .. } => "SealedRoundClosed",
            Event::FinalBidPlaced { .. } => "FinalBidPlaced",
            Event::FinalBidCancelled { .. } => "FinalBidCancelled",
            Event::FinalRoundClosed { .. } => "FinalRoundClosed",
            Event::AuctionCompleted { .. } => "AuctionCompleted",
            Event::AuctionUnsuccessful { .. } => "AuctionUnsuccessful",
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
