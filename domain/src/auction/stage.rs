//! One stage of an auction's schedule: what happens (`kind`, named by the
//! engine), where it sits (`round`, `number`: the turn in its round or the
//! step of a Dutch round), the price it offers if it offers one, and its
//! exact start and end. Every engine lays its whole schedule out when the
//! auction is scheduled and stores it in the scheduling event, so stage
//! boundaries come from the log, never from when a timer happened to fire.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::procurement::Amount;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Amount>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub start: DateTime<Utc>,
    /// Exclusive: at `end` the stage is over (spec V-8).
    #[serde(with = "crate::time::kyiv_serde")]
    pub end: DateTime<Utc>,
}

impl Stage {
    pub fn new(kind: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Stage {
            kind: kind.to_owned(),
            round: None,
            number: None,
            price: None,
            start,
            end,
        }
    }

    pub fn in_round(mut self, round: u32, number: Option<u32>) -> Self {
        self.round = Some(round);
        self.number = number;
        self
    }

    pub fn offering(mut self, price: Amount) -> Self {
        self.price = Some(price);
        self
    }

    /// Whether `now` falls inside the stage: `start ≤ now < end`.
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        self.start <= now && now < self.end
    }
}

/// The index of the stage running at `now`, if any.
pub fn current(stages: &[Stage], now: DateTime<Utc>) -> Option<usize> {
    stages.iter().position(|stage| stage.contains(now))
}

/// Whether `duration` is a usable stage length: positive and a whole number
/// of milliseconds, so that every boundary survives the store's time format.
pub fn usable(duration: TimeDelta) -> bool {
    duration > TimeDelta::zero() && duration.subsec_nanos() % 1_000_000 == 0
}
