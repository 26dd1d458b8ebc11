//! Creating the tender, editing it in `draft` and `active.enquiries`, and
//! activating it (spec §4).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::Context;
use crate::procedures::common::{documents, new_id, ownership, refusals};
use crate::procedures::open_tender::extended::base_items;
use crate::procedures::open_tender::periods;
use crate::procedures::open_tender::{
    Actor, AuctionSlot, Config, Event, KIND, Lot, LotInput, LotStatus, State, Tender, TenderEdit,
    TenderEditFields, TenderInput, TenderStatus, Terms,
};
use crate::procurement::{Amount, Money, Refusal, check_quantities, require_positive};

/// Spec §13: one lot is supported; more are deferred.
pub const MORE_LOTS_DEFERRED: &str =
    "Only one lot per tender is supported for now: tenders with two or more lots are deferred";

/// The grounds for changing a contract (Law 922, art. 41), served on every
/// tender as the reference does.
const CONTRACT_CHANGE_RATIONALE_TYPES: &str =
    include_str!("../contract_change_rationale_types.json");

/// Creation and edits: the terms as they stand after `edit`, with every
/// derived value worked out (periods, lots, Σ lot values, auction plans).
fn derive_terms(
    state_config: &Config,
    mut terms: Terms,
    lots: Option<&[LotInput]>,
    previous_lots: &[Lot],
    created_at: Option<DateTime<Utc>>,
    slot: AuctionSlot,
    context: &Context<'_>,
) -> Result<Terms, Refusal> {
    let calendar = context.calendar();
    if terms.title.trim().is_empty() {
        return Err(refusals::required("title"));
    }
    if terms.items.is_empty() {
        return Err(Refusal::invalid("items", "Please provide at least 1 item."));
    }
    check_quantities(&base_items(&terms.items), "items")?;
    check_particulars(&terms)?;
    let mut seen = std::collections::BTreeSet::new();
    for item in terms.items.iter_mut() {
        let id = item.id.get_or_insert_with(|| new_id(context)).clone();
        if !seen.insert(id) {
            return Err(Refusal::invalid(
                "items",
                "Item id should be uniq for all items",
            ));
        }
    }
    if let Some(lots) = lots {
        if lots.len() > 1 {
            return Err(Refusal::invalid("lots", MORE_LOTS_DEFERRED));
        }
        terms.lots = lots
            .iter()
            .map(|input| lot_from(input, previous_lots, &terms.value, context))
            .collect::<Result<_, _>>()?;
    }
    for item in &terms.items {
        if let Some(lot) = &item.related_lot
            && !terms.lots.iter().any(|l| &l.id == lot)
        {
            return Err(Refusal::invalid(
                "items",
                "[{\"relatedLot\": [\"relatedLot should be one of lots\"]}]",
            ));
        }
    }
    if !terms.lots.is_empty() {
        // Spec §13: the tender's value is the sum of its lots'.
        let total: Decimal = terms.lots.iter().map(|l| l.value.amount.decimal()).sum();
        terms.value.amount = Amount::new(total).map_err(|e| Refusal::invalid("value.amount", e))?;
    }
    require_positive(terms.value.amount, "value.amount")?;
    let (enquiry, tender) = periods::derive(
        calendar,
        state_config,
        terms.enquiry_period.clone(),
        terms.tender_period.clone(),
        created_at,
    )?;
    terms.enquiry_period = enquiry;
    terms.tender_period = tender;
    // Planned on the tender only while it has no lot (spec §4.1).
    let tender_auction = terms.auction_period.take();
    if state_config.has_auction
        && let Some(end) = terms.tender_period.end_date
    {
        if terms.lots.is_empty() {
            terms.auction_period = Some(periods::plan_auction(
                calendar,
                tender_auction.as_ref(),
                end,
                context.now,
                slot,
            ));
        }
        for lot in terms
            .lots
            .iter_mut()
            .filter(|l| l.status == LotStatus::Active)
        {
            lot.auction_period = Some(periods::plan_auction(
                calendar,
                lot.auction_period.as_ref(),
                end,
                context.now,
                slot,
            ));
        }
    }
    Ok(terms)
}

/// A lot as the client sent it, its currency and VAT the tender's.
fn lot_from(
    input: &LotInput,
    previous: &[Lot],
    tender_value: &Money,
    context: &Context<'_>,
) -> Result<Lot, Refusal> {
    if input.title.trim().is_empty() {
        return Err(refusals::required("lots.title"));
    }
    let kept = input
        .id
        .as_ref()
        .and_then(|id| previous.iter().find(|l| &l.id == id));
    let like_tender = |money: &Money| Money {
        amount: money.amount,
        currency: tender_value.currency.clone(),
        value_added_tax_included: tender_value.value_added_tax_included,
    };
    Ok(Lot {
        id: kept
            .map(|l| l.id.clone())
            .or_else(|| input.id.clone())
            .unwrap_or_else(|| new_id(context)),
        title: input.title.clone(),
        description: input.description.clone(),
        status: LotStatus::Active,
        value: like_tender(&input.value),
        minimal_step: input.minimal_step.as_ref().map(like_tender),
        auction_period: kept.and_then(|l| l.auction_period.clone()),
        auction_url: None,
        date: kept.map_or(context.now, |l| l.date),
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn create(
    state: &State,
    actor: &Actor,
    id: &str,
    input: &TenderInput,
    config: &Config,
    tender_id: &str,
    (owner_token_hash, transfer_token_hash): (&str, &str),
    slot: AuctionSlot,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if state.tender.is_some() {
        return Err(Refusal::not_allowed("Tender already exists"));
    }
    config.validate()?;
    let config = config.clone().completed();
    if let Some(method) = input.procurement_method.as_deref()
        && method != "open"
    {
        return Err(Refusal::invalid(
            "procurementMethod",
            "procurementMethod should be open",
        ));
    }
    if let Some(kind) = input.procurement_method_type.as_deref()
        && kind != KIND
    {
        return Err(refusals::one_of("procurementMethodType", &[KIND]));
    }
    if input.status.as_deref().is_some_and(|s| s != "draft") {
        return Err(refusals::one_of("status", &["draft"]));
    }
    let now = context.now;
    let terms = Terms {
        title: input.title.clone(),
        description: input.description.clone(),
        main_procurement_category: input.main_procurement_category.clone(),
        procuring_entity: input.procuring_entity.clone(),
        value: input.value.clone(),
        enquiry_period: input.enquiry_period.clone(),
        tender_period: input.tender_period.clone(),
        items: input.items.clone(),
        lots: Vec::new(),
        auction_period: None,
        milestones: input.milestones.clone(),
        particulars: input.extra.clone(),
    };
    let terms = derive_terms(
        &config,
        terms,
        input.lots.as_deref(),
        &[],
        Some(now),
        slot,
        context,
    )?;
    let mut tender = Tender {
        id: id.to_owned(),
        tender_id: tender_id.to_owned(),
        owner: actor.broker.clone(),
        status: TenderStatus::Draft,
        title: String::new(),
        description: None,
        main_procurement_category: None,
        procurement_method: "open".to_owned(),
        procurement_method_type: KIND.to_owned(),
        submission_method: config.has_auction.then(|| "electronicAuction".to_owned()),
        award_criteria: "lowestCost".to_owned(),
        procuring_entity: terms.procuring_entity.clone(),
        value: terms.value.clone(),
        enquiry_period: Default::default(),
        tender_period: Default::default(),
        award_period: None,
        items: Vec::new(),
        lots: Vec::new(),
        auction_period: None,
        milestones: None,
        particulars: Default::default(),
        contract_change_rationale_types: serde_json::from_str(CONTRACT_CHANGE_RATIONALE_TYPES).ok(),
        notice_publication_date: None,
        date: now,
        date_created: now,
        date_modified: now,
        documents: Vec::new(),
        questions: Vec::new(),
        bids: Vec::new(),
        awards: Vec::new(),
        contracts: Vec::new(),
        cancellations: Vec::new(),
    };
    tender.set_terms(&terms);
    Ok(vec![Event::TenderCreated {
        tender: Box::new(tender),
        config,
        owner_token_hash: owner_token_hash.to_owned(),
        transfer_token_hash: transfer_token_hash.to_owned(),
    }])
}

/// The terms `edit` leads to, if the owner may edit now (spec §4.2).
fn edited_terms(
    state: &State,
    actor: &Actor,
    edit: &TenderEdit,
    slot: AuctionSlot,
    context: &Context<'_>,
) -> Result<(Terms, bool), Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    if !matches!(
        tender.status,
        TenderStatus::Draft | TenderStatus::ActiveEnquiries
    ) {
        return Err(refusals::unnamed_status_refusal(
            "update tender",
            tender.status.as_str(),
        ));
    }
    let mut terms = tender.terms();
    let before = terms.clone();
    let TenderEditFields {
        title,
        description,
        main_procurement_category,
        procuring_entity,
        value,
        enquiry_period,
        tender_period,
        items,
        lots,
        milestones,
        status: _,
    } = edit.base.clone();
    terms.particulars.apply(edit.extra.clone());
    if let Some(entity) = procuring_entity {
        if tender.status != TenderStatus::Draft && entity.kind != terms.procuring_entity.kind {
            return Err(Refusal::invalid(
                "procuringEntity",
                "Can't change procuringEntity.kind in a public tender",
            ));
        }
        terms.procuring_entity = entity;
    }
    if let Some(title) = title {
        terms.title = title;
    }
    if description.is_some() {
        terms.description = description;
    }
    if main_procurement_category.is_some() {
        terms.main_procurement_category = main_procurement_category;
    }
    if let Some(value) = value {
        terms.value = value;
    }
    if let Some(period) = enquiry_period {
        terms.enquiry_period.start_date = period.start_date.or(terms.enquiry_period.start_date);
        terms.enquiry_period.end_date = period.end_date.or(terms.enquiry_period.end_date);
    }
    if let Some(period) = tender_period {
        terms.tender_period.start_date = period.start_date.or(terms.tender_period.start_date);
        terms.tender_period.end_date = period.end_date.or(terms.tender_period.end_date);
    }
    if let Some(items) = items {
        terms.items = items;
    }
    if milestones.is_some() {
        terms.milestones = milestones;
    }
    let previous = tender.lots.clone();
    let terms = derive_terms(
        &state.config,
        terms,
        lots.as_deref(),
        &previous,
        None,
        slot,
        context,
    )?;
    if tender.status != TenderStatus::Draft {
        require_related_lots(&terms)?;
    }
    let changed = terms != before;
    Ok((terms, changed))
}

pub(super) fn edit(
    state: &State,
    actor: &Actor,
    edit: &TenderEdit,
    (slot, as_draft): (AuctionSlot, bool),
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    if as_draft && tender.status != TenderStatus::Draft {
        return Err(Refusal::invalid("status", "Can't change status to draft"));
    }
    let (terms, changed) = edited_terms(state, actor, edit, slot, context)?;
    Ok(if changed {
        vec![Event::TenderEdited {
            terms: Box::new(terms),
            at: context.now,
        }]
    } else {
        Vec::new()
    })
}

/// The reference's model refuses a `mode` other than the sandbox's `test`,
/// and an inspector on a tender without funders (the inspector reviews
/// funders' tenders; its review requests are deferred).
fn check_particulars(terms: &Terms) -> Result<(), Refusal> {
    let particulars = &terms.particulars;
    if particulars
        .mode
        .as_deref()
        .is_some_and(|mode| mode != "test")
    {
        return Err(refusals::one_of("mode", &["test"]).as_list());
    }
    let funded = particulars.funders.as_ref().is_some_and(|f| !f.is_empty());
    if particulars.inspector.is_some() && !funded {
        return Err(
            Refusal::invalid("inspector", "Inspector couldn't exist without funders").as_list(),
        );
    }
    Ok(())
}

/// A7: every item belongs to a lot.
fn require_related_lots(terms: &Terms) -> Result<(), Refusal> {
    if terms.items.iter().any(|item| item.related_lot.is_none()) {
        return Err(Refusal::invalid(
            "item.relatedLot",
            "This field is required",
        ));
    }
    Ok(())
}

/// A5/A6: each lot's minimal step, when the tender has an auction.
fn check_lot_steps(terms: &Terms, config: &Config) -> Result<(), Refusal> {
    for lot in &terms.lots {
        let Some(step) = &lot.minimal_step else {
            if config.has_auction {
                return Err(refusals::required("minimalStep").as_list());
            }
            continue;
        };
        if !config.has_auction {
            return Err(Refusal::invalid("minimalStep", "Rogue field"));
        }
        let value = lot.value.amount.decimal();
        let step = step.amount.decimal();
        if step > value {
            return Err(Refusal::invalid(
                "lots",
                "Minimal step value should be less than lot value",
            ));
        }
        let hundred = Decimal::ONE_HUNDRED;
        let lower = (value * Decimal::new(5, 3) * hundred).floor() / hundred;
        let upper = (value * Decimal::new(3, 2) * hundred).ceil() / hundred;
        if step < lower || step > upper {
            return Err(Refusal::invalid(
                "data",
                "Minimal step value must be between 0.5% and 3% of value (with 2 digits precision).",
            ));
        }
    }
    Ok(())
}

/// `draft → active.enquiries` (spec §4.3), the checks in the reference's
/// order; A10 (required criteria) is deferred with criteria (§18).
pub(super) fn activate(
    state: &State,
    actor: &Actor,
    edit: &TenderEdit,
    slot: AuctionSlot,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    if tender.status != TenderStatus::Draft {
        return Err(Refusal::invalid(
            "status",
            format!(
                "Can't switch to 'active.enquiries' from {}",
                tender.status.as_str()
            ),
        ));
    }
    let (terms, changed) = edited_terms(state, actor, edit, slot, context)?;
    // A1 and A3 ran in `edited_terms` (the period rules).
    let proforma = documents::current(&tender.documents)
        .any(|d| d.document_type.as_deref() == Some("contractProforma"));
    if !proforma {
        return Err(Refusal::invalid(
            "contractTemplateName",
            "Either contractTemplateName or contractProforma document is required",
        ));
    }
    check_lot_steps(&terms, &state.config)?;
    require_related_lots(&terms)?;
    if terms.lots.is_empty() {
        // Unreachable after A7 (an item needs a lot), kept explicit.
        return Err(Refusal::invalid(
            "lots",
            "Tenders without lots are not supported (legacy path deferred)",
        ));
    }
    if !documents::signed_by_title(&tender.documents, "notice") {
        return Err(documents::signature_required("notice"));
    }
    let late = terms
        .enquiry_period
        .end_date
        .is_some_and(|end| end <= context.now);
    let mut events = Vec::new();
    if changed {
        events.push(Event::TenderEdited {
            terms: Box::new(terms),
            at: context.now,
        });
    }
    events.push(Event::TenderActivated {
        late,
        at: context.now,
    });
    Ok(events)
}
