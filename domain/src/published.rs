//! How a procedure type shows itself to the public: the document readers
//! get, and what of each event the public event log may show. The secrecy
//! of bids is the same for every procedure type, written once in
//! `procedures/common/disclosure.rs`, which implements this for each type;
//! each type's `disclosure.rs` says, with the rest of its rulebook, when its
//! decider opens the bids and what else its document hides.
//! The read models (`projections`) and the event endpoint only call these
//! functions; they never decide on their own what is secret.

use serde_json::Value as Json;

use crate::Decider;
use crate::procurement::Refusal;

/// What the public event log may show of one event.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicEvent {
    pub data: Json,
    /// Whether something sealed (a bid's contents, a confidential document)
    /// was withheld from `data`. The event log then also withholds the
    /// event's hashes: with them a reader could test guesses of what was
    /// withheld.
    pub withheld: bool,
}

impl PublicEvent {
    pub fn shown(data: Json) -> Self {
        PublicEvent {
            data,
            withheld: false,
        }
    }

    pub fn withheld(data: Json) -> Self {
        PublicEvent {
            data,
            withheld: true,
        }
    }
}

pub trait Published: Decider {
    /// The whole public body of `GET <collection>/{id}` (for example
    /// `{"data": {...}, "config": {...}}`), or `None` before the procedure
    /// exists. The `data` object carries at least `id`, `status`,
    /// `dateModified` and `owner`. It must be a pure function of the state:
    /// replay renders it again from the log and must get the same bytes.
    fn public_envelope(state: &Self::State) -> Option<Json>;

    /// Whether the procedure's bids have been opened to everyone.
    fn bids_disclosed(state: &Self::State) -> bool;

    /// Bid `bid_id` as a viewer presenting the object token whose hash is
    /// `token_hash` (or none) may see it: whole to its owner, to others only
    /// once it is disclosed, and refused (naming the bid) otherwise.
    fn visible_bid(
        state: &Self::State,
        bid_id: &str,
        token_hash: Option<&str>,
    ) -> Result<Json, Refusal>;

    /// Whether `token_hash` is the token of bid `bid_id`, i.e. the viewer
    /// is the bid's owner (who alone gets, say, its participation link).
    /// A type that cannot tell answers `false`.
    fn holds_bid_token(_state: &Self::State, _bid_id: &str, _token_hash: Option<&str>) -> bool {
        false
    }

    /// The data of `event` a public reader of the event log may see. It is
    /// a function of the event alone, so an event reads the same whenever
    /// it is read: bid contents are never shown in the events that place or
    /// change a bid, only in the event that discloses the bids that took
    /// part. Secrets that are never public (token hashes) are always removed.
    fn public_event(event: &Self::Event) -> PublicEvent;
}
