//! Finding what a command names; what is not there is a 404 on the URL
//! parameter that named it.

use super::{BidRecord, Identified, Records, Root};
use crate::procurement::Refusal;

/// The procedure, once created.
pub fn root<S: Records>(state: &S) -> Result<&S::Root, Refusal> {
    state
        .root()
        .ok_or_else(|| Refusal::not_found(S::ROOT_PARAM))
}

/// The record with `id` among `records`, else not found on `param`.
pub fn by_id<'r, T: Identified>(records: &'r [T], id: &str, param: &str) -> Result<&'r T, Refusal> {
    records
        .iter()
        .find(|record| record.id() == id)
        .ok_or_else(|| Refusal::not_found(param))
}

/// The bid with `bid_id`, unless withdrawn.
pub fn live_bid<'r, R: Root>(root: &'r R, bid_id: &str) -> Result<&'r R::Bid, Refusal> {
    root.bids()
        .iter()
        .find(|bid| bid.id() == bid_id && !bid.is_withdrawn())
        .ok_or_else(|| Refusal::not_found("bid_id"))
}
