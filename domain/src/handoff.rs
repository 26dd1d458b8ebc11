//! The hand-off between a procedure and its auction: what the auction may
//! read of the procedure while it runs, and how the auction's outcome comes
//! back as a command. A procedure type with an auction stage implements
//! [`AuctionHandOff`] next to its disclosure rules, since what the auction
//! may read is a secrecy rule; the generic `…/auction` endpoint only calls it.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::Decider;
use crate::auction::Unsuccessful;
use crate::procurement::{Amount, Refusal};

/// The outcome the auction reports, shaped like the OpenProcurement auction
/// module's `POST …/auction` body (`data`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionOutcome {
    /// One entry per participating bid.
    pub bids: Vec<AuctionBid>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionBid {
    pub id: String,
    pub value: AuctionValue,
    /// When the bid was last changed during the auction.
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

/// The final price (the currency is the procedure's).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionValue {
    pub amount: Amount,
}

pub trait AuctionHandOff: Decider {
    /// What the auction may read now: the lot and the bids taking part.
    /// Refused outside the auction stage.
    fn auction_view(state: &Self::State) -> Result<Json, Refusal>;

    /// The command that records `outcome`, reported by the auction service
    /// authenticated as `service`.
    fn auction_outcome(service: &str, outcome: AuctionOutcome) -> Self::Command;

    /// The command that records an auction that ended without a winner
    /// (a Dutch auction nobody stopped); `None` for a procedure whose
    /// auctions always rank.
    fn auction_failed(_service: &str, _reason: Unsuccessful) -> Option<Self::Command> {
        None
    }
}
