//! The rules every procedure's decider shares, written once: who may act,
//! finding what a command names, the tendering window, attaching documents,
//! the refusal texts and reading the status a request names. A procedure
//! takes part by describing its records through the traits in [`records`].

pub mod disclosure;
pub mod documents;
pub mod lookup;
pub mod ownership;
pub mod parties;
pub mod records;
pub mod refusals;
pub mod tender_target;
pub mod tendering;
pub mod wire;

pub use parties::{BidOwner, Parties};
pub use records::{BidRecord, Caller, Documented, Identified, Owner, Records, Root};
pub use tendering::BidStage;

use crate::Context;

/// A fresh id in the text form records carry.
pub fn new_id(context: &Context<'_>) -> String {
    context.next_id().to_string()
}
