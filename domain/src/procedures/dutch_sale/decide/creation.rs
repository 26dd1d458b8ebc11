//! Publishing a procedure, its auction date set by the CDB, and editing
//! its texts while bids are taken.

use crate::Context;
use crate::procedures::common::{new_id, ownership, refusals};
use crate::procedures::dutch_sale::fields::check_fields;
use crate::procedures::dutch_sale::procedure::apply_edit;
use crate::procedures::dutch_sale::schedule::{auction_number, auction_start, round1_end};
use crate::procedures::dutch_sale::{
    Actor, Config, Event, Procedure, ProcedureEdit, ProcedureInput, ProcedureStatus, Role, State,
};
use crate::procurement::{Period, Refusal};

/// What the handler gives to publish a procedure.
pub(super) struct Publication<'c> {
    pub id: &'c str,
    pub auction_id: &'c str,
    pub input: &'c ProcedureInput,
    pub config: &'c Config,
    pub owner_token_hash: &'c str,
}

pub(super) fn create(
    state: &State,
    actor: &Actor,
    publication: Publication<'_>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if state.procedure.is_some() {
        return Err(Refusal::not_allowed("Procedure already exists"));
    }
    if actor.role != Role::Broker {
        return Err(Refusal::forbidden());
    }
    let Publication {
        id,
        auction_id,
        input,
        config,
        owner_token_hash,
    } = publication;
    config.validate()?;
    let now = context.now;
    let auction_parameters = input.auction_parameters.clone().unwrap_or_default();
    let start = auction_start(now, auction_number(auction_id), config, context.calendar());
    let timing = config.timing(auction_parameters.dutch_step_quantity);
    let mut items = input.items.clone();
    for item in items.iter_mut().filter(|item| item.id.is_none()) {
        item.id = Some(new_id(context));
    }
    let procedure = Procedure {
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
        minimal_step: input.minimal_step.clone(),
        guarantee: input.guarantee.clone(),
        bank_accounts: input.bank_accounts.clone(),
        auction_parameters,
        items,
        tender_period: Period {
            start_date: Some(now),
            end_date: Some(round1_end(start, &timing)),
        },
        auction_period: Period {
            start_date: Some(start),
            end_date: None,
        },
        date_published: now,
        date_modified: now,
        documents: Vec::new(),
        bids: Vec::new(),
        awards: Vec::new(),
        contracts: Vec::new(),
        cancellations: Vec::new(),
    };
    check_fields(&procedure)?;
    Ok(vec![Event::ProcedureCreated {
        procedure: Box::new(procedure),
        config: config.clone(),
        owner_token_hash: owner_token_hash.to_owned(),
    }])
}

pub(super) fn edit(
    state: &State,
    actor: &Actor,
    edit: &ProcedureEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = ownership::owned_root(state, actor)?;
    if procedure.status != ProcedureStatus::ActiveTendering {
        return Err(refusals::status_refusal(procedure, "update procedure"));
    }
    if let Some(field) = edit.fixed_field() {
        return Err(Refusal::invalid(
            field,
            format!("{field} is fixed at publication and can't be changed"),
        ));
    }
    if *edit == ProcedureEdit::default() {
        return Ok(Vec::new());
    }
    let mut edited = procedure.clone();
    apply_edit(&mut edited, edit);
    check_fields(&edited)?;
    Ok(vec![Event::ProcedureEdited {
        edit: Box::new(edit.clone()),
        at: context.now,
    }])
}
