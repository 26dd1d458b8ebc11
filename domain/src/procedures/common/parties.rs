//! Who may act on a procedure and its bids, and which bids everyone may
//! see: what every procedure's state keeps besides its document, changed by
//! the same events in every procedure.

use std::collections::{BTreeMap, BTreeSet};

use super::Owner;

/// Who may act on a bid: the broker that submitted it, holding its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidOwner {
    pub broker: String,
    pub token_hash: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parties {
    /// The hash of the token the procedure's owner holds.
    pub owner_token_hash: String,
    pub bid_owners: BTreeMap<String, BidOwner>,
    /// The bids opened by `BidsDisclosed`: empty while bids are sealed. A
    /// fact of the log, not of the status, so a procedure cancelled while
    /// bids were sealed keeps them sealed for ever.
    pub disclosed_bids: BTreeSet<String>,
}

impl Parties {
    /// `BidSubmitted`: `broker` placed bid `bid_id`, holding `token_hash`.
    pub fn bid_placed(&mut self, bid_id: &str, broker: &str, token_hash: &str) {
        self.bid_owners.insert(
            bid_id.to_owned(),
            BidOwner {
                broker: broker.to_owned(),
                token_hash: token_hash.to_owned(),
            },
        );
    }

    /// `BidsDisclosed`: everyone may now see `bids`.
    pub fn disclose<'b>(&mut self, bids: impl IntoIterator<Item = &'b str>) {
        self.disclosed_bids
            .extend(bids.into_iter().map(str::to_owned));
    }

    /// Who placed the bid, if it exists.
    pub fn bid_owner(&self, bid_id: &str) -> Option<Owner<'_>> {
        self.bid_owners.get(bid_id).map(|owner| Owner {
            broker: &owner.broker,
            token_hash: &owner.token_hash,
        })
    }

    /// Whether `token_hash` is the token of bid `bid_id`: whoever presents
    /// it sees the bid whole.
    pub fn holds_bid_token(&self, bid_id: &str, token_hash: Option<&str>) -> bool {
        match (self.bid_owners.get(bid_id), token_hash) {
            (Some(owner), Some(hash)) => owner.token_hash == hash,
            _ => false,
        }
    }
}
