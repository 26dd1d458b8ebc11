//! What an auction ends with, in the form a procedure turns into its
//! [`AuctionOutcome`]: the ranking, best first, with each bid's final amount
//! and the time it was last changed (the bid's own date when the auction
//! never changed it, so a procedure's tie rule on placement times still
//! holds), or the reason nobody won.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::handoff::{AuctionBid, AuctionOutcome, AuctionValue};
use crate::procurement::Amount;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankedBid {
    /// 1 is the best.
    pub rank: u32,
    pub bid_id: String,
    pub label: String,
    pub amount: Amount,
    /// When the amount was last changed (or the bid's own date).
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

/// Why an auction ended without a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Unsuccessful {
    /// Nobody took part (Dutch E-1).
    NoParticipants,
    /// Nobody stopped the Dutch round (Dutch E-3, `auction_unsuccessful`).
    NoStop,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuctionResult {
    Completed {
        ranking: Vec<RankedBid>,
        /// The scheduled end of the last stage held, however late the
        /// timer that closed it.
        finished_at: DateTime<Utc>,
    },
    Unsuccessful {
        reason: Unsuccessful,
        finished_at: DateTime<Utc>,
    },
    Cancelled {
        at: DateTime<Utc>,
    },
}

impl AuctionResult {
    /// The outcome a procedure records, ranked bids best first; `None` when
    /// the auction had no winner or was cancelled.
    pub fn outcome(&self) -> Option<AuctionOutcome> {
        match self {
            AuctionResult::Completed { ranking, .. } => Some(AuctionOutcome {
                bids: ranking
                    .iter()
                    .map(|bid| AuctionBid {
                        id: bid.bid_id.clone(),
                        value: AuctionValue { amount: bid.amount },
                        date: bid.date,
                    })
                    .collect(),
            }),
            _ => None,
        }
    }
}

/// Numbers an ordered list of `(bid id, label, amount, date)` 1, 2, 3, ….
pub fn numbered(
    ordered: impl IntoIterator<Item = (String, String, Amount, DateTime<Utc>)>,
) -> Vec<RankedBid> {
    ordered
        .into_iter()
        .zip(1..)
        .map(|((bid_id, label, amount, date), rank)| RankedBid {
            rank,
            bid_id,
            label,
            amount,
            date,
        })
        .collect()
}
