//! The priceQuotation tender document: what a client sends to create it,
//! what it may change in `draft`, and the document as it stands.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use serde_with::skip_serializing_none;

use super::{Award, Bid, Cancellation, Contract};
use crate::procedures::common::tendering;
use crate::procurement::{
    Criterion, Document, Item, Money, Organization, Period, Refusal, check_quantities,
    require_positive,
};

/// The status names of the reference API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TenderStatus {
    #[serde(rename = "draft")]
    Draft,
    #[serde(rename = "active.tendering")]
    ActiveTendering,
    #[serde(rename = "active.qualification")]
    ActiveQualification,
    #[serde(rename = "active.awarded")]
    ActiveAwarded,
    #[serde(rename = "complete")]
    Complete,
    #[serde(rename = "unsuccessful")]
    Unsuccessful,
    #[serde(rename = "cancelled")]
    Cancelled,
}

impl TenderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderStatus::Draft => "draft",
            TenderStatus::ActiveTendering => "active.tendering",
            TenderStatus::ActiveQualification => "active.qualification",
            TenderStatus::ActiveAwarded => "active.awarded",
            TenderStatus::Complete => "complete",
            TenderStatus::Unsuccessful => "unsuccessful",
            TenderStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TenderStatus::Complete | TenderStatus::Unsuccessful | TenderStatus::Cancelled
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementRef {
    pub id: String,
}

/// The `data` of `POST /tenders`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TenderInput {
    pub title: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub main_procurement_category: Option<String>,
    pub procurement_method_type: String,
    pub procurement_method: Option<String>,
    pub procuring_entity: Organization,
    /// VAT is excluded unless the client says otherwise, as the reference
    /// API defaults a priceQuotation tender's value.
    #[serde(deserialize_with = "crate::procurement::money::vat_excluded_by_default::required")]
    pub value: Money,
    pub tender_period: Period,
    pub items: Vec<Item>,
    pub agreement: AgreementRef,
    pub criteria: Option<Vec<Criterion>>,
    /// Payment and delivery milestones; stored and echoed.
    pub milestones: Option<Vec<Json>>,
    /// Only `draft` may be given: a tender is activated by a later PATCH.
    pub status: Option<String>,
}

/// The `data` of `PATCH /tenders/{id}`: any subset of the editable fields.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TenderEdit {
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub main_procurement_category: Option<String>,
    pub procuring_entity: Option<Organization>,
    /// As [`TenderInput::value`]. Recorded edits always carry the flag, so
    /// the default never changes how a stored edit reads.
    #[serde(
        default,
        deserialize_with = "crate::procurement::money::vat_excluded_by_default::optional"
    )]
    pub value: Option<Money>,
    pub tender_period: Option<Period>,
    pub items: Option<Vec<Item>>,
    pub agreement: Option<AgreementRef>,
    pub criteria: Option<Vec<Criterion>>,
    pub milestones: Option<Vec<Json>>,
    pub status: Option<String>,
}

impl TenderEdit {
    /// Whether the edit changes anything besides the status.
    pub fn changes_fields(&self) -> bool {
        let without_status = TenderEdit {
            status: None,
            ..self.clone()
        };
        without_status != TenderEdit::default()
    }
}

/// The tender as it stands: exactly the public document of the reference
/// API, minus what [`super::disclosure`] hides.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    pub id: String,
    #[serde(rename = "tenderID")]
    pub tender_id: String,
    pub owner: String,
    pub status: TenderStatus,
    pub title: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub main_procurement_category: Option<String>,
    pub procurement_method: String,
    pub procurement_method_type: String,
    pub award_criteria: String,
    pub procuring_entity: Organization,
    pub value: Money,
    pub tender_period: Period,
    pub items: Vec<Item>,
    pub agreement: AgreementRef,
    pub criteria: Option<Vec<Criterion>>,
    pub milestones: Option<Vec<Json>>,
    pub shortlisted_firms: Option<Vec<Map<String, Json>>>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub notice_publication_date: Option<DateTime<Utc>>,
    pub contract_template_name: Option<String>,
    /// The reference API's dictionary of the reasons a contract may be
    /// changed for, recorded at creation like every fact a decision used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_change_rationale_types: Option<Json>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_created: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bids: Vec<Bid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancellations: Vec<Cancellation>,
}

/// Gives every item, criterion, requirement group, requirement and eligible
/// evidence without an id a fresh one, publishes new requirements
/// (`status` `active`, `datePublished` `now`, as the reference API shows
/// them), and prices items in the tender's currency.
pub fn complete_ids_and_units(
    items: &mut [Item],
    criteria: &mut [Criterion],
    value: &Money,
    now: DateTime<Utc>,
    new_id: &mut dyn FnMut() -> String,
) {
    for item in items.iter_mut() {
        if item.id.is_none() {
            item.id = Some(new_id());
        }
        if let Some(unit_value) = item.unit.as_mut().and_then(|unit| unit.value.as_mut()) {
            unit_value.currency = value.currency.clone();
            unit_value.value_added_tax_included = value.value_added_tax_included;
        }
    }
    for criterion in criteria.iter_mut() {
        if criterion.id.is_none() {
            criterion.id = Some(new_id());
        }
        for group in criterion.requirement_groups.iter_mut() {
            if group.id.is_none() {
                group.id = Some(new_id());
            }
            for requirement in group.requirements.iter_mut() {
                if requirement.id.is_none() {
                    requirement.id = Some(new_id());
                }
                if requirement.status.is_none() {
                    requirement.status = Some("active".to_owned());
                }
                if requirement.date_published.is_none() {
                    requirement.date_published = Some(now);
                }
                for evidence in requirement.eligible_evidences.iter_mut().flatten() {
                    if let Some(evidence) = evidence.as_object_mut()
                        && !evidence.contains_key("id")
                    {
                        evidence.insert("id".to_owned(), Json::String(new_id()));
                    }
                }
            }
        }
    }
}

/// The rules a tender's editable fields obey, at creation and after edits.
pub fn check_fields(tender: &Tender, now: DateTime<Utc>) -> Result<(), Refusal> {
    if tender.title.trim().is_empty() {
        return Err(Refusal::invalid("title", "This field is required."));
    }
    if tender.procuring_entity.identifier.scheme.trim().is_empty() {
        return Err(Refusal::invalid(
            "procuringEntity.identifier.scheme",
            "This field is required.",
        ));
    }
    if tender.items.is_empty() {
        return Err(Refusal::invalid("items", "Please provide at least 1 item."));
    }
    for item in &tender.items {
        if item.profile.as_deref().is_none_or(str::is_empty) {
            return Err(Refusal::invalid("items.profile", "This field is required."));
        }
        if let Some(item_currency) = item
            .unit
            .as_ref()
            .and_then(|unit| unit.value.as_ref())
            .map(|value| &value.currency)
            && *item_currency != tender.value.currency
        {
            return Err(Refusal::invalid(
                "items.unit.value.currency",
                "Value currency should be identical to currency of value of tender",
            ));
        }
    }
    require_positive(tender.value.amount, "value.amount")?;
    check_quantities(&tender.items, "items")?;
    if tender.agreement.id.trim().is_empty() {
        return Err(Refusal::invalid("agreement.id", "This field is required."));
    }
    let end = tendering::period_end(&tender.tender_period, now)?;
    if let Some(start) = tender.tender_period.start_date
        && start >= end
    {
        return Err(Refusal::invalid(
            "tenderPeriod",
            "period should begin before its end",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for id in tender.items.iter().filter_map(|item| item.id.as_deref()) {
        if !seen.insert(id) {
            return Err(Refusal::invalid(
                "items",
                "Item id should be uniq for all items",
            ));
        }
    }
    Ok(())
}

/// Applies a draft edit (everything but the status) to the tender.
pub fn apply_edit(tender: &mut Tender, edit: &TenderEdit) {
    let TenderEdit {
        title,
        title_en,
        description,
        description_en,
        main_procurement_category,
        procuring_entity,
        value,
        tender_period,
        items,
        agreement,
        criteria,
        milestones,
        status: _,
    } = edit.clone();
    if let Some(title) = title {
        tender.title = title;
    }
    if title_en.is_some() {
        tender.title_en = title_en;
    }
    if description.is_some() {
        tender.description = description;
    }
    if description_en.is_some() {
        tender.description_en = description_en;
    }
    if main_procurement_category.is_some() {
        tender.main_procurement_category = main_procurement_category;
    }
    if let Some(procuring_entity) = procuring_entity {
        tender.procuring_entity = procuring_entity;
    }
    if let Some(value) = value {
        tender.value = value;
    }
    if let Some(period) = tender_period {
        // The server owns the start date; a client moves only the end.
        if period.end_date.is_some() {
            tender.tender_period.end_date = period.end_date;
        }
    }
    if let Some(items) = items {
        tender.items = items;
    }
    if let Some(agreement) = agreement {
        tender.agreement = agreement;
    }
    if criteria.is_some() {
        tender.criteria = criteria;
    }
    if milestones.is_some() {
        tender.milestones = milestones;
    }
}
