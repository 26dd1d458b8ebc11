//! Awards, contracts, cancellations, questions and lots: lists and objects
//! read from the public document, `PATCH` of one object and, for the kinds
//! a caller adds ([`Added`]), `POST` of a new one. One set of handlers
//! serves them all, parameterised by an [`Object`] marker type.

use axum::extract::Path;
use axum::response::Response;
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use super::call::Call;
use super::lists::{public_item, public_list};
use super::{Resource, Write};
use crate::error::ApiError;
use crate::reply;
use crate::write::refused;

/// A kind of object a procedure holds a public list of.
pub trait Object: Send + Sync + 'static {
    /// The list in the public document (`awards`).
    const FIELD: &'static str;
    /// How errors name its id (`award_id`).
    const ID_FIELD: &'static str;
    /// The resource a procedure type must have for the list to exist.
    const RESOURCE: Resource;
    /// The resource a procedure type must have for `PATCH` to exist.
    const EDIT: Resource;
    fn edit(id: String, data: Json) -> Write;
}

/// A kind of object a caller adds with `POST` on its list.
pub trait Added: Object {
    fn add(data: Json) -> Write;
}

pub struct Awards;
pub struct Contracts;
pub struct Cancellations;
pub struct Questions;
pub struct Lots;

impl Object for Awards {
    const FIELD: &'static str = "awards";
    const ID_FIELD: &'static str = "award_id";
    const RESOURCE: Resource = Resource::Awards;
    const EDIT: Resource = Resource::Awards;
    fn edit(award_id: String, data: Json) -> Write {
        Write::EditAward { award_id, data }
    }
}

impl Object for Contracts {
    const FIELD: &'static str = "contracts";
    const ID_FIELD: &'static str = "contract_id";
    const RESOURCE: Resource = Resource::Contracts;
    const EDIT: Resource = Resource::Contracts;
    fn edit(contract_id: String, data: Json) -> Write {
        Write::EditContract { contract_id, data }
    }
}

impl Object for Cancellations {
    const FIELD: &'static str = "cancellations";
    const ID_FIELD: &'static str = "cancellation_id";
    const RESOURCE: Resource = Resource::Cancellations;
    const EDIT: Resource = Resource::CancellationEdits;
    fn edit(cancellation_id: String, data: Json) -> Write {
        Write::EditCancellation {
            cancellation_id,
            data,
        }
    }
}

impl Added for Cancellations {
    fn add(data: Json) -> Write {
        Write::Cancel { data }
    }
}

impl Object for Questions {
    const FIELD: &'static str = "questions";
    const ID_FIELD: &'static str = "question_id";
    const RESOURCE: Resource = Resource::Questions;
    const EDIT: Resource = Resource::Questions;
    fn edit(question_id: String, data: Json) -> Write {
        Write::AnswerQuestion { question_id, data }
    }
}

impl Added for Questions {
    fn add(data: Json) -> Write {
        Write::AskQuestion { data }
    }
}

impl Object for Lots {
    const FIELD: &'static str = "lots";
    const ID_FIELD: &'static str = "lot_id";
    const RESOURCE: Resource = Resource::Lots;
    const EDIT: Resource = Resource::Lots;
    fn edit(lot_id: String, data: Json) -> Write {
        Write::EditLot { lot_id, data }
    }
}

impl Added for Lots {
    fn add(data: Json) -> Write {
        Write::AddLot { data }
    }
}

/// `POST …/{list}`: a new object, answered 201 with its `Location`. The
/// new object is the one the write says it made or, for a procedure whose
/// events do not name it (a lot is added by editing the procedure's
/// terms, which keep the lots in order), the last of the list.
pub async fn create<O: Added>(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let broker = call.broker()?;
    let data = call.data()?;
    let written = call
        .write((&id, Some(O::RESOURCE)), broker, O::add(data))
        .await?;
    let procedure = written.procedure.as_ref();
    let made = written.made.clone().or_else(|| {
        public_list(procedure, O::FIELD)
            .last()
            .and_then(|object| object.get("id"))
            .and_then(Json::as_str)
            .map(str::to_owned)
    });
    let object_id = made.ok_or_else(|| refused(Refusal::not_found(O::ID_FIELD)))?;
    let object = public_item(procedure, O::FIELD, &object_id, O::ID_FIELD)?;
    Ok(reply::created(
        &call.app.public_url,
        &call.path(&format!("/{id}/{}/{object_id}", O::FIELD)),
        &json!({ "data": object }),
        call.pretty(),
    ))
}

pub async fn list<O: Object>(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let procedure = call.load(&id, Some(O::RESOURCE)).await?;
    let objects = public_list(procedure.as_ref(), O::FIELD);
    Ok(reply::data(objects, call.pretty()))
}

pub async fn read<O: Object>(
    Path((id, object_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let procedure = call.load(&id, Some(O::RESOURCE)).await?;
    let object = public_item(procedure.as_ref(), O::FIELD, &object_id, O::ID_FIELD)?;
    Ok(reply::data(object, call.pretty()))
}

pub async fn patch<O: Object>(
    Path((id, object_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let broker = call.broker()?;
    let write = O::edit(object_id.clone(), call.edit_data(&object_id)?);
    let written = call.write((&id, Some(O::EDIT)), broker, write).await?;
    let procedure = written.procedure.as_ref();
    let object = public_item(procedure, O::FIELD, &object_id, O::ID_FIELD)?;
    let mut response = reply::data(object, call.pretty());
    // An edit that made another object of the kind (the award that
    // replaces a cancelled one) names it in `Location`, as the reference
    // API does.
    if let Some(made) = written.made.filter(|made| *made != object_id) {
        let path = call.path(&format!("/{id}/{}/{made}", O::FIELD));
        if let Ok(location) =
            axum::http::HeaderValue::from_str(&reply::absolute_url(&call.app.public_url, &path))
        {
            response
                .headers_mut()
                .insert(axum::http::header::LOCATION, location);
        }
    }
    Ok(response)
}
