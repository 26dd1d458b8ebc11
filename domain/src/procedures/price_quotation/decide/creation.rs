//! The draft: creating a tender, editing it, and activating it against the
//! e-Catalogues.

use chrono::{DateTime, Utc};

use super::signatures;
use crate::Context;
use crate::procedures::common::{new_id, ownership, refusals};
use crate::procedures::price_quotation::catalogue::CatalogueSnapshot;
use crate::procedures::price_quotation::{
    Actor, Config, Event, KIND, State, Tender, TenderEdit, TenderInput, TenderStatus, apply_edit,
    check_fields, complete_ids_and_units,
};
use crate::procurement::{Period, Refusal};

/// The template name the reference API shows after activation [spec Q5]:
/// its source is not documented, so it is a fixed value, recorded in the
/// activation event like every other fact the decision used.
pub const CONTRACT_TEMPLATE_NAME: &str = "00000000-0.0001.01";

#[allow(clippy::too_many_arguments)]
pub(super) fn create(
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
        return Err(refusals::one_of("procurementMethod", &["selective"]));
    }
    config.validate()?;
    // The reference API shows the flag on every priceQuotation tender;
    // without it a tender sources from one supplier.
    let mut config = config.clone();
    config
        .other
        .entry("hasMultiSourcing")
        .or_insert(serde_json::Value::Bool(false));
    let now = context.now;
    let mut items = input.items.clone();
    let mut criteria = input.criteria.clone().unwrap_or_default();
    let mut ids = || new_id(context);
    complete_ids_and_units(&mut items, &mut criteria, &input.value, now, &mut ids);
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
        contract_change_rationale_types: contract_change_rationale_types(),
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
        config,
        owner_token_hash: owner_token_hash.to_owned(),
        transfer_token_hash: transfer_token_hash.to_owned(),
    }])
}

/// The reference API's dictionary of contract change rationales (from its
/// recorded answers, `tests/conformance/openprocurement/`), shown on every
/// priceQuotation tender.
const CONTRACT_CHANGE_RATIONALE_TYPES: &str =
    include_str!("../../../../data/price_quotation/contract_change_rationale_types.json");

/// [`CONTRACT_CHANGE_RATIONALE_TYPES`] parsed; compiled-in data, checked by
/// a test, so `None` only in a broken build.
pub(crate) fn contract_change_rationale_types() -> Option<serde_json::Value> {
    serde_json::from_str(CONTRACT_CHANGE_RATIONALE_TYPES).ok()
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
        context.now,
        &mut ids,
    );
    edit.items = items;
    edit.criteria = criteria;
    edit
}

pub(super) fn edit_draft(
    state: &State,
    actor: &Actor,
    edit: &TenderEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let draft = owned_draft(state, actor)?;
    Ok(apply_fields(draft, edit, context)?.1)
}

pub(super) fn activate(
    state: &State,
    actor: &Actor,
    edit: &TenderEdit,
    catalogue: Option<&CatalogueSnapshot>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let draft = owned_draft(state, actor)?;
    let (edited, mut events) = apply_fields(draft, edit, context)?;
    signatures::require_notice(&edited, &edited.documents)?;
    let catalogue = catalogue.ok_or_else(|| {
        Refusal::conflict(
            "data",
            "Error while getting data from ProZorro e-Catalogues: Connection closed. Try again later",
        )
    })?;
    events.push(activation(&edited, catalogue, context.now)?);
    Ok(events)
}

/// The tender, if `actor` owns it and it is still a draft.
fn owned_draft<'s>(state: &'s State, actor: &Actor) -> Result<&'s Tender, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    if tender.status != TenderStatus::Draft {
        return Err(refusals::unnamed_status_refusal(
            "update tender",
            tender.status.as_str(),
        ));
    }
    Ok(tender)
}

/// The draft as `edit` leaves it, and the event recording the edit (none
/// when it changes no field).
fn apply_fields(
    draft: &Tender,
    edit: &TenderEdit,
    context: &Context<'_>,
) -> Result<(Tender, Vec<Event>), Refusal> {
    let mut edited = draft.clone();
    if !edit.changes_fields() {
        return Ok((edited, Vec::new()));
    }
    let recorded = normalised_edit(draft, edit, context);
    apply_edit(&mut edited, &recorded);
    check_fields(&edited, context.now)?;
    let event = Event::TenderEdited {
        edit: Box::new(recorded),
        at: context.now,
    };
    Ok((edited, vec![event]))
}

/// The catalogue validations of spec §4, with the reference API's current
/// texts and its profile status check, in order, then activation.
fn activation(
    tender: &Tender,
    catalogue: &CatalogueSnapshot,
    now: DateTime<Utc>,
) -> Result<Event, Refusal> {
    check_fields(tender, now)?;
    let agreement_id = tender.agreement.id.as_str();
    // The reference API's order and texts (its recorded answers, which
    // differ from the older page of spec §4): every unknown profile at
    // once, 404 on `data`; then every profile not `active`; then the
    // agreement.
    let mut profiles = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
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
            None if !unknown.contains(&profile_id) => unknown.push(profile_id),
            None => {}
        }
    }
    if !unknown.is_empty() {
        // "catalouges" is the reference API's spelling.
        return Err(Refusal::missing(
            "data",
            format!("Profiles {} not found in catalouges.", unknown.join(", ")),
        ));
    }
    if let Some(profile) = profiles.iter().find(|profile| profile.status != "active") {
        return Err(Refusal::invalid(
            "data",
            format!(
                "Profiles {}: {} not in ('active',)",
                profile.id, profile.status
            ),
        ));
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
            "data",
            "Tender agreement doesn't match profile agreement",
        ));
    }
    if agreement.status != "active" {
        return Err(Refusal::invalid(
            "agreement",
            "Agreement status is not active",
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
