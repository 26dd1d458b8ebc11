//! Bids: submitted, changed and withdrawn while the tender period runs.

use crate::Context;
use crate::procedures::common::{lookup, new_id, tendering};
use crate::procedures::price_quotation::{
    Actor, Bid, BidEdit, BidInput, BidStage, BidStatus, Config, Event, State, Tender,
};
use crate::procurement::{Refusal, RequirementResponse, criterion};

fn check_bid_value(
    tender: &Tender,
    config: &Config,
    value: &crate::procurement::Money,
) -> Result<(), Refusal> {
    crate::procurement::require_positive(value.amount, "value.amount")?;
    if config.value_currency_equality && value.currency != tender.value.currency {
        return Err(Refusal::invalid(
            "value",
            "currency of bid should be identical to currency of value of tender",
        ));
    }
    if config.has_value_restriction && value.amount > tender.value.amount {
        return Err(Refusal::invalid(
            "value",
            "value of bid should be less than value of tender",
        ));
    }
    Ok(())
}

fn responses(
    tender: &Tender,
    answers: &[crate::procurement::RequirementResponseInput],
    complete: bool,
    context: &Context<'_>,
) -> Result<Vec<RequirementResponse>, Refusal> {
    let criteria = tender.criteria.as_deref().unwrap_or_default();
    criterion::check_responses(criteria, answers, complete, || new_id(context))
}

pub(super) fn submit_bid(
    state: &State,
    actor: &Actor,
    input: &BidInput,
    (stage, token_hash, transfer_hash): (BidStage, &str, Option<&str>),
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    let now = context.now;
    tendering::check_open(tender, now, "add bid")?;
    let status = BidStatus::from(stage);
    let [tenderer] = input.tenderers.as_slice() else {
        return Err(Refusal::invalid(
            "tenderers",
            "Please provide exactly one tenderer.",
        ));
    };
    let shortlisted = tender
        .shortlisted_firms
        .iter()
        .flatten()
        .filter_map(|firm| firm.get("identifier"))
        .any(|identifier| {
            identifier.get("scheme").and_then(|s| s.as_str())
                == Some(tenderer.identifier.scheme.as_str())
                && identifier.get("id").and_then(|s| s.as_str())
                    == Some(tenderer.identifier.id.as_str())
        });
    if !shortlisted {
        return Err(Refusal::not_allowed(
            "Can't add bid if tenderer not in shortlistedFirms",
        ));
    }
    // One bid per tenderer, as far as this broker can be told (see
    // `already_bids_through`).
    let duplicate =
        tendering::already_bids_through(state, tender, &actor.broker, &tenderer.identifier, None);
    if duplicate {
        return Err(Refusal::invalid(
            "tenderers",
            "Bid from this tenderer already exists",
        ));
    }
    check_bid_value(tender, &state.config, &input.value)?;
    crate::procurement::check_quantities(input.items.as_deref().unwrap_or_default(), "items")?;
    let answers = input.requirement_responses.as_deref().unwrap_or_default();
    let requirement_responses = responses(tender, answers, status == BidStatus::Pending, context)?;
    let bid = Bid {
        id: new_id(context),
        status,
        tenderers: input.tenderers.clone(),
        value: input.value.clone(),
        requirement_responses,
        items: input.items.clone(),
        subcontracting_details: input.subcontracting_details.clone(),
        documents: Vec::new(),
        date: now,
        // When it takes part from: now, unless it stays a draft.
        submission_date: (status == BidStatus::Pending).then_some(now),
        initial_value: None,
        extra: None,
    };
    Ok(vec![Event::BidSubmitted {
        bid: Box::new(bid),
        owner: actor.broker.clone(),
        token_hash: token_hash.to_owned(),
        transfer_hash: transfer_hash.map(str::to_owned),
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
    let (tender, bid) = tendering::owned_open_bid(state, actor, bid_id, now, "update bid")?;
    let status = stage.map(BidStatus::from);
    if bid.status == BidStatus::Pending && status == Some(BidStatus::Draft) {
        return Err(Refusal::invalid(
            "status",
            "Can't change a submitted bid back to draft",
        ));
    }
    if let Some(value) = &edit.value {
        check_bid_value(tender, &state.config, value)?;
    }
    crate::procurement::check_quantities(edit.items.as_deref().unwrap_or_default(), "items")?;
    let final_status = status.unwrap_or(bid.status);
    let requirement_responses = match &edit.requirement_responses {
        Some(answers) => Some(responses(
            tender,
            answers,
            final_status == BidStatus::Pending,
            context,
        )?),
        None if final_status == BidStatus::Pending && bid.status == BidStatus::Draft => {
            // Submitting a draft: its stored answers must now be complete.
            let answers: Vec<_> = bid
                .requirement_responses
                .iter()
                .map(|r| crate::procurement::RequirementResponseInput {
                    requirement: r.requirement.clone(),
                    value: r.value.clone(),
                    values: r.values.clone(),
                })
                .collect();
            responses(tender, &answers, true, context)?;
            None
        }
        None => None,
    };
    Ok(vec![Event::BidEdited {
        bid_id: bid_id.to_owned(),
        value: edit.value.clone(),
        requirement_responses,
        items: edit.items.clone(),
        subcontracting_details: edit.subcontracting_details.clone(),
        status,
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
