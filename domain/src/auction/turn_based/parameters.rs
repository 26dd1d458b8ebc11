//! What a procedure gives to run a turn-based auction: the start, the
//! direction, the minimal step, the bids taking part with their amounts and
//! dates, in the procedure's own bid order, and the stage lengths (named, so
//! that a procedure with other timings changes data, not code).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::auction::Direction;
use crate::auction::rules::bad_parameter;
use crate::auction::stage::usable;
use crate::procurement::{Amount, Refusal};

/// A bid taking part, as the procedure holds it before the auction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub bid_id: String,
    /// The bid's amount (a price per unit in the multi-award sale).
    pub amount: Amount,
    /// The bid's date, the first key of the tie rule until the auction
    /// changes the amount.
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

/// Stage lengths and the number of rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Before round 1, to get acquainted with the bids (RA-7: 5 min).
    pub opening_pause: TimeDelta,
    /// One bidder's turn (RA-9: 2 min).
    pub turn: TimeDelta,
    /// Before each later round (RA-12: 2 min).
    pub round_pause: TimeDelta,
    /// RA-8: 3.
    pub rounds: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            opening_pause: TimeDelta::minutes(5),
            turn: TimeDelta::minutes(2),
            round_pause: TimeDelta::minutes(2),
            rounds: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    /// `auctionPeriod.startDate`: the opening pause begins.
    pub start: DateTime<Utc>,
    pub direction: Direction,
    /// How much a new bid must improve the bidder's own current amount.
    pub minimal_step: Amount,
    /// In the procedure's bid order, which breaks a full tie (spec Q1).
    pub participants: Vec<Participant>,
    pub timing: Timing,
    /// The fractional digits a bid may have (spec Q9: 2, kopiykas).
    pub amount_decimals: u32,
}

impl Parameters {
    /// The reference timings (RA-7…RA-12) and amounts in kopiykas.
    pub fn new(
        start: DateTime<Utc>,
        direction: Direction,
        minimal_step: Amount,
        participants: Vec<Participant>,
    ) -> Self {
        Parameters {
            start,
            direction,
            minimal_step,
            participants,
            timing: Timing::default(),
            amount_decimals: 2,
        }
    }

    /// Refuses what the engine cannot run: fewer than two participants
    /// (spec Q8: with one the procedure awards directly), a bid taking part
    /// twice, a zero amount or step, unusable stage lengths.
    pub fn check(&self) -> Result<(), Refusal> {
        if self.participants.len() < 2 {
            return Err(bad_parameter("participants", "Not enough participants"));
        }
        for (index, participant) in self.participants.iter().enumerate() {
            if self.participants[..index]
                .iter()
                .any(|other| other.bid_id == participant.bid_id)
            {
                return Err(bad_parameter(
                    "participants",
                    format!("Bid {} takes part twice", participant.bid_id),
                ));
            }
            if !participant.amount.is_positive() {
                return Err(bad_parameter(
                    "participants",
                    "Float value should be greater than 0.",
                ));
            }
        }
        if !self.minimal_step.is_positive() {
            return Err(bad_parameter(
                "minimalStep",
                "Float value should be greater than 0.",
            ));
        }
        let t = &self.timing;
        if ![t.opening_pause, t.turn, t.round_pause]
            .into_iter()
            .all(usable)
            || t.rounds == 0
        {
            return Err(bad_parameter(
                "timing",
                "Stage lengths must be positive whole milliseconds and rounds at least 1",
            ));
        }
        if self.amount_decimals > 6 {
            return Err(bad_parameter("amountDecimals", "At most 6 decimals"));
        }
        Ok(())
    }
}
