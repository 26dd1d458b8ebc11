//! Sub-resources read from the public document, so a list or an object
//! shows exactly what `GET` of the procedure shows.

use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use super::{Target, Viewed};
use crate::error::ApiError;
use crate::write::refused;

/// The public list `field` (`awards`, `contracts`, …) of the procedure.
pub fn public_list(procedure: &dyn Viewed, field: &str) -> Vec<Json> {
    procedure.envelope()["data"]
        .get(field)
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

/// One object of the public list `field` by id; 404 naming `id_field`.
pub fn public_item(
    procedure: &dyn Viewed,
    field: &str,
    id: &str,
    id_field: &str,
) -> Result<Json, ApiError> {
    public_list(procedure, field)
        .into_iter()
        .find(|item| item.get("id").and_then(Json::as_str) == Some(id))
        .ok_or_else(|| refused(Refusal::not_found(id_field)))
}

/// The procedure's status as its public document gives it.
pub fn status(procedure: &dyn Viewed) -> String {
    procedure.envelope()["data"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The documents of `target` the caller (presenting `token_hash`) may see.
pub fn documents_of(
    procedure: &dyn Viewed,
    target: &Target,
    token_hash: Option<&str>,
) -> Result<Json, ApiError> {
    let holder = match target {
        Target::Procedure => procedure.envelope()["data"].clone(),
        Target::Bid(id) => procedure.bid(id, token_hash).map_err(refused)?,
        Target::Award(id) => public_item(procedure, "awards", id, "award_id")?,
        Target::Contract(id) => public_item(procedure, "contracts", id, "contract_id")?,
        Target::Cancellation(id) => public_item(procedure, "cancellations", id, "cancellation_id")?,
    };
    Ok(holder
        .get("documents")
        .cloned()
        .unwrap_or_else(|| json!([])))
}
