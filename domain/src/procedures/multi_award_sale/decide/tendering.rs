//! Bids: submitted, changed and withdrawn while the tender period runs.

use crate::Context;
use crate::procedures::common::{lookup, new_id, tendering};
use crate::procedures::multi_award_sale::{
    Actor, Bid, BidEdit, BidInput, BidStage, BidStatus, Event, Organization, Procedure, Role,
    State, check_party,
};
use crate::procurement::{Amount, Money, Refusal};

/// B-V1…B-V3: the price per unit is at least the minimal price, in the
/// procedure's currency; the quantity lies between `minimalPart` and the
/// lot's volume, both inclusive (Q2).
fn check_bid_terms(procedure: &Procedure, value: &Money, quantity: Amount) -> Result<(), Refusal> {
    crate::procurement::require_positive(value.amount, "value.amount")?;
    crate::procurement::require_positive(quantity, "quantity")?;
    if value.currency != procedure.value.currency {
        return Err(Refusal::invalid(
            "value",
            "currency of bid should be identical to currency of value of procedure",
        ));
    }
    if value.amount < procedure.value.amount {
        return Err(Refusal::invalid(
            "value",
            format!(
                "value of bid should be greater than or equal to value of procedure ({})",
                procedure.value.amount
            ),
        ));
    }
    if quantity.decimal() < procedure.minimal_part() {
        return Err(Refusal::invalid(
            "quantity",
            format!(
                "quantity of bid should be greater than or equal to minimalPart ({})",
                procedure.minimal_part
            ),
        ));
    }
    if quantity.decimal() > procedure.lot_quantity() {
        return Err(Refusal::invalid(
            "quantity",
            format!(
                "quantity of bid should be less than or equal to items.quantity ({})",
                procedure.lot_quantity()
            ),
        ));
    }
    Ok(())
}

/// B-V4: one bid per participant, the participant being the register and
/// code of its bidder (Q3). `except` is the bid being edited. Checked here
/// only against the bids `broker` placed itself; a participant bidding
/// through two brokers is resolved when the tender period ends
/// (`end_tendering`).
fn check_one_bid_per_bidder(
    state: &State,
    broker: &str,
    bidders: &[Organization],
    except: Option<&str>,
) -> Result<(), Refusal> {
    let procedure = lookup::root(state)?;
    let [bidder] = bidders else {
        return Err(Refusal::invalid(
            "bidders",
            "Please provide exactly one bidder.",
        ));
    };
    let taken = tendering::already_bids_through(
        state,
        procedure,
        broker,
        &bidder.party_identifier(),
        except,
    );
    if taken {
        return Err(Refusal::invalid(
            "bidders",
            "A participant may submit only one bid per auction",
        ));
    }
    Ok(())
}

fn check_active_bidders(bidders: &[Organization]) -> Result<(), Refusal> {
    for bidder in bidders {
        check_party(bidder, "bidders")?;
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
    check_one_bid_per_bidder(state, &actor.broker, &input.bidders, None)?;
    check_bid_terms(procedure, &input.value, input.quantity)?;
    if status == BidStatus::Active {
        check_active_bidders(&input.bidders)?;
    }
    let bid = Bid {
        id: new_id(context),
        status,
        bidders: input.bidders.clone(),
        value: input.value.clone(),
        initial_value_amount: None,
        quantity: input.quantity,
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
    // BD4: changing or confirming a deactivated bid makes it active again.
    let status = requested.unwrap_or(match bid.status {
        BidStatus::Invalid => BidStatus::Active,
        other => other,
    });
    let bidders = edit.bidders.as_deref().unwrap_or(&bid.bidders);
    if edit.bidders.is_some() {
        check_one_bid_per_bidder(state, &actor.broker, bidders, Some(bid_id))?;
    }
    let value = edit.value.as_ref().unwrap_or(&bid.value);
    let quantity = edit.quantity.unwrap_or(bid.quantity);
    check_bid_terms(procedure, value, quantity)?;
    if status == BidStatus::Active {
        check_active_bidders(bidders)?;
    }
    Ok(vec![Event::BidEdited {
        bid_id: bid_id.to_owned(),
        bidders: edit.bidders.clone(),
        value: edit.value.clone(),
        quantity: edit.quantity,
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
    tendering::owned_open_bid(state, actor, bid_id, context.now, "delete bid")?;
    Ok(vec![Event::BidWithdrawn {
        bid_id: bid_id.to_owned(),
        at: context.now,
    }])
}
