//! The parts of an auction's views every kind shares. Each engine renders
//! its own public view (what everyone may see at a moment: stages with
//! exact deadlines, anonymous labels, the amounts its rules have made
//! public by then); a participant's view wraps it with what only that
//! participant may see: its label, its own bid that is not public yet, and
//! the action it may take now with its bounds. Views are computed from the
//! state and `now` alone, so the page and the live channel can render them
//! at any moment without a decision being taken.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::procurement::Amount;

/// Where an auction is, for every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Scheduled; its start has not come.
    Scheduled,
    Running,
    /// Ended with a ranking.
    Finished,
    /// Ended without a winner (a Dutch auction nobody stopped).
    Unsuccessful,
    Cancelled,
}

/// What a participant may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// Type an amount within the bounds.
    Bid,
    /// Accept the price on offer (`min` = `max` = that price).
    Accept,
}

/// The action open to a participant, with inclusive bounds already at the
/// precision the engine accepts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Allowed {
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Amount>,
    /// The action is open until this moment (exclusive).
    #[serde(with = "crate::time::kyiv_serde")]
    pub until: DateTime<Utc>,
    /// Whether the participant has a bid it may still withdraw.
    pub can_cancel: bool,
    /// At or above this amount the page asks the participant to confirm
    /// (the Dutch "×10" prompt); the engine never refuses a bid for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_from: Option<Amount>,
}

/// A participant's view: the public one plus what is the participant's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantView<V> {
    pub label: String,
    pub public: V,
    /// The participant's bid that is not public yet (in its turn, or a
    /// sealed round), shown to it alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_bid: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Allowed>,
}

/// The anonymous label of the `n`-th participant (1-based): "Bidder 1",
/// "Bidder 2", … (platform rule RA-13).
pub fn label(n: usize) -> String {
    format!("Bidder {n}")
}
