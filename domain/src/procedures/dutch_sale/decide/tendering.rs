//! Applications: placed and activated until round 1 ends (AD-3), changed
//! and withdrawn only before the auction starts.

use crate::Context;
use crate::procedures::common::{lookup, new_id, refusals, tendering};
use crate::procedures::dutch_sale::{
    Actor, Bid, BidEdit, BidInput, BidStage, BidStatus, Event, Organization, ProcedureStatus, Role,
    State,
};
use crate::procurement::Refusal;

/// Exactly one bidder, and not one this broker already bids for in
/// another of its bids (`except`: the bid being edited). A participant
/// bidding through two brokers is resolved with the results.
fn check_bidder(
    state: &State,
    broker: &str,
    bidders: &[Organization],
    except: Option<&str>,
    active: bool,
) -> Result<(), Refusal> {
    let procedure = lookup::root(state)?;
    let [bidder] = bidders else {
        return Err(Refusal::invalid(
            "bidders",
            "Please provide exactly one bidder.",
        ));
    };
    if tendering::already_bids_through(state, procedure, broker, &bidder.party_identifier(), except)
    {
        return Err(Refusal::invalid(
            "bidders",
            "A participant may submit only one bid per auction",
        ));
    }
    if active {
        bidder.check("bidders")?;
    }
    Ok(())
}

pub(super) fn submit_bid(
    state: &State,
    actor: &Actor,
    input: &BidInput,
    stage: BidStage,
    token_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = lookup::root(state)?;
    if actor.role != Role::Broker {
        return Err(Refusal::forbidden());
    }
    let now = context.now;
    tendering::check_open(procedure, now, "add bid")?;
    let status = BidStatus::from(stage);
    if procedure.status == ProcedureStatus::ActiveAuction && status == BidStatus::Draft {
        return Err(Refusal::invalid(
            "status",
            "During the auction a bid is placed to take part at once: active",
        ));
    }
    check_bidder(
        state,
        &actor.broker,
        &input.bidders,
        None,
        status == BidStatus::Active,
    )?;
    let bid = Bid {
        id: new_id(context),
        status,
        bidders: input.bidders.clone(),
        value: None,
        documents: Vec::new(),
        date_published: now,
        date_modified: now,
    };
    Ok(vec![Event::BidSubmitted {
        bid: Box::new(bid),
        owner: actor.broker.clone(),
        token_hash: token_hash.to_owned(),
    }])
}

pub(super) fn edit_bid(
    state: &State,
    actor: &Actor,
    bid_id: &str,
    edit: &BidEdit,
    stage: Option<BidStage>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let now = context.now;
    let (procedure, bid) = tendering::owned_open_bid(state, actor, bid_id, now, "update bid")?;
    let requested = stage.map(BidStatus::from);
    if requested == Some(BidStatus::Draft) && bid.status != BidStatus::Draft {
        return Err(Refusal::invalid(
            "status",
            "Can't change a submitted bid back to draft",
        ));
    }
    let status = requested.unwrap_or(bid.status);
    // AD-3: once the auction runs, a draft may only be activated.
    if procedure.status == ProcedureStatus::ActiveAuction
        && (edit.bidders.is_some() || bid.status != BidStatus::Draft)
    {
        return Err(refusals::status_refusal(procedure, "update bid"));
    }
    let bidders = edit.bidders.as_deref().unwrap_or(&bid.bidders);
    check_bidder(
        state,
        &actor.broker,
        bidders,
        Some(bid_id),
        status == BidStatus::Active,
    )?;
    Ok(vec![Event::BidEdited {
        bid_id: bid_id.to_owned(),
        bidders: edit.bidders.clone(),
        status: (status != bid.status).then_some(status),
        at: now,
    }])
}

pub(super) fn withdraw_bid(
    state: &State,
    actor: &Actor,
    bid_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (procedure, _) =
        tendering::owned_open_bid(state, actor, bid_id, context.now, "delete bid")?;
    if procedure.status != ProcedureStatus::ActiveTendering {
        return Err(refusals::status_refusal(procedure, "delete bid"));
    }
    Ok(vec![Event::BidWithdrawn {
        bid_id: bid_id.to_owned(),
        at: context.now,
    }])
}
