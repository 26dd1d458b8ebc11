//! Bids: placed, changed, submitted and withdrawn while the tender period
//! runs (spec §7.2).

use chrono::{DateTime, Utc};

use super::bid_rules;
use crate::Context;
use crate::procedures::common::{documents, lookup, new_id, ownership, refusals, tendering};
use crate::procedures::open_tender::{
    Actor, Bid, BidEdit, BidInput, BidStage, BidStatus, Event, State, Tender, TenderStatus,
};
use crate::procurement::Refusal;

/// A 403 on `bid`, as the reference names its bid-status refusals.
fn on_bid(text: impl Into<String>) -> Refusal {
    Refusal {
        name: "bid".to_owned(),
        ..Refusal::not_allowed(text)
    }
}

/// B1 and B2: bids are written only in `active.tendering`, within the
/// tender period. `verb` is `add`/`update`/`delete`.
pub(super) fn check_window(tender: &Tender, now: DateTime<Utc>, verb: &str) -> Result<(), Refusal> {
    if tender.status != TenderStatus::ActiveTendering {
        return Err(refusals::status_refusal(tender, &format!("{verb} bid")));
    }
    let period = &tender.tender_period;
    let open = period.start_date.is_some_and(|start| start <= now)
        && period.end_date.is_some_and(|end| now <= end);
    if !open {
        let show = |at: Option<DateTime<Utc>>| at.map(crate::time::format_kyiv).unwrap_or_default();
        let done = match verb {
            "add" => "added",
            "update" => "updated",
            _ => "deleted",
        };
        return Err(Refusal::not_allowed(format!(
            "Bid can be {done} only during the tendering period: from ({}) to ({}).",
            show(period.start_date),
            show(period.end_date)
        )));
    }
    Ok(())
}

/// B5: a bid of a `UA-EDR` tenderer is submitted only with a `proposal`
/// signature newer than its previous submission. The version's date is
/// its `dateModified` (each version is dated when uploaded).
fn check_signed(bid: &Bid) -> Result<(), Refusal> {
    let needs = bid
        .tenderers
        .first()
        .is_some_and(|t| t.identifier.scheme == "UA-EDR");
    if !needs {
        return Ok(());
    }
    let fresh = documents::titled_signatures(&bid.documents, "proposal").any(|document| {
        bid.submission_date
            .is_none_or(|submitted| document.date_modified > submitted)
    });
    if !fresh {
        return Err(documents::signature_required("proposal"));
    }
    Ok(())
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
    check_window(tender, now, "add")?;
    bid_rules::one_tenderer(input)?;
    let tenderer = &input.tenderers[0];
    if tendering::already_bids_through(state, tender, &actor.broker, &tenderer.identifier, None) {
        return Err(Refusal::invalid(
            "tenderers",
            "Bid from this tenderer already exists",
        ));
    }
    let lot_values = bid_rules::lot_values(
        tender,
        &state.config,
        input.lot_values.as_deref(),
        input.value.is_some(),
        now,
    )?;
    let status = BidStatus::from(stage);
    let items = bid_rules::items(
        tender,
        &lot_values,
        input.items.as_deref(),
        status == BidStatus::Pending,
    )?;
    let bid = Bid {
        id: new_id(context),
        status,
        tenderers: input.tenderers.clone(),
        lot_values,
        items,
        subcontracting_details: input.subcontracting_details.clone(),
        documents: Vec::new(),
        date: now,
        submission_date: (status == BidStatus::Pending).then_some(now),
    };
    if status == BidStatus::Pending {
        // Inline documents (batch mode, B10) are deferred: a bid that
        // needs a signature is placed as a draft and signed after.
        check_signed(&bid)?;
    }
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
    let bid = ownership::owned_bid(state, actor, bid_id)?;
    let tender = lookup::root(state)?;
    check_window(tender, now, "update")?;
    let mut changed = bid.clone();
    if let Some(tenderers) = &edit.tenderers {
        if tenderers.len() != 1 {
            return Err(Refusal::invalid(
                "tenderers",
                "Please provide exactly 1 item.",
            ));
        }
        changed.tenderers = tenderers.clone();
    }
    let lot_values = match &edit.lot_values {
        Some(values) => Some(bid_rules::lot_values(
            tender,
            &state.config,
            Some(values),
            false,
            now,
        )?),
        None => None,
    };
    if let Some(values) = &lot_values {
        changed.lot_values = values.clone();
    }
    if let Some(items) = &edit.items {
        changed.items = items.clone();
    }
    let submitting = stage == Some(BidStage::Submitted);
    let status = match stage {
        Some(BidStage::Draft) if bid.status != BidStatus::Draft => {
            return Err(on_bid("Can't update bid to (draft) status"));
        }
        Some(BidStage::Draft) => None,
        Some(BidStage::Submitted) => Some(BidStatus::Pending),
        // B6: changing a submitted bid invalidates it.
        None if bid.status == BidStatus::Pending && !edit.is_empty() => Some(BidStatus::Invalid),
        None => None,
    };
    if edit.items.is_some() || edit.lot_values.is_some() || submitting {
        bid_rules::items(
            tender,
            &changed.lot_values,
            Some(&changed.items),
            submitting,
        )?;
    }
    if submitting && bid.status == BidStatus::Pending && edit.is_empty() {
        // Already submitted: nothing changes.
        return Ok(Vec::new());
    }
    if submitting {
        check_signed(&changed)?;
    }
    if edit.is_empty() && status.is_none() {
        return Ok(Vec::new());
    }
    Ok(vec![Event::BidEdited {
        bid_id: bid_id.to_owned(),
        tenderers: edit.tenderers.clone(),
        lot_values,
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
    ownership::owned_bid(state, actor, bid_id)?;
    check_window(lookup::root(state)?, context.now, "delete")?;
    Ok(vec![Event::BidWithdrawn {
        bid_id: bid_id.to_owned(),
        at: context.now,
    }])
}
