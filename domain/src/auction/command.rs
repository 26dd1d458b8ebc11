//! What can be asked of an auction: one vocabulary for every kind, so that
//! the participation endpoint, the scheduler and the procedures speak to
//! any engine alike and a new kind brings only its parameters.
//!
//! Who is asking is settled before a command reaches an engine: a
//! participant's command carries the bid id its participation link was
//! issued for (the link's secret is checked by the layer that serves it),
//! and only the procedure that owns the auction schedules, admits or
//! cancels. The time of every decision is the context's `now`; no command
//! carries a time of its own, so a client's clock never counts.

use crate::procurement::Amount;

#[derive(Debug, Clone, PartialEq)]
pub enum Command<P> {
    /// Sets the auction up from its parameters; sent once by the procedure
    /// when its auction stage begins.
    Schedule { auction_id: String, parameters: P },
    /// A participant admitted after scheduling (a Dutch bid activated
    /// during round 1). Kinds whose participants are fixed refuse it.
    Join { bid_id: String },
    /// A participant's bid. `None` accepts the price on offer (a Dutch
    /// step); kinds that need an amount answer "Bid amount is required".
    Bid {
        bid_id: String,
        amount: Option<Amount>,
    },
    /// Withdraws the participant's bid that is not public yet (the
    /// reference's `-1`); the bid that stood before it stays.
    CancelBid { bid_id: String },
    /// The procedure stops the auction (its tender or lot was cancelled).
    Cancel,
    /// The timer: closes whatever stage has ended by `now`. Nothing due,
    /// no events, so the scheduler may send it any number of times.
    Tick,
}
