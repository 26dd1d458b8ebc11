//! Given/when/then vectors of the Dutch sale, on the spec harness: a spec
//! is given the events of a sale ([`fixtures`]) and checks what one
//! command decides; the vectors about where the auction leads drive the
//! sale joined with the Dutch engine (`Auctioned<DutchSale, Dutch>`,
//! [`live`]) from publication to the awards, as the scheduler and the
//! participants' pages would.

mod auction;
mod disclosure;
pub(super) mod fixtures;
pub(super) mod live;
mod publication;
mod qualification;
mod results;
mod tendering;
