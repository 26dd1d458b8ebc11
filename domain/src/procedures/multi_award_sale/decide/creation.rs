//! Publishing a procedure and editing it while bids are taken.

use rust_decimal::Decimal;

use crate::Context;
use crate::procedures::common::{new_id, ownership, tendering};
use crate::procedures::multi_award_sale::Item;
use crate::procedures::multi_award_sale::{
    Actor, BidStatus, Config, Event, Procedure, ProcedureEdit, ProcedureInput, ProcedureStatus,
    ProcedureValue, Role, State, apply_edit, check_fields, default_value_per,
};
use crate::procurement::{Amount, Money, Period, Refusal};

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

#[allow(clippy::too_many_arguments)]
pub(super) fn create(
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
        x_document_requirements: Some(input.x_document_requirements.clone()),
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

pub(super) fn edit_procedure(
    state: &State,
    actor: &Actor,
    edit: &ProcedureEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = ownership::owned_root(state, actor)?;
    let now = context.now;
    tendering::check_open(procedure, now, "update procedure")?;
    if !edit.changes_fields() {
        return Ok(Vec::new());
    }
    let mut recorded = edit.clone();
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
