//! Who sees what of a priceQuotation tender; the secrecy of bids itself is
//! the same in every procedure (`common/disclosure.rs`).
//!
//! - Bids are sealed until the tender period ends. When it ends and the
//!   tender goes on to qualification (enough bids in the running for
//!   `config.minBidsNumber`), the decider appends `BidsDisclosed` (spec
//!   platform-overview RA-15: after the bidding closes all bids are open).
//!   A tender cancelled while bids were sealed, or ending unsuccessful for
//!   too few bids, keeps them sealed for ever.
//! - Bids that never took part (drafts, withdrawn bids, a tenderer's later
//!   bid through a second broker) are not in `BidsDisclosed`, so never
//!   shown.

use super::PriceQuotation;
use crate::procedures::common::disclosure::Disclosure;

/// The tender's document hides nothing but sealed bids.
impl Disclosure for PriceQuotation {}
