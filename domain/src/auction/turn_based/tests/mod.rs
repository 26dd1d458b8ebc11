//! Given / when / then specs of the turn-based auction: every rule, the
//! reference module's test vectors (spec `auction-module.md` §10: V-1…V-5,
//! V-8) and the platform's timing example (9 + 6n minutes). A spec is given
//! the events of an auction ([`fixtures`]) and checks what one command
//! decides; the vectors that are about where a whole run leads drive it
//! command by command. The property tests are in `../proptests.rs`.

mod ascending;
mod bidding;
pub(super) mod fixtures;
mod schedule;
mod timer;
mod vectors;
mod visibility;
