//! Who sees what of a Dutch sale; the secrecy of bids itself is the same
//! in every procedure (`common/disclosure.rs`).
//!
//! - Bids (who applies, with what documents) are sealed while they are
//!   taken and while the auction runs; the auction page shows participants
//!   by label only, and the engine keeps round-2 sealed bids hidden until
//!   round 2 ends (`auction::dutch`).
//! - When the auction's results are recorded the decider appends
//!   `BidsDisclosed` with every bid that took part, with the amount the
//!   results give it. A sale that ends before (no participant, nobody
//!   stopped round 1, cancelled while bids were sealed) keeps its bids
//!   sealed for ever.
//! - Drafts, withdrawn bids and a participant's later bids through another
//!   broker are never shown.

use super::DutchSale;
use crate::procedures::common::disclosure::Disclosure;

impl Disclosure for DutchSale {}
