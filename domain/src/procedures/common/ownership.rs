//! Who may act on what: the broker that owns a record, presenting the token
//! it was given for it.

use super::{Caller, Owner, Records, Root, lookup};
use crate::procurement::Refusal;

/// Whether `caller` is `owner`'s broker and presents its token.
pub fn holds(caller: &impl Caller, owner: Owner<'_>) -> bool {
    caller.broker() == Some(owner.broker) && caller.token_hash() == Some(owner.token_hash)
}

/// Whether `caller` owns the procedure `root` of `state`.
pub fn owns_root<S: Records>(state: &S, root: &S::Root, caller: &impl Caller) -> bool {
    holds(
        caller,
        Owner {
            broker: root.owner(),
            token_hash: &state.parties().owner_token_hash,
        },
    )
}

/// Whether `caller` placed the bid `bid_id`.
pub fn owns_bid<S: Records>(state: &S, caller: &impl Caller, bid_id: &str) -> bool {
    state
        .parties()
        .bid_owner(bid_id)
        .is_some_and(|owner| holds(caller, owner))
}

/// The procedure, if `caller` owns it.
pub fn owned_root<'s, S: Records>(
    state: &'s S,
    caller: &impl Caller,
) -> Result<&'s S::Root, Refusal> {
    let root = lookup::root(state)?;
    if !owns_root(state, root, caller) {
        return Err(Refusal::forbidden());
    }
    Ok(root)
}

/// The bid, if `caller` placed it; a bid that does not exist is not found
/// before it is forbidden.
pub fn owned_bid<'s, S: Records>(
    state: &'s S,
    caller: &impl Caller,
    bid_id: &str,
) -> Result<&'s <S::Root as Root>::Bid, Refusal> {
    let bid = lookup::live_bid(lookup::root(state)?, bid_id)?;
    if !owns_bid(state, caller, bid_id) {
        return Err(Refusal::forbidden());
    }
    Ok(bid)
}
