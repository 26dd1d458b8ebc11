//! The rules: which command is allowed when, by whom, and what it leads to.
//!
//! A decision that sets off consequences (a disqualification promoting the
//! next waiting award, a signed contract letting the CDB choose the
//! conditional winner, the procedure's status following the awards) is
//! worked out on a scratch copy of the state: each event is folded in as
//! soon as it is decided, so the next rule reads exactly the state the
//! events will produce on replay.

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use super::allocation::{self, RankInput, Slot};
use super::command::{Actor, AuctionResult, Command, Role, Target};
use super::event::{ChoiceTrigger, Event, WaitingCancelReason};
use super::state::{State, evolve};
use super::*;
use crate::Context;
use crate::calendar::Calendar;
use crate::procurement::{Amount, DocumentInput, Item, Money, Period, Refusal};

pub fn decide(
    state: &State,
    command: &Command,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::Create {
            actor,
            id,
            auction_id,
            procedure,
            config,
            owner_token_hash,
        } => create(
            state,
            actor,
            id,
            auction_id,
            procedure,
            config,
            owner_token_hash,
            context,
        ),
        Command::Edit { actor, edit } => edit_procedure(state, actor, edit, context),
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
        Command::RecordAuctionResults { actor, results } => {
            record_auction_results(state, actor, results, context)
        }
        Command::EditAward {
            actor,
            award_id,
            edit,
        } => edit_award(state, actor, award_id, edit, context),
        Command::EditContract {
            actor,
            contract_id,
            edit,
        } => edit_contract(state, actor, contract_id, edit, context),
        Command::Cancel {
            actor,
            cancellation,
        } => cancel(state, actor, cancellation, context),
        Command::AddDocument {
            actor,
            target,
            document,
        } => add_document(state, actor, target, document, context),
        Command::CheckDue => check_due(state, context),
    }
}

/// Events decided so far, folded into a scratch state as they are decided.
struct Outcome {
    scratch: State,
    events: Vec<Event>,
}

impl Outcome {
    fn new(state: &State) -> Self {
        Outcome {
            scratch: state.clone(),
            events: Vec::new(),
        }
    }

    fn push(&mut self, event: Event) {
        self.scratch = evolve(std::mem::take(&mut self.scratch), &event);
        self.events.push(event);
    }

    fn procedure(&self) -> Result<&Procedure, Refusal> {
        procedure_of(&self.scratch)
    }
}

fn procedure_of(state: &State) -> Result<&Procedure, Refusal> {
    state
        .procedure
        .as_ref()
        .ok_or_else(|| Refusal::not_found("procedure_id"))
}

/// The procedure, if `actor` is its owner holding the owner's token.
fn owned_procedure<'s>(state: &'s State, actor: &Actor) -> Result<&'s Procedure, Refusal> {
    let procedure = procedure_of(state)?;
    if !is_owner(state, procedure, actor) {
        return Err(Refusal::forbidden());
    }
    Ok(procedure)
}

fn is_owner(state: &State, procedure: &Procedure, actor: &Actor) -> bool {
    actor.role == Role::Broker
        && actor.broker == procedure.owner
        && actor.token_hash.as_deref() == Some(state.owner_token_hash.as_str())
}

fn owns_bid(state: &State, actor: &Actor, bid_id: &str) -> bool {
    actor.role == Role::Broker
        && state.bid_owners.get(bid_id).is_some_and(|owner| {
            owner.broker == actor.broker
                && actor.token_hash.as_deref() == Some(owner.token_hash.as_str())
        })
}

/// The bid, if `actor` submitted it and holds its token.
fn owned_bid<'s>(state: &'s State, actor: &Actor, bid_id: &str) -> Result<&'s Bid, Refusal> {
    let procedure = procedure_of(state)?;
    let bid = procedure
        .bids
        .iter()
        .find(|bid| bid.id == bid_id && bid.status != BidStatus::Deleted)
        .ok_or_else(|| Refusal::not_found("bid_id"))?;
    if !owns_bid(state, actor, bid_id) {
        return Err(Refusal::forbidden());
    }
    Ok(bid)
}

fn find_award<'p>(procedure: &'p Procedure, award_id: &str) -> Result<&'p Award, Refusal> {
    procedure
        .awards
        .iter()
        .find(|award| award.id == award_id)
        .ok_or_else(|| Refusal::not_found("award_id"))
}

fn find_contract<'p>(procedure: &'p Procedure, contract_id: &str) -> Result<&'p Contract, Refusal> {
    procedure
        .contracts
        .iter()
        .find(|contract| contract.id == contract_id)
        .ok_or_else(|| Refusal::not_found("contract_id"))
}

fn new_id(context: &Context<'_>) -> String {
    context.next_id().to_string()
}

fn status_refusal(action: &str, status: ProcedureStatus) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {action} in current ({}) procedure status",
        status.as_str()
    ))
}

fn award_status_refusal(action: &str, status: AwardStatus) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {action} in current ({}) award status",
        status.as_str()
    ))
}

fn calendar() -> &'static Calendar {
    Calendar::ukraine()
}

/// 0.01 in the procedure's currency (spec §7.1).
fn minimal_step(value: &ProcedureValue) -> Money {
    Money {
        amount: Amount::new(Decimal::new(1, 2)).unwrap_or_default(),
        currency: value.currency.clone(),
        value_added_tax_included: value.value_added_tax_included,
    }
}

fn give_item_ids(items: &mut [Item], context: &Context<'_>) {
    for item in items.iter_mut() {
        if item.id.is_none() {
            item.id = Some(new_id(context));
        }
    }
}

// ---------------------------------------------------------------- creation

#[allow(clippy::too_many_arguments)]
fn create(
    state: &State,
    actor: &Actor,
    id: &str,
    auction_id: &str,
    input: &ProcedureInput,
    config: &Config,
    owner_token_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if state.procedure.is_some() {
        return Err(Refusal::not_allowed("Procedure already exists"));
    }
    if actor.role != Role::Broker {
        return Err(Refusal::forbidden());
    }
    config.validate()?;
    let now = context.now;
    let mut items = input.items.clone();
    give_item_ids(&mut items, context);
    let mut procedure = Procedure {
        id: id.to_owned(),
        auction_id: auction_id.to_owned(),
        owner: actor.broker.clone(),
        status: ProcedureStatus::ActiveTendering,
        selling_method: input.selling_method.clone(),
        selling_entity: input.selling_entity.clone(),
        lot_id: input.lot_id.clone(),
        title: input.title.clone(),
        description: input.description.clone(),
        access_details: input.access_details.clone(),
        x_document_requirements: input.x_document_requirements.clone(),
        x_additional_information: input.x_additional_information.clone(),
        previous_auction_id: input.previous_auction_id.clone(),
        value: input.value.clone(),
        minimal_step: minimal_step(&input.value),
        guarantee: input.guarantee.clone(),
        // Q6: one bid goes to qualification unless the Organizer asks for 2.
        min_number_of_qualified_bids: input.min_number_of_qualified_bids.unwrap_or(1),
        tender_attempts: input.tender_attempts,
        bank_accounts: input.bank_accounts.clone(),
        minimal_part: input.minimal_part,
        items,
        tender_period: Period {
            start_date: Some(now),
            end_date: input.tender_period.end_date,
        },
        auction_period: None,
        qualification_period: None,
        date_published: now,
        date_modified: now,
        documents: Vec::new(),
        bids: Vec::new(),
        awards: Vec::new(),
        contracts: Vec::new(),
        cancellations: Vec::new(),
    };
    default_value_per(&mut procedure);
    check_fields(&procedure, now)?;
    Ok(vec![Event::ProcedureCreated {
        procedure: Box::new(procedure),
        config: config.clone(),
        owner_token_hash: owner_token_hash.to_owned(),
    }])
}

// ------------------------------------------------------------------ editing

fn edit_procedure(
    state: &State,
    actor: &Actor,
    edit: &ProcedureEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = owned_procedure(state, actor)?;
    let now = context.now;
    match edit.status.as_deref() {
        Some("complete") => {
            if edit.changes_fields() {
                return Err(Refusal::invalid(
                    "status",
                    "Completion can't be combined with field edits",
                ));
            }
            return complete(procedure, now);
        }
        None | Some("active_tendering") => {}
        Some(_) => {
            return Err(Refusal::invalid(
                "status",
                "Value must be one of ['active_tendering', 'complete'].",
            ));
        }
    }
    check_tendering(procedure, now, "update procedure")?;
    if !edit.changes_fields() {
        return Ok(Vec::new());
    }
    let mut recorded = edit.clone();
    recorded.status = None;
    if let Some(items) = recorded.items.as_mut() {
        give_item_ids(items, context);
    }
    let mut edited = procedure.clone();
    apply_edit(&mut edited, &recorded);
    check_fields(&edited, now)?;
    let deactivated_bids = if recorded.changes_bidding_terms(procedure) {
        procedure
            .bids
            .iter()
            .filter(|bid| bid.status == BidStatus::Active)
            .map(|bid| bid.id.clone())
            .collect()
    } else {
        Vec::new()
    };
    Ok(vec![Event::ProcedureEdited {
        edit: Box::new(recorded),
        deactivated_bids,
        at: now,
    }])
}

/// P7: the Organizer completes the procedure once every award is decided
/// and every winner's contract signed (from `active_qualification` or
/// `active_awarded`, Q8).
fn complete(procedure: &Procedure, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    if !procedure.status.in_qualification() {
        return Err(status_refusal("complete procedure", procedure.status));
    }
    if let Some(open) = procedure.awards.iter().find(|a| a.status.is_open()) {
        return Err(Refusal::not_allowed(format!(
            "Can't complete procedure while award {} is {}",
            open.id,
            open.status.as_str()
        )));
    }
    if procedure
        .contracts
        .iter()
        .any(|c| c.status == ContractStatus::Pending)
    {
        return Err(Refusal::not_allowed(
            "Can't complete procedure while a contract is pending",
        ));
    }
    let active_award = procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::Active);
    let active_contract = procedure
        .contracts
        .iter()
        .any(|c| c.status == ContractStatus::Active);
    if !active_award || !active_contract {
        return Err(Refusal::not_allowed(
            "Can't complete procedure without an active award and an active contract",
        ));
    }
    Ok(vec![Event::ProcedureCompleted { at: now }])
}

// --------------------------------------------------------------------- bids

/// Bids are taken and changed only while the tender period runs.
fn check_tendering(procedure: &Procedure, now: DateTime<Utc>, action: &str) -> Result<(), Refusal> {
    if procedure.status != ProcedureStatus::ActiveTendering {
        return Err(status_refusal(action, procedure.status));
    }
    if procedure
        .tender_period
        .end_date
        .is_some_and(|end| now >= end)
    {
        return Err(Refusal::not_allowed(format!(
            "{action} can be done only during the tendering period: before ({})",
            procedure
                .tender_period
                .end_date
                .map(crate::time::format_kyiv)
                .unwrap_or_default()
        )));
    }
    Ok(())
}

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

fn requested_bid_status(requested: Option<&str>) -> Result<Option<BidStatus>, Refusal> {
    match requested {
        None => Ok(None),
        Some("draft") => Ok(Some(BidStatus::Draft)),
        Some("active") => Ok(Some(BidStatus::Active)),
        Some(_) => Err(Refusal::invalid(
            "status",
            "Value must be one of ['draft', 'active'].",
        )),
    }
}

/// B-V4: one bid per participant, the participant being the register and
/// code of its bidder (Q3). `except` is the bid being edited. Checked here
/// only against the bids `broker` placed itself: a refusal naming another
/// broker's bid would tell a third party who has bid while bids are sealed.
/// A participant bidding through two brokers is resolved when the tender
/// period ends (`end_tendering`).
fn check_one_bid_per_bidder(
    state: &State,
    broker: &str,
    bidders: &[crate::procurement::Organization],
    except: Option<&str>,
) -> Result<(), Refusal> {
    let procedure = procedure_of(state)?;
    let [bidder] = bidders else {
        return Err(Refusal::invalid(
            "bidders",
            "Please provide exactly one bidder.",
        ));
    };
    let taken = procedure.bids.iter().any(|bid| {
        bid.status != BidStatus::Deleted
            && Some(bid.id.as_str()) != except
            && state
                .bid_owners
                .get(&bid.id)
                .is_some_and(|owner| owner.broker == broker)
            && bid
                .bidders
                .iter()
                .any(|other| other.identifier.same_as(&bidder.identifier))
    });
    if taken {
        return Err(Refusal::invalid(
            "bidders",
            "A participant may submit only one bid per auction",
        ));
    }
    Ok(())
}

fn check_active_bidders(bidders: &[crate::procurement::Organization]) -> Result<(), Refusal> {
    for bidder in bidders {
        check_party(bidder, "bidders")?;
    }
    Ok(())
}

fn submit_bid(
    state: &State,
    actor: &Actor,
    input: &BidInput,
    token_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = procedure_of(state)?;
    if actor.role != Role::Broker {
        return Err(Refusal::forbidden());
    }
    let now = context.now;
    check_tendering(procedure, now, "add bid")?;
    let status = requested_bid_status(input.status.as_deref())?.unwrap_or(BidStatus::Active);
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

fn edit_bid(
    state: &State,
    actor: &Actor,
    bid_id: &str,
    edit: &BidEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let bid = owned_bid(state, actor, bid_id)?;
    let procedure = procedure_of(state)?;
    let now = context.now;
    check_tendering(procedure, now, "update bid")?;
    let requested = requested_bid_status(edit.status.as_deref())?;
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

fn withdraw_bid(
    state: &State,
    actor: &Actor,
    bid_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    owned_bid(state, actor, bid_id)?;
    check_tendering(procedure_of(state)?, context.now, "delete bid")?;
    Ok(vec![Event::BidWithdrawn {
        bid_id: bid_id.to_owned(),
        at: context.now,
    }])
}

// ------------------------------------------------- tender end and auction

fn check_due(state: &State, context: &Context<'_>) -> Result<Vec<Event>, Refusal> {
    let Some(procedure) = state.procedure.as_ref() else {
        return Ok(Vec::new());
    };
    let now = context.now;
    let mut outcome = Outcome::new(state);
    if procedure.status == ProcedureStatus::ActiveTendering {
        if let Some(end) = procedure.tender_period.end_date
            && now >= end
        {
            end_tendering(&mut outcome, end, context)?;
        }
        return Ok(outcome.events);
    }
    if !procedure.status.in_qualification() {
        return Ok(outcome.events);
    }
    // A8: silent refusal of the conditional winner.
    let expired: Vec<String> = procedure
        .awards
        .iter()
        .filter(|a| a.status == AwardStatus::PendingAdmission)
        .filter(|a| admission_end(a).is_some_and(|end| now >= end))
        .map(|a| a.id.clone())
        .collect();
    for award_id in expired {
        outcome.push(Event::AdmissionExpired { award_id, at: now });
    }
    // T1: the qualification period is over and awards still wait.
    let period_over = qualification_over(procedure, now);
    let waiting = procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::PendingWaiting);
    if period_over && waiting {
        choose_conditional_winner(
            &mut outcome,
            ChoiceTrigger::QualificationPeriodEnded,
            context,
        )?;
    }
    if !outcome.events.is_empty() {
        settle(&mut outcome, context)?;
    }
    Ok(outcome.events)
}

fn admission_end(award: &Award) -> Option<DateTime<Utc>> {
    award.admission_period.as_ref().and_then(|p| p.end_date)
}

fn qualification_over(procedure: &Procedure, now: DateTime<Utc>) -> bool {
    procedure
        .qualification_period
        .as_ref()
        .and_then(|p| p.end_date)
        .is_some_and(|end| now >= end)
}

/// P2/P3/P8 at `tenderPeriod.endDate`: no bid → `unsuccessful`; one bid →
/// qualification without an auction (unless the Organizer asked for at
/// least two, Q6); two or more → the auction.
fn end_tendering(
    outcome: &mut Outcome,
    end: DateTime<Utc>,
    context: &Context<'_>,
) -> Result<(), Refusal> {
    let now = context.now;
    let procedure = outcome.procedure()?;
    // B-V4 across brokers: a participant's first bid takes part, its later
    // ones (placed through other brokers) do not.
    let active = || {
        procedure
            .bids
            .iter()
            .filter(|bid| bid.status == BidStatus::Active)
    };
    let excluded = crate::procurement::one_bid_per_party::later_bids_of_the_same_party(
        active().map(|bid| (bid.id.as_str(), bid.bidders.as_slice())),
    );
    let participants: Vec<String> = active()
        .filter(|bid| !excluded.contains(&bid.id))
        .map(|bid| bid.id.clone())
        .collect();
    let required = procedure.min_number_of_qualified_bids as usize;
    let count = participants.len();
    outcome.push(Event::TenderingEnded {
        participants: participants.clone(),
        excluded,
        at: now,
    });
    if count == 0 || count < required {
        outcome.push(Event::ProcedureStatusChanged {
            status: ProcedureStatus::Unsuccessful,
            at: now,
        });
    } else if count == 1 {
        // Q7: the qualification period runs from the tender period's end.
        start_qualification(outcome, &participants, end, context)?;
    } else {
        outcome.push(Event::AuctionStarted {
            auction_period: Period {
                start_date: Some(end),
                end_date: None,
            },
            at: now,
        });
    }
    Ok(())
}

fn record_auction_results(
    state: &State,
    actor: &Actor,
    results: &[AuctionResult],
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = procedure_of(state)?;
    if actor.role != Role::AuctionService {
        return Err(Refusal::forbidden());
    }
    if procedure.status != ProcedureStatus::ActiveAuction {
        return Err(status_refusal("record auction results", procedure.status));
    }
    let now = context.now;
    let auction_start = procedure
        .auction_period
        .as_ref()
        .and_then(|p| p.start_date)
        .unwrap_or(now);
    let participants: Vec<&Bid> = procedure
        .bids
        .iter()
        .filter(|bid| bid.status == BidStatus::Active)
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for result in results {
        let Some(bid) = participants.iter().find(|bid| bid.id == result.bid_id) else {
            return Err(Refusal::invalid(
                "bids.id",
                format!("Bid {} did not take part in the auction", result.bid_id),
            ));
        };
        if !seen.insert(result.bid_id.as_str()) {
            return Err(Refusal::invalid(
                "bids.id",
                format!("Bid {} has more than one result", result.bid_id),
            ));
        }
        if result.value < bid.value.amount {
            return Err(Refusal::invalid(
                "bids.value.amount",
                format!(
                    "The auction only raises prices: bid {} can't end below {}",
                    bid.id, bid.value.amount
                ),
            ));
        }
        if result.value != bid.value.amount && (result.date < auction_start || result.date > now) {
            return Err(Refusal::invalid(
                "bids.date",
                format!("Raise of bid {} must lie within the auction", bid.id),
            ));
        }
    }
    if let Some(missing) = participants
        .iter()
        .find(|bid| !seen.contains(bid.id.as_str()))
    {
        return Err(Refusal::invalid(
            "bids",
            format!("No result for bid {}", missing.id),
        ));
    }
    let ranked = allocation::rank(
        results
            .iter()
            .filter_map(|result| {
                let bid = participants.iter().find(|bid| bid.id == result.bid_id)?;
                Some(RankInput {
                    bid_id: bid.id.clone(),
                    price: result.value.decimal(),
                    placed_at: allocation::placement_time(
                        bid.value.amount.decimal(),
                        result.value.decimal(),
                        bid.date_modified,
                        result.date,
                    ),
                    published_at: bid.date_published,
                })
            })
            .collect(),
    );
    let order: Vec<String> = ranked.into_iter().map(|r| r.bid_id).collect();
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AuctionResultsRecorded {
        results: results.to_vec(),
        at: now,
    });
    start_qualification(&mut outcome, &order, now, context)?;
    Ok(outcome.events)
}

/// P3/P4: the qualification period starts, one award per ranked bid is
/// created, allocated top-down (§4.3); T3 if no award fits at all.
fn start_qualification(
    outcome: &mut Outcome,
    ranked_bid_ids: &[String],
    start: DateTime<Utc>,
    context: &Context<'_>,
) -> Result<(), Refusal> {
    let now = context.now;
    let days = outcome.scratch.config.qualification_period_days;
    outcome.push(Event::QualificationStarted {
        qualification_period: Period {
            start_date: Some(start),
            end_date: Some(calendar().add_working_days(start, days)),
        },
        at: now,
    });
    let procedure = outcome.procedure()?;
    let bids: Vec<Bid> = ranked_bid_ids
        .iter()
        .filter_map(|id| procedure.bids.iter().find(|bid| &bid.id == id).cloned())
        .collect();
    let quantities: Vec<Decimal> = bids.iter().map(|bid| bid.quantity.decimal()).collect();
    let slots = allocation::allocate(procedure.lot_quantity(), &quantities);
    let lot = procedure.items.first().cloned();
    outcome.push(Event::BidsDisclosed {
        bids: bids.clone(),
        at: now,
    });
    let mut awards = Vec::with_capacity(bids.len());
    for (bid, slot) in bids.iter().zip(slots) {
        let (status, periods) = match slot {
            Slot::Pending => (AwardStatus::Pending, started(now)),
            Slot::Waiting => (AwardStatus::PendingWaiting, None),
        };
        let item = lot.clone().map(|item| Item {
            quantity: Some(bid.quantity),
            ..item
        });
        awards.push(Award {
            id: new_id(context),
            bid_id: bid.id.clone(),
            status,
            value: bid.value.clone(),
            buyers: bid.bidders.clone(),
            items: item.into_iter().collect(),
            termination_reason: None,
            verification_period: periods.clone(),
            signing_period: periods,
            admission_period: None,
            documents: Vec::new(),
            date_published: now,
            date_modified: now,
        });
    }
    let any_pending = awards.iter().any(|a| a.status == AwardStatus::Pending);
    let any_waiting = awards
        .iter()
        .any(|a| a.status == AwardStatus::PendingWaiting);
    for award in awards {
        outcome.push(Event::AwardCreated {
            award: Box::new(award),
        });
    }
    if !any_pending && any_waiting {
        choose_conditional_winner(outcome, ChoiceTrigger::NoWinners, context)?;
    }
    settle(outcome, context)
}

fn started(at: DateTime<Utc>) -> Option<Period> {
    Some(Period {
        start_date: Some(at),
        end_date: None,
    })
}

// ------------------------------------------------------------ consequences

/// A4/A5: the first waiting award is offered the remainder when it is at
/// least `minimalPart`, and every other waiting award is cancelled; when
/// the remainder is smaller, all waiting awards are cancelled.
fn choose_conditional_winner(
    outcome: &mut Outcome,
    trigger: ChoiceTrigger,
    context: &Context<'_>,
) -> Result<(), Refusal> {
    let now = context.now;
    let procedure = outcome.procedure()?;
    let waiting: Vec<String> = procedure
        .awards
        .iter()
        .filter(|a| a.status == AwardStatus::PendingWaiting)
        .map(|a| a.id.clone())
        .collect();
    let Some((first, others)) = waiting.split_first() else {
        return Ok(());
    };
    let remainder = procedure.remainder();
    if allocation::offers_remainder(remainder, procedure.minimal_part()) {
        let days = outcome.scratch.config.admission_period_days;
        outcome.push(Event::ConditionalWinnerChosen {
            award_id: first.clone(),
            trigger,
            remainder,
            admission_period: Period {
                start_date: Some(now),
                end_date: Some(calendar().add_working_days(now, days)),
            },
            at: now,
        });
        for award_id in others {
            outcome.push(Event::WaitingAwardCancelled {
                award_id: award_id.clone(),
                reason: WaitingCancelReason::ConditionalWinnerChosen,
                remainder,
                at: now,
            });
        }
    } else {
        for award_id in &waiting {
            outcome.push(Event::WaitingAwardCancelled {
                award_id: award_id.clone(),
                reason: WaitingCancelReason::RemainderBelowMinimalPart,
                remainder,
                at: now,
            });
        }
    }
    Ok(())
}

/// T2 (spec §4.6, Q23): no Winner is still `pending`, every `active`
/// award's contract is signed, and some award waits.
fn winners_all_signed(procedure: &Procedure) -> bool {
    let contract_pending = |award: &Award| {
        procedure
            .contracts
            .iter()
            .any(|c| c.award_id == award.id && c.status == ContractStatus::Pending)
    };
    let undecided = procedure.awards.iter().any(|a| {
        a.status == AwardStatus::Pending || (a.status == AwardStatus::Active && contract_pending(a))
    });
    let waiting = procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::PendingWaiting);
    !undecided && waiting
}

/// The procedure status the awards and contracts call for (Q9, Q11):
/// `active_awarded` while a contract is pending; else
/// `active_qualification` while an award is undecided; else
/// `unsuccessful` when no award is `active`; else unchanged (waiting for
/// the Organizer to complete).
fn derived_status(procedure: &Procedure) -> ProcedureStatus {
    let current = procedure.status;
    if current.is_terminal() {
        return current;
    }
    if procedure
        .contracts
        .iter()
        .any(|c| c.status == ContractStatus::Pending)
    {
        return ProcedureStatus::ActiveAwarded;
    }
    if procedure.awards.iter().any(|a| a.status.is_open()) {
        return ProcedureStatus::ActiveQualification;
    }
    if !procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::Active)
    {
        return ProcedureStatus::Unsuccessful;
    }
    current
}

/// What follows every award or contract transition: T2, then the
/// procedure's status.
fn settle(outcome: &mut Outcome, context: &Context<'_>) -> Result<(), Refusal> {
    if winners_all_signed(outcome.procedure()?) {
        choose_conditional_winner(outcome, ChoiceTrigger::WinnersSigned, context)?;
    }
    let procedure = outcome.procedure()?;
    let status = derived_status(procedure);
    if status != procedure.status {
        outcome.push(Event::ProcedureStatusChanged {
            status,
            at: context.now,
        });
    }
    Ok(())
}

// ------------------------------------------------------------------- awards

fn edit_award(
    state: &State,
    actor: &Actor,
    award_id: &str,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = procedure_of(state)?;
    let award = find_award(procedure, award_id)?;
    if is_owner(state, procedure, actor) {
        if !procedure.status.in_qualification() {
            return Err(status_refusal("update award", procedure.status));
        }
        organizer_decides(state, award, edit, context)
    } else if owns_bid(state, actor, &award.bid_id) {
        if !procedure.status.in_qualification() {
            return Err(status_refusal("update award", procedure.status));
        }
        winner_answers(state, award, edit, context)
    } else {
        Err(Refusal::forbidden())
    }
}

/// A9 (qualify), A10/A11 (disqualify) by the Organizer.
fn organizer_decides(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if edit.quantity.is_some() {
        return Err(Refusal::invalid(
            "quantity",
            "Only the conditional winner states a quantity",
        ));
    }
    match edit.status.as_deref() {
        Some("active") => activate_award(state, award, edit, context),
        Some("unsuccessful") => disqualify(state, award, edit, context),
        Some(_) => Err(Refusal::invalid(
            "status",
            "Value must be one of ['active', 'unsuccessful'].",
        )),
        None => Err(Refusal::invalid("status", "This field is required.")),
    }
}

fn activate_award(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if award.status != AwardStatus::Pending {
        return Err(award_status_refusal("qualify award", award.status));
    }
    if edit.termination_reason.is_some() {
        return Err(Refusal::invalid(
            "terminationReason",
            "Only a disqualification has a termination reason",
        ));
    }
    if !award.has_document(&["auctionProtocol"]) {
        return Err(Refusal::invalid(
            "documents",
            "Upload the signed auctionProtocol to the award before qualifying it",
        ));
    }
    let now = context.now;
    let contract = Contract {
        id: new_id(context),
        award_id: award.id.clone(),
        status: ContractStatus::Pending,
        value: award.value.clone(),
        contract_total_value: total_value(&award.value, award.quantity()),
        items: award.items.clone(),
        buyers: award.buyers.clone(),
        date_signed: None,
        documents: Vec::new(),
        date_published: now,
        date_modified: now,
    };
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AwardActivated {
        award_id: award.id.clone(),
        at: now,
    });
    outcome.push(Event::ContractCreated {
        contract: Box::new(contract),
    });
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}

/// Price per unit × quantity, rounded to kopecks (Q36).
fn total_value(value: &Money, quantity: Decimal) -> Option<Money> {
    let total = value
        .amount
        .decimal()
        .checked_mul(quantity)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some(Money {
        amount: Amount::new(total).ok()?,
        currency: value.currency.clone(),
        value_added_tax_included: value.value_added_tax_included,
    })
}

fn disqualify(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = procedure_of(state)?;
    let contract = procedure
        .contracts
        .iter()
        .find(|c| c.award_id == award.id && c.status != ContractStatus::Cancelled);
    match award.status {
        AwardStatus::Pending => {}
        // Q18: at the contract stage only while the contract is unsigned.
        AwardStatus::Active if contract.is_none_or(|c| c.status == ContractStatus::Pending) => {}
        AwardStatus::Active => {
            return Err(Refusal::not_allowed(
                "Can't disqualify a winner whose contract is already signed",
            ));
        }
        other => return Err(award_status_refusal("disqualify award", other)),
    }
    let Some(reason) = edit.termination_reason.as_deref() else {
        return Err(Refusal::invalid(
            "terminationReason",
            "This field is required.",
        ));
    };
    if !TERMINATION_REASONS.contains(&reason) {
        return Err(Refusal::invalid(
            "terminationReason",
            format!(
                "Value must be one of ['{}'].",
                TERMINATION_REASONS.join("', '")
            ),
        ));
    }
    if !award.has_document(&["rejectionProtocol", "act"]) {
        return Err(Refusal::invalid(
            "documents",
            "Upload a rejectionProtocol or an act to the award before disqualifying it",
        ));
    }
    let now = context.now;
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AwardDisqualified {
        award_id: award.id.clone(),
        termination_reason: reason.to_owned(),
        at: now,
    });
    if let Some(contract) = contract.filter(|c| c.status == ContractStatus::Pending) {
        outcome.push(Event::ContractCancelled {
            contract_id: contract.id.clone(),
            at: now,
        });
    }
    // A3 / §4.5: within the qualification period, only the first waiting
    // award is examined, once (Q22).
    let procedure = outcome.procedure()?;
    if !qualification_over(procedure, now)
        && let Some(first) = procedure
            .awards
            .iter()
            .find(|a| a.status == AwardStatus::PendingWaiting)
    {
        let remainder = procedure.remainder();
        if allocation::promotes(first.quantity(), remainder, procedure.minimal_part()) {
            let award_id = first.id.clone();
            outcome.push(Event::AwardPromoted {
                award_id,
                remainder,
                at: now,
            });
        }
    }
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}

/// A6 (accept a part of the remainder), A7 (refuse) by the conditional
/// winner.
fn winner_answers(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if award.status != AwardStatus::PendingAdmission {
        return Err(award_status_refusal("update award", award.status));
    }
    let now = context.now;
    if admission_end(award).is_some_and(|end| now >= end) {
        return Err(Refusal::not_allowed(
            "The admission period is over: the offer lapsed",
        ));
    }
    if edit.termination_reason.is_some() {
        return Err(Refusal::invalid(
            "terminationReason",
            "Only the Organizer states a termination reason",
        ));
    }
    let procedure = procedure_of(state)?;
    let mut outcome = Outcome::new(state);
    match edit.status.as_deref() {
        Some("pending") => {
            let Some(quantity) = edit.quantity else {
                return Err(Refusal::invalid("quantity", "This field is required."));
            };
            // Q25: the remainder as it is now, and never more than the
            // bid asked for.
            let remainder = procedure.remainder();
            let bound = remainder.min(award.quantity());
            let minimal_part = procedure.minimal_part();
            if !allocation::acceptable(quantity.decimal(), bound, minimal_part) {
                return Err(Refusal::invalid(
                    "quantity",
                    format!(
                        "quantity should be between minimalPart ({minimal_part}) and the unallocated remainder ({bound})"
                    ),
                ));
            }
            outcome.push(Event::AdmissionAccepted {
                award_id: award.id.clone(),
                quantity,
                remainder,
                at: now,
            });
        }
        Some("cancelled") => {
            if edit.quantity.is_some() {
                return Err(Refusal::invalid("quantity", "A refusal has no quantity"));
            }
            outcome.push(Event::AdmissionRefused {
                award_id: award.id.clone(),
                at: now,
            });
        }
        Some(_) => {
            return Err(Refusal::invalid(
                "status",
                "Value must be one of ['pending', 'cancelled'].",
            ));
        }
        None => return Err(Refusal::invalid("status", "This field is required.")),
    }
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}

// ---------------------------------------------------------------- contracts

fn edit_contract(
    state: &State,
    actor: &Actor,
    contract_id: &str,
    edit: &ContractEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = owned_procedure(state, actor)?;
    let contract = find_contract(procedure, contract_id)?;
    if !procedure.status.in_qualification() {
        return Err(status_refusal("update contract", procedure.status));
    }
    if contract.status != ContractStatus::Pending {
        return Err(Refusal::not_allowed(format!(
            "Can't update contract in current ({}) contract status",
            contract.status.as_str()
        )));
    }
    match edit.status.as_deref() {
        Some("active") => {
            if !contract.has_document("contractSigned") {
                return Err(Refusal::invalid(
                    "documents",
                    "Upload the contractSigned document before activating the contract",
                ));
            }
            let mut outcome = Outcome::new(state);
            outcome.push(Event::ContractSigned {
                contract_id: contract_id.to_owned(),
                at: context.now,
            });
            settle(&mut outcome, context)?;
            Ok(outcome.events)
        }
        Some(_) => Err(Refusal::invalid(
            "status",
            "Value must be one of ['active'].",
        )),
        None => Err(Refusal::invalid("status", "This field is required.")),
    }
}

// ------------------------------------------------------------- cancellation

fn check_document_type(
    input: &DocumentInput,
    allowed: &[&str],
    required: bool,
) -> Result<(), Refusal> {
    match input.document_type.as_deref() {
        None if required => Err(Refusal::invalid("documentType", "This field is required.")),
        None => Ok(()),
        Some(kind) if allowed.contains(&kind) => Ok(()),
        Some(_) => Err(Refusal::invalid(
            "documentType",
            format!("Value must be one of ['{}'].", allowed.join("', '")),
        )),
    }
}

fn cancel(
    state: &State,
    actor: &Actor,
    input: &CancellationInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = owned_procedure(state, actor)?;
    if procedure.status.is_terminal() {
        return Err(status_refusal("cancel procedure", procedure.status));
    }
    let now = context.now;
    if input.reason.trim().is_empty() {
        return Err(Refusal::invalid("reason", "This field is required."));
    }
    let date_published = input.date_published.unwrap_or(now);
    if date_published > now {
        return Err(Refusal::invalid(
            "datePublished",
            "The decision to cancel can't be dated in the future",
        ));
    }
    for document in &input.documents {
        document.validate()?;
        check_document_type(document, &CANCELLATION_DOCUMENT_TYPES, true)?;
    }
    if !input
        .documents
        .iter()
        .any(|d| d.document_type.as_deref() == Some("cancellationDetails"))
    {
        return Err(Refusal::invalid(
            "documents",
            "A cancellationDetails document is required to cancel the procedure",
        ));
    }
    let documents = input
        .documents
        .iter()
        .map(|d| {
            d.clone()
                .into_document(new_id(context), "cancellation", "auction_owner", now)
        })
        .collect();
    Ok(vec![Event::ProcedureCancelled {
        cancellation: Box::new(Cancellation {
            id: new_id(context),
            reason: input.reason.clone(),
            date_published,
            documents,
            date: now,
        }),
    }])
}

// ---------------------------------------------------------------- documents

fn add_document(
    state: &State,
    actor: &Actor,
    target: &Target,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    input.validate()?;
    let procedure = procedure_of(state)?;
    let status = procedure.status;
    let (document_of, author) = match target {
        Target::Procedure => {
            owned_procedure(state, actor)?;
            if status.is_terminal() {
                return Err(status_refusal("add document", status));
            }
            check_document_type(input, &PROCEDURE_DOCUMENT_TYPES, false)?;
            ("auction", "auction_owner")
        }
        Target::Bid(bid_id) => {
            owned_bid(state, actor, bid_id)?;
            check_tendering(procedure, context.now, "add document to bid")?;
            check_document_type(input, &BID_DOCUMENT_TYPES, false)?;
            ("bid", "bid_owner")
        }
        Target::Award(award_id) => {
            owned_procedure(state, actor)?;
            let award = find_award(procedure, award_id)?;
            if !status.in_qualification() {
                return Err(status_refusal("add document to award", status));
            }
            check_document_type(input, &AWARD_DOCUMENT_TYPES, true)?;
            let allowed = match input.document_type.as_deref() {
                Some("auctionProtocol") => award.status == AwardStatus::Pending,
                _ => matches!(award.status, AwardStatus::Pending | AwardStatus::Active),
            };
            if !allowed {
                return Err(award_status_refusal("add document to award", award.status));
            }
            ("award", "auction_owner")
        }
        Target::Contract(contract_id) => {
            owned_procedure(state, actor)?;
            let contract = find_contract(procedure, contract_id)?;
            if !status.in_qualification() {
                return Err(status_refusal("add document to contract", status));
            }
            check_document_type(input, &CONTRACT_DOCUMENT_TYPES, true)?;
            let allowed = match input.document_type.as_deref() {
                Some("contractSigned") => contract.status == ContractStatus::Pending,
                _ => contract.status != ContractStatus::Cancelled,
            };
            if !allowed {
                return Err(Refusal::not_allowed(format!(
                    "Can't add document to contract in current ({}) contract status",
                    contract.status.as_str()
                )));
            }
            ("contract", "auction_owner")
        }
        Target::Cancellation(cancellation_id) => {
            owned_procedure(state, actor)?;
            if !procedure
                .cancellations
                .iter()
                .any(|c| &c.id == cancellation_id)
            {
                return Err(Refusal::not_found("cancellation_id"));
            }
            check_document_type(input, &CANCELLATION_DOCUMENT_TYPES, true)?;
            ("cancellation", "auction_owner")
        }
    };
    let document = input
        .clone()
        .into_document(new_id(context), document_of, author, context.now);
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document: Box::new(document),
    }])
}

// ----------------------------------------------------------------- schedule

/// When the next automatic transition is due: the tender period's end while
/// bids are taken; in qualification the end of the qualification period
/// while awards wait, and the end of the conditional winner's admission
/// period.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    let procedure = state.procedure.as_ref()?;
    match procedure.status {
        ProcedureStatus::ActiveTendering => procedure.tender_period.end_date,
        status if status.in_qualification() => {
            let waiting = procedure
                .awards
                .iter()
                .any(|a| a.status == AwardStatus::PendingWaiting);
            let qualification_end = procedure
                .qualification_period
                .as_ref()
                .and_then(|p| p.end_date)
                .filter(|_| waiting);
            let admission = procedure
                .awards
                .iter()
                .filter(|a| a.status == AwardStatus::PendingAdmission)
                .filter_map(admission_end);
            qualification_end.into_iter().chain(admission).min()
        }
        _ => None,
    }
}
