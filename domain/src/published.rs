//! How a procedure type shows itself to the public: the document readers
//! get, and what of each event the public event log may show. Every
//! procedure type implements this next to its decider (its `disclosure.rs`),
//! so the secrecy rule of a procedure is read with the rest of its rulebook.
//! The read models (`projections`) and the event endpoint only call these
//! functions; they never decide on their own what is secret.

use serde_json::Value as Json;

use crate::Decider;

pub trait Published: Decider {
    /// The whole public body of `GET <collection>/{id}` (for example
    /// `{"data": {...}, "config": {...}}`), or `None` before the procedure
    /// exists. The `data` object carries at least `id`, `status`,
    /// `dateModified` and `owner`. It must be a pure function of the state:
    /// replay renders it again from the log and must get the same bytes.
    fn public_envelope(state: &Self::State) -> Option<Json>;

    /// Whether the bids of the procedure are open to everyone now.
    fn bids_disclosed(state: &Self::State) -> bool;

    /// The data of `event` a public reader of the event log may see, given
    /// whether the procedure's bids are disclosed at the time of reading.
    /// Secrets that are never public (token hashes) are always removed.
    fn public_event(event: &Self::Event, bids_disclosed: bool) -> Json;
}
