//! Criteria a tender sets and the requirement responses a bid answers them
//! with. A criterion holds requirement groups; a tenderer answers every
//! requirement of exactly one group of each criterion it must answer.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use serde_with::skip_serializing_none;

use super::{Classification, Refusal};

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RequirementUnit {
    pub code: String,
    pub name: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Requirement {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `string`, `integer`, `number` or `boolean`.
    pub data_type: String,
    pub status: Option<String>,
    pub unit: Option<RequirementUnit>,
    /// Values are kept exactly as the client wrote them (`5` stays `5`).
    pub expected_value: Option<Json>,
    pub expected_values: Option<Vec<Json>>,
    pub expected_min_items: Option<u32>,
    pub expected_max_items: Option<u32>,
    pub min_value: Option<Json>,
    pub max_value: Option<Json>,
    /// Stored and echoed; no rule reads them.
    pub eligible_evidences: Option<Vec<Json>>,
    /// When the requirement was published: set by the server (the
    /// reference API shows it on every requirement).
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub date_published: Option<chrono::DateTime<chrono::Utc>>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RequirementGroup {
    pub id: Option<String>,
    pub description: Option<String>,
    pub requirements: Vec<Requirement>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Criterion {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Who answers: `tenderer` (with the bid), `winner` (later), …
    pub source: Option<String>,
    pub classification: Option<Classification>,
    pub relates_to: Option<String>,
    pub related_item: Option<String>,
    /// Stored and echoed; no rule reads it.
    pub legislation: Option<Vec<Json>>,
    pub requirement_groups: Vec<RequirementGroup>,
}

impl Criterion {
    /// Whether a bid must answer this criterion when it is submitted.
    pub fn answered_with_bid(&self) -> bool {
        matches!(self.source.as_deref(), None | Some("tenderer"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// What a client sends for one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementResponseInput {
    pub requirement: RequirementRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Json>>,
}

/// A stored response, completed from the requirement it answers.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequirementResponse {
    pub id: String,
    pub requirement: RequirementRef,
    pub value: Option<Json>,
    pub values: Option<Vec<Json>>,
    pub unit: Option<RequirementUnit>,
    pub classification: Option<Classification>,
}

fn describe(requirement_id: &str, problem: &str) -> Refusal {
    Refusal::invalid(
        "requirementResponses",
        format!("Requirement {requirement_id}: {problem}"),
    )
}

fn type_matches(data_type: &str, value: &Json) -> bool {
    match data_type {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        _ => false,
    }
}

fn as_number(value: &Json) -> Option<rust_decimal::Decimal> {
    value.as_number().and_then(|n| n.to_string().parse().ok())
}

/// Checks one answer against its requirement.
fn check_answer(
    requirement: &Requirement,
    id: &str,
    answer: &RequirementResponseInput,
) -> Result<(), Refusal> {
    if let Some(expected) = &requirement.expected_values {
        let values = answer
            .values
            .as_ref()
            .ok_or_else(|| describe(id, "values are required"))?;
        if answer.value.is_some() {
            return Err(describe(id, "answer with values, not value"));
        }
        for value in values {
            if !type_matches(&requirement.data_type, value) {
                return Err(describe(
                    id,
                    &format!("{value} is not of type {}", requirement.data_type),
                ));
            }
            if !expected.contains(value) {
                return Err(describe(
                    id,
                    &format!("{value} is not one of the expected values"),
                ));
            }
        }
        let distinct: HashSet<String> = values.iter().map(Json::to_string).collect();
        if distinct.len() != values.len() {
            return Err(describe(id, "values repeat"));
        }
        let count = values.len() as u32;
        if let Some(min) = requirement.expected_min_items
            && count < min
        {
            return Err(describe(id, &format!("at least {min} values are expected")));
        }
        if let Some(max) = requirement.expected_max_items
            && count > max
        {
            return Err(describe(id, &format!("at most {max} values are expected")));
        }
        return Ok(());
    }
    let value = answer
        .value
        .as_ref()
        .ok_or_else(|| describe(id, "value is required"))?;
    if answer.values.is_some() {
        return Err(describe(id, "answer with value, not values"));
    }
    if !type_matches(&requirement.data_type, value) {
        return Err(describe(
            id,
            &format!("{value} is not of type {}", requirement.data_type),
        ));
    }
    if let Some(expected) = &requirement.expected_value {
        let equal = match (as_number(expected), as_number(value)) {
            (Some(a), Some(b)) => a == b,
            _ => expected == value,
        };
        if !equal {
            return Err(describe(
                id,
                &format!("{value} does not equal the expected {expected}"),
            ));
        }
    }
    if let Some(min) = requirement.min_value.as_ref().and_then(as_number)
        && as_number(value).is_none_or(|v| v < min)
    {
        return Err(describe(id, &format!("{value} is below the minimum {min}")));
    }
    if let Some(max) = requirement.max_value.as_ref().and_then(as_number)
        && as_number(value).is_none_or(|v| v > max)
    {
        return Err(describe(id, &format!("{value} is above the maximum {max}")));
    }
    Ok(())
}

/// Checks a bid's answers against the tender's criteria and completes them:
/// every answer refers to a known requirement, at most once; each criterion
/// answered with the bid has exactly one requirement group fully answered;
/// every value satisfies its requirement. A draft bid may still be
/// incomplete (`complete: false` skips the group rule). `new_id` gives each
/// response an id.
pub fn check_responses(
    criteria: &[Criterion],
    answers: &[RequirementResponseInput],
    complete: bool,
    mut new_id: impl FnMut() -> String,
) -> Result<Vec<RequirementResponse>, Refusal> {
    // A bid may answer the requirements of every criterion, the winner's
    // ones too (the reference accepts those early, as its tutorial's bid
    // does); only the bid's own criteria must be complete.
    let mut known: HashMap<&str, (&Criterion, &Requirement)> = HashMap::new();
    for criterion in criteria {
        for group in &criterion.requirement_groups {
            for requirement in &group.requirements {
                if let Some(id) = requirement.id.as_deref() {
                    known.insert(id, (criterion, requirement));
                }
            }
        }
    }
    let mut answered: HashSet<&str> = HashSet::new();
    let mut responses = Vec::with_capacity(answers.len());
    for answer in answers {
        let id = answer.requirement.id.as_str();
        let (criterion, requirement) = known
            .get(id)
            .ok_or_else(|| describe(id, "not found in the tender's criteria"))?;
        if !answered.insert(id) {
            return Err(describe(id, "answered more than once"));
        }
        check_answer(requirement, id, answer)?;
        responses.push(RequirementResponse {
            id: new_id(),
            requirement: RequirementRef {
                id: id.to_owned(),
                title: requirement.title.clone(),
            },
            value: answer.value.clone(),
            values: answer.values.clone(),
            unit: requirement.unit.clone(),
            classification: criterion.classification.clone(),
        });
    }
    for criterion in criteria
        .iter()
        .filter(|c| complete && c.answered_with_bid())
    {
        let complete_groups = criterion
            .requirement_groups
            .iter()
            .filter(|group| {
                group
                    .requirements
                    .iter()
                    .all(|r| r.id.as_deref().is_some_and(|id| answered.contains(id)))
            })
            .count();
        let touched_groups = criterion
            .requirement_groups
            .iter()
            .filter(|group| {
                group
                    .requirements
                    .iter()
                    .any(|r| r.id.as_deref().is_some_and(|id| answered.contains(id)))
            })
            .count();
        if complete_groups != 1 || touched_groups != 1 {
            let name = criterion
                .classification
                .as_ref()
                .map(|c| c.id.clone())
                .or_else(|| criterion.id.clone())
                .unwrap_or_default();
            return Err(Refusal::invalid(
                "requirementResponses",
                format!(
                    "Responses are required for all requirements of exactly one requirement group of criterion {name}"
                ),
            ));
        }
    }
    Ok(responses)
}
