//! The rules: which command is allowed when, and what it leads to.

use chrono::{DateTime, Utc};

use super::catalogue::CatalogueSnapshot;
use super::command::{Actor, Command, Target};
use super::event::Event;
use super::state::State;
use super::*;
use crate::Context;
use crate::procurement::{
    ContractValue, DocumentInput, Period, Refusal, RequirementResponse, criterion,
};

/// The template name the reference API shows after activation [spec Q5]:
/// its source is not documented, so it is a fixed value, recorded in the
/// activation event like every other fact the decision used.
pub const CONTRACT_TEMPLATE_NAME: &str = "00000000-0.0001.01";

pub fn decide(
    state: &State,
    command: &Command,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::Create {
            actor,
            id,
            tender,
            config,
            tender_id,
            owner_token_hash,
            transfer_token_hash,
        } => create(
            state,
            actor,
            id,
            tender,
            config,
            tender_id,
            owner_token_hash,
            transfer_token_hash,
            context,
        ),
        Command::Edit {
            actor,
            edit,
            catalogue,
        } => edit_tender(state, actor, edit, catalogue.as_ref(), context),
        Command::SubmitBid {
            actor,
            bid,
            token_hash,
        } => submit_bid(state, actor, bid, token_hash, context),
        Command::EditBid {
            actor,
            bid_id,
            edit,
        } => edit_bid(state, actor, bid_id, edit, context),
        Command::WithdrawBid { actor, bid_id } => withdraw_bid(state, actor, bid_id, context),
        Command::DecideAward {
            actor,
            award_id,
            edit,
        } => decide_award(state, actor, award_id, edit, context),
        Command::EditContract {
            actor,
            contract_id,
            edit,
        } => edit_contract(state, actor, contract_id, edit, context),
        Command::RequestCancellation {
            actor,
            cancellation,
        } => request_cancellation(state, actor, cancellation, context),
        Command::EditCancellation {
            actor,
            cancellation_id,
            edit,
        } => edit_cancellation(state, actor, cancellation_id, edit, context),
        Command::AddDocument {
            actor,
            target,
            document,
        } => add_document(state, actor, target, document, context),
        Command::TransferOwnership {
            broker,
            transfer_hash,
            new_token_hash,
            new_transfer_hash,
        } => transfer(
            state,
            broker,
            transfer_hash,
            new_token_hash,
            new_transfer_hash,
            context,
        ),
        Command::CheckDue => check_due(state, context),
    }
}

fn tender_of(state: &State) -> Result<&Tender, Refusal> {
    state
        .tender
        .as_ref()
        .ok_or_else(|| Refusal::not_found("tender_id"))
}

/// The tender, if `actor` is its owner holding the tender's token.
fn owned_tender<'s>(state: &'s State, actor: &Actor) -> Result<&'s Tender, Refusal> {
    let tender = tender_of(state)?;
    let token_matches = actor.token_hash.as_deref() == Some(state.owner_token_hash.as_str());
    if actor.broker != tender.owner || !token_matches {
        return Err(Refusal::forbidden());
    }
    Ok(tender)
}

fn find_award<'t>(tender: &'t Tender, award_id: &str) -> Result<&'t Award, Refusal> {
    tender
        .awards
        .iter()
        .find(|award| award.id == award_id)
        .ok_or_else(|| Refusal::not_found("award_id"))
}

fn find_contract<'t>(tender: &'t Tender, contract_id: &str) -> Result<&'t Contract, Refusal> {
    tender
        .contracts
        .iter()
        .find(|contract| contract.id == contract_id)
        .ok_or_else(|| Refusal::not_found("contract_id"))
}

fn find_cancellation<'t>(
    tender: &'t Tender,
    cancellation_id: &str,
) -> Result<&'t Cancellation, Refusal> {
    tender
        .cancellations
        .iter()
        .find(|c| c.id == cancellation_id)
        .ok_or_else(|| Refusal::not_found("cancellation_id"))
}

fn new_id(context: &Context<'_>) -> String {
    context.next_id().to_string()
}

fn status_refusal(object: &str, status: &str) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {object} in current ({status}) tender status"
    ))
}

#[allow(clippy::too_many_arguments)]
fn create(
    state: &State,
    actor: &Actor,
    id: &str,
    input: &TenderInput,
    config: &Config,
    tender_id: &str,
    owner_token_hash: &str,
    transfer_token_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if state.tender.is_some() {
        return Err(Refusal::not_allowed("Tender already exists"));
    }
    if input.procurement_method_type != KIND {
        return Err(Refusal::invalid("procurementMethodType", "Not implemented"));
    }
    if let Some(method) = &input.procurement_method
        && method != "selective"
    {
        return Err(Refusal::invalid(
            "procurementMethod",
            "Value must be one of ['selective'].",
        ));
    }
    if let Some(status) = &input.status
        && status != "draft"
    {
        return Err(Refusal::invalid(
            "status",
            "Value must be one of ['draft'].",
        ));
    }
    config.validate()?;
    let now = context.now;
    let mut items = input.items.clone();
    let mut criteria = input.criteria.clone().unwrap_or_default();
    let mut ids = || new_id(context);
    complete_ids_and_units(&mut items, &mut criteria, &input.value, &mut ids);
    let tender = Tender {
        id: id.to_owned(),
        tender_id: tender_id.to_owned(),
        owner: actor.broker.clone(),
        status: TenderStatus::Draft,
        title: input.title.clone(),
        title_en: input.title_en.clone(),
        description: input.description.clone(),
        description_en: input.description_en.clone(),
        main_procurement_category: input.main_procurement_category.clone(),
        procurement_method: "selective".to_owned(),
        procurement_method_type: KIND.to_owned(),
        award_criteria: "lowestCost".to_owned(),
        procuring_entity: input.procuring_entity.clone(),
        value: input.value.clone(),
        tender_period: Period {
            start_date: Some(now),
            end_date: input.tender_period.end_date,
        },
        items,
        agreement: input.agreement.clone(),
        criteria: input.criteria.as_ref().map(|_| criteria),
        milestones: input.milestones.clone(),
        shortlisted_firms: None,
        notice_publication_date: None,
        contract_template_name: None,
        date: now,
        date_created: now,
        date_modified: now,
        documents: Vec::new(),
        bids: Vec::new(),
        awards: Vec::new(),
        contracts: Vec::new(),
        cancellations: Vec::new(),
    };
    check_fields(&tender, now)?;
    Ok(vec![Event::TenderCreated {
        tender: Box::new(tender),
        config: config.clone(),
        owner_token_hash: owner_token_hash.to_owned(),
        transfer_token_hash: transfer_token_hash.to_owned(),
    }])
}

/// Fills in ids of new items and criteria so the recorded edit is complete.
fn normalised_edit(tender: &Tender, edit: &TenderEdit, context: &Context<'_>) -> TenderEdit {
    let mut edit = edit.clone();
    let value = edit.value.clone().unwrap_or_else(|| tender.value.clone());
    let mut items = edit.items.take();
    let mut criteria = edit.criteria.take();
    let mut ids = || new_id(context);
    complete_ids_and_units(
        items.as_deref_mut().unwrap_or_default(),
        criteria.as_deref_mut().unwrap_or_default(),
        &value,
        &mut ids,
    );
    edit.items = items;
    edit.criteria = criteria;
    edit
}

fn edit_tender(
    state: &State,
    actor: &Actor,
    edit: &TenderEdit,
    catalogue: Option<&CatalogueSnapshot>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = owned_tender(state, actor)?;
    let target_status = edit.status.as_deref();
    if tender.status != TenderStatus::Draft {
        return Err(Refusal::not_allowed(format!(
            "Can't update tender in current ({}) status",
            tender.status.as_str()
        )));
    }
    if let Some(status) = target_status
        && status != "draft"
        && status != "active.tendering"
    {
        return Err(Refusal::invalid(
            "status",
            "Value must be one of ['draft', 'active.tendering'].",
        ));
    }
    let now = context.now;
    let mut events = Vec::new();
    let mut edited = tender.clone();
    if edit.changes_fields() {
        let recorded = normalised_edit(tender, edit, context);
        apply_edit(&mut edited, &recorded);
        check_fields(&edited, now)?;
        events.push(Event::TenderEdited {
            edit: Box::new(TenderEdit {
                status: None,
                ..recorded
            }),
            at: now,
        });
    }
    if target_status == Some("active.tendering") {
        let catalogue = catalogue.ok_or_else(|| {
            Refusal::conflict(
                "data",
                "Error while getting data from ProZorro e-Catalogues: Connection closed. Try again later",
            )
        })?;
        events.push(activate(&edited, catalogue, now)?);
    }
    Ok(events)
}

/// The five catalogue validations of spec §4, in order, then activation.
fn activate(
    tender: &Tender,
    catalogue: &CatalogueSnapshot,
    now: DateTime<Utc>,
) -> Result<Event, Refusal> {
    check_fields(tender, now)?;
    let agreement_id = tender.agreement.id.as_str();
    let mut profiles = Vec::new();
    for profile_id in tender
        .items
        .iter()
        .filter_map(|item| item.profile.as_deref())
    {
        let fetched = catalogue
            .profiles
            .iter()
            .find(|(id, _)| id == profile_id)
            .and_then(|(_, profile)| profile.as_ref());
        match fetched {
            Some(profile) => profiles.push(profile),
            None => {
                return Err(Refusal::invalid(
                    "items.profile",
                    format!("Profile {profile_id} not found in catalogue."),
                ));
            }
        }
    }
    let Some(agreement) = catalogue
        .agreement
        .as_ref()
        .filter(|a| a.id == agreement_id)
    else {
        return Err(Refusal::invalid(
            "agreement",
            format!("Agreement not found by agreement_id {agreement_id}"),
        ));
    };
    if profiles
        .iter()
        .any(|profile| profile.agreement_id != agreement_id)
    {
        return Err(Refusal::invalid(
            "agreement",
            "Tender agreement doesn't match profile agreement",
        ));
    }
    if agreement.status != "active" {
        return Err(Refusal::invalid(
            "agreement",
            format!("Agreement {agreement_id} not in active status"),
        ));
    }
    let suppliers = agreement.qualified_suppliers();
    if suppliers.is_empty() {
        return Err(Refusal::invalid(
            "agreement",
            format!("Agreement {agreement_id} doesn't have qualified suppliers"),
        ));
    }
    Ok(Event::TenderActivated {
        catalogue: catalogue.clone(),
        shortlisted_firms: suppliers,
        contract_template_name: CONTRACT_TEMPLATE_NAME.to_owned(),
        at: now,
    })
}

/// Bids are taken and changed only while the tender period runs.
fn check_tendering(tender: &Tender, now: DateTime<Utc>, action: &str) -> Result<(), Refusal> {
    if tender.status != TenderStatus::ActiveTendering {
        return Err(status_refusal(action, tender.status.as_str()));
    }
    if tender.tender_period.end_date.is_some_and(|end| now >= end) {
        return Err(Refusal::not_allowed(format!(
            "{} can be done only during the tendering period: before ({})",
            action,
            tender
                .tender_period
                .end_date
                .map(crate::time::format_kyiv)
                .unwrap_or_default()
        )));
    }
    Ok(())
}

fn bid_status(requested: Option<&str>, field_present: bool) -> Result<Option<BidStatus>, Refusal> {
    match requested {
        None => Ok(None),
        Some("draft") => Ok(Some(BidStatus::Draft)),
        Some("pending") => Ok(Some(BidStatus::Pending)),
        Some(_) if field_present => Err(Refusal::invalid(
            "status",
            "Value must be one of ['draft', 'pending'].",
        )),
        Some(_) => Ok(None),
    }
}

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

fn submit_bid(
    state: &State,
    actor: &Actor,
    input: &BidInput,
    token_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = tender_of(state)?;
    let now = context.now;
    check_tendering(tender, now, "add bid")?;
    let status = bid_status(input.status.as_deref(), true)?.unwrap_or(BidStatus::Pending);
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
    // One bid per tenderer, checked here only against the bids this broker
    // placed itself: a refusal naming another broker's bid would tell a
    // third party who has bid while bids are sealed. A tenderer bidding
    // through two brokers is resolved when the tender period ends.
    let duplicate = tender.bids.iter().any(|bid| {
        bid.status != BidStatus::Deleted
            && state
                .bid_owners
                .get(&bid.id)
                .is_some_and(|owner| owner.broker == actor.broker)
            && bid
                .tenderers
                .iter()
                .any(|t| t.identifier.same_as(&tenderer.identifier))
    });
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
        extra: None,
    };
    Ok(vec![Event::BidSubmitted {
        bid: Box::new(bid),
        owner: actor.broker.clone(),
        token_hash: token_hash.to_owned(),
    }])
}

/// The bid, if `actor` submitted it and holds its token.
fn owned_bid<'s>(state: &'s State, actor: &Actor, bid_id: &str) -> Result<&'s Bid, Refusal> {
    let tender = tender_of(state)?;
    let bid = tender
        .bids
        .iter()
        .find(|bid| bid.id == bid_id && bid.status != BidStatus::Deleted)
        .ok_or_else(|| Refusal::not_found("bid_id"))?;
    let owner = state.bid_owners.get(bid_id);
    let allowed = owner.is_some_and(|owner| {
        owner.broker == actor.broker
            && actor.token_hash.as_deref() == Some(owner.token_hash.as_str())
    });
    if !allowed {
        return Err(Refusal::forbidden());
    }
    Ok(bid)
}

fn edit_bid(
    state: &State,
    actor: &Actor,
    bid_id: &str,
    edit: &BidEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let bid = owned_bid(state, actor, bid_id)?;
    let tender = tender_of(state)?;
    let now = context.now;
    check_tendering(tender, now, "update bid")?;
    let status = bid_status(edit.status.as_deref(), true)?;
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

fn withdraw_bid(
    state: &State,
    actor: &Actor,
    bid_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    owned_bid(state, actor, bid_id)?;
    check_tendering(tender_of(state)?, context.now, "delete bid")?;
    Ok(vec![Event::BidWithdrawn {
        bid_id: bid_id.to_owned(),
        at: context.now,
    }])
}

/// The pending award for the lowest-priced bid still in the running
/// (earlier bid first on a tie), if any.
fn next_award(tender: &Tender, rejected: Option<&str>, context: &Context<'_>) -> Option<Award> {
    let awarded: Vec<&str> = tender
        .awards
        .iter()
        .map(|award| award.bid_id.as_str())
        .chain(rejected)
        .collect();
    let bid = tender
        .bids
        .iter()
        .filter(|bid| bid.counts() && !awarded.contains(&bid.id.as_str()))
        .min_by(|a, b| (a.value.amount, a.date, &a.id).cmp(&(b.value.amount, b.date, &b.id)))?;
    Some(Award {
        id: new_id(context),
        bid_id: bid.id.clone(),
        status: AwardStatus::Pending,
        qualified: None,
        title: None,
        description: None,
        value: bid.value.clone(),
        suppliers: bid.tenderers.clone(),
        period: Period {
            start_date: Some(context.now),
            end_date: None,
        },
        documents: Vec::new(),
        date: context.now,
    })
}

fn check_due(state: &State, context: &Context<'_>) -> Result<Vec<Event>, Refusal> {
    let Some(tender) = state.tender.as_ref() else {
        return Ok(Vec::new());
    };
    let due = next_check(state).is_some_and(|due| context.now >= due);
    if !due || tender.status != TenderStatus::ActiveTendering {
        return Ok(Vec::new());
    }
    let excluded = crate::procurement::one_bid_per_party::later_bids_of_the_same_party(
        tender
            .bids
            .iter()
            .filter(|bid| bid.counts())
            .map(|bid| (bid.id.as_str(), bid.tenderers.as_slice())),
    );
    let mut ended = tender.clone();
    ended.bids.retain(|bid| !excluded.contains(&bid.id));
    let counted = ended.bids.iter().filter(|bid| bid.counts()).count();
    let award = if counted < state.config.min_bids_number as usize {
        None
    } else {
        next_award(&ended, None, context)
    };
    let opened: Vec<Bid> = ended
        .bids
        .iter()
        .filter(|bid| bid.counts())
        .map(|bid| Bid {
            status: BidStatus::Active,
            ..bid.clone()
        })
        .collect();
    let awarded = award.is_some();
    let mut events = vec![Event::TenderingEnded {
        award,
        excluded,
        at: context.now,
    }];
    // Opened only when the tender goes on to qualification; one that ends
    // unsuccessful here (too few bids) keeps them sealed, like a sale.
    if awarded && !opened.is_empty() {
        events.push(Event::BidsDisclosed {
            bids: opened,
            at: context.now,
        });
    }
    Ok(events)
}

/// When the next automatic transition is due: the end of the tender period
/// while bids are taken, nothing otherwise.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    let tender = state.tender.as_ref()?;
    match tender.status {
        TenderStatus::ActiveTendering => tender.tender_period.end_date,
        _ => None,
    }
}

fn decide_award(
    state: &State,
    actor: &Actor,
    award_id: &str,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = owned_tender(state, actor)?;
    let award = find_award(tender, award_id)?;
    if tender.status != TenderStatus::ActiveQualification {
        return Err(status_refusal("update award", tender.status.as_str()));
    }
    if award.status != AwardStatus::Pending {
        return Err(Refusal::not_allowed(format!(
            "Can't update award in current ({}) status",
            serde_json::to_value(award.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        )));
    }
    let now = context.now;
    match edit.status.as_deref() {
        Some("active") => {
            if edit.qualified == Some(false) {
                return Err(Refusal::invalid(
                    "qualified",
                    "Can't set active status to award without qualification (qualified: true).",
                ));
            }
            let bid = tender.bids.iter().find(|bid| bid.id == award.bid_id);
            let contract = Contract {
                id: new_id(context),
                award_id: award.id.clone(),
                contract_id: format!("{}-a{}", tender.tender_id, tender.contracts.len() + 1),
                status: ContractStatus::Pending,
                title: tender.title.clone(),
                value: ContractValue {
                    amount: award.value.amount,
                    currency: award.value.currency.clone(),
                    value_added_tax_included: award.value.value_added_tax_included,
                    amount_net: award.value.amount,
                },
                suppliers: award.suppliers.clone(),
                items: bid
                    .and_then(|bid| bid.items.clone())
                    .unwrap_or_else(|| tender.items.clone()),
                date_signed: None,
                documents: Vec::new(),
                date: now,
            };
            Ok(vec![Event::AwardAccepted {
                award_id: award_id.to_owned(),
                contract: Box::new(contract),
                at: now,
            }])
        }
        Some("unsuccessful") => {
            if edit.qualified == Some(true) {
                return Err(Refusal::invalid(
                    "qualified",
                    "Can't set unsuccessful status to a qualified award (qualified: true).",
                ));
            }
            let next_award = next_award(tender, Some(award.bid_id.as_str()), context);
            Ok(vec![Event::AwardRejected {
                award_id: award_id.to_owned(),
                next_award,
                at: now,
            }])
        }
        Some(_) => Err(Refusal::invalid(
            "status",
            "Value must be one of ['active', 'unsuccessful'].",
        )),
        None => Err(Refusal::invalid("status", "This field is required.")),
    }
}

fn edit_contract(
    state: &State,
    actor: &Actor,
    contract_id: &str,
    edit: &ContractEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = owned_tender(state, actor)?;
    let contract = find_contract(tender, contract_id)?;
    if tender.status != TenderStatus::ActiveAwarded || contract.status != ContractStatus::Pending {
        return Err(status_refusal("update contract", tender.status.as_str()));
    }
    match edit.status.as_deref() {
        Some("active") => Ok(vec![Event::ContractSigned {
            contract_id: contract_id.to_owned(),
            at: context.now,
        }]),
        Some(_) => Err(Refusal::invalid(
            "status",
            "Value must be one of ['active'].",
        )),
        None => Err(Refusal::invalid("status", "This field is required.")),
    }
}

fn request_cancellation(
    state: &State,
    actor: &Actor,
    input: &CancellationInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = owned_tender(state, actor)?;
    if tender.status.is_terminal() {
        return Err(status_refusal("add cancellation", tender.status.as_str()));
    }
    if input.reason.trim().is_empty() {
        return Err(Refusal::invalid("reason", "This field is required."));
    }
    if !cancellation::REASON_TYPES.contains(&input.reason_type.as_str()) {
        return Err(Refusal::invalid(
            "reasonType",
            format!(
                "Value must be one of ['{}'].",
                cancellation::REASON_TYPES.join("', '")
            ),
        ));
    }
    if let Some(of) = &input.cancellation_of
        && of != "tender"
    {
        return Err(Refusal::invalid(
            "cancellationOf",
            "Value must be one of ['tender'].",
        ));
    }
    if let Some(status) = &input.status
        && status != "draft"
    {
        return Err(Refusal::invalid(
            "status",
            "Value must be one of ['draft']: attach the decision document, then activate",
        ));
    }
    Ok(vec![Event::CancellationRequested {
        cancellation: Cancellation {
            id: new_id(context),
            status: CancellationStatus::Draft,
            reason: input.reason.clone(),
            reason_type: input.reason_type.clone(),
            cancellation_of: "tender".to_owned(),
            documents: Vec::new(),
            date: context.now,
        },
    }])
}

fn edit_cancellation(
    state: &State,
    actor: &Actor,
    cancellation_id: &str,
    edit: &CancellationEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = owned_tender(state, actor)?;
    let cancellation = find_cancellation(tender, cancellation_id)?;
    if tender.status.is_terminal() || cancellation.status != CancellationStatus::Draft {
        return Err(status_refusal(
            "update cancellation",
            tender.status.as_str(),
        ));
    }
    let mut events = Vec::new();
    if let Some(reason) = &edit.reason {
        if reason.trim().is_empty() {
            return Err(Refusal::invalid("reason", "This field is required."));
        }
        events.push(Event::CancellationEdited {
            cancellation_id: cancellation_id.to_owned(),
            reason: reason.clone(),
            at: context.now,
        });
    }
    match edit.status.as_deref() {
        None | Some("draft") => {}
        Some("active") => {
            if cancellation.documents.is_empty() {
                return Err(Refusal::invalid(
                    "documents",
                    "Cancellation can't be activated without a document (cancellationDetails)",
                ));
            }
            events.push(Event::CancellationActivated {
                cancellation_id: cancellation_id.to_owned(),
                at: context.now,
            });
        }
        Some(_) => {
            return Err(Refusal::invalid(
                "status",
                "Value must be one of ['draft', 'active'].",
            ));
        }
    }
    Ok(events)
}

fn add_document(
    state: &State,
    actor: &Actor,
    target: &Target,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    input.validate()?;
    let tender = tender_of(state)?;
    let status = tender.status;
    let (document_of, author) = match target {
        Target::Tender => {
            owned_tender(state, actor)?;
            if !matches!(status, TenderStatus::Draft | TenderStatus::ActiveTendering) {
                return Err(status_refusal("add document", status.as_str()));
            }
            ("tender", "tender_owner")
        }
        Target::Bid(bid_id) => {
            owned_bid(state, actor, bid_id)?;
            check_tendering(tender, context.now, "add document to bid")?;
            ("tender", "bid_owner")
        }
        Target::Award(award_id) => {
            let tender = owned_tender(state, actor)?;
            let award = find_award(tender, award_id)?;
            if status != TenderStatus::ActiveQualification || award.status != AwardStatus::Pending {
                return Err(status_refusal("add document to award", status.as_str()));
            }
            ("tender", "tender_owner")
        }
        Target::Contract(contract_id) => {
            let tender = owned_tender(state, actor)?;
            let contract = find_contract(tender, contract_id)?;
            if contract.status != ContractStatus::Pending {
                return Err(status_refusal("add document to contract", status.as_str()));
            }
            ("tender", "tender_owner")
        }
        Target::Cancellation(cancellation_id) => {
            let tender = owned_tender(state, actor)?;
            let cancellation = find_cancellation(tender, cancellation_id)?;
            if status.is_terminal() || cancellation.status != CancellationStatus::Draft {
                return Err(status_refusal(
                    "add document to cancellation",
                    status.as_str(),
                ));
            }
            ("tender", "tender_owner")
        }
    };
    let document = input
        .clone()
        .into_document(new_id(context), document_of, author, context.now);
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document,
    }])
}

fn transfer(
    state: &State,
    broker: &str,
    transfer_hash: &str,
    new_token_hash: &str,
    new_transfer_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = tender_of(state)?;
    if transfer_hash != state.transfer_token_hash {
        return Err(Refusal::forbidden());
    }
    if tender.status.is_terminal() {
        return Err(status_refusal("change ownership", tender.status.as_str()));
    }
    Ok(vec![Event::OwnershipTransferred {
        owner: broker.to_owned(),
        token_hash: new_token_hash.to_owned(),
        transfer_hash: new_transfer_hash.to_owned(),
        at: context.now,
    }])
}
