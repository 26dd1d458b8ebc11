//! Reading the sale's events of schema version 1, written before its texts
//! became multiLang (spec §7: names, address lines, the lot's and unit's
//! descriptions, the cancellation reason): each such plain string `s` is
//! read as `{"uk_UA": s}`, an English twin (`nameEn`, `legalNameEn`,
//! `descriptionEn`) as its `en_US`. The shared item model's fields the
//! sale model does not have (delivery terms, e-catalogue references, a
//! unit's price) are dropped: no sale rule or view ever used them and the
//! spec deletes them (§7.4). `xDocumentRequirements` and
//! `xAdditionalInformation` take the spec's names `x_documentRequirements`
//! and `x_additionalInformation`. Requests are never upcast: a new body
//! must send the multiLang object under the spec's names.

use serde_json::{Map, Value as Json};

use crate::procurement::MultiLang;

/// The event types whose version-1 data holds plain-string texts; they are
/// written in version 2.
pub(super) const CHANGED: [&str; 8] = [
    "ProcedureCreated",
    "ProcedureEdited",
    "BidSubmitted",
    "BidEdited",
    "BidsDisclosed",
    "AwardCreated",
    "ContractCreated",
    "ProcedureCancelled",
];

/// Turns the version-1 `data` of an `event_type` into version 2.
pub(super) fn v1_to_v2(event_type: &str, data: &Json) -> Json {
    let mut data = data.clone();
    if let Some(object) = data.as_object_mut() {
        match event_type {
            "ProcedureCreated" => each(object, "procedure", procedure),
            "ProcedureEdited" => each(object, "edit", procedure),
            "BidSubmitted" => each(object, "bid", bid),
            "BidEdited" => each_of(object, "bidders", organization),
            "BidsDisclosed" => each_of(object, "bids", bid),
            "AwardCreated" => each(object, "award", award_or_contract),
            "ContractCreated" => each(object, "contract", award_or_contract),
            "ProcedureCancelled" => each(object, "cancellation", cancellation),
            _ => {}
        }
    }
    data
}

type Object = Map<String, Json>;

/// Applies `f` to the object at `key` of `object`, if there is one.
fn each(object: &mut Object, key: &str, f: fn(&mut Object)) {
    if let Some(inner) = object_at(object, key) {
        f(inner);
    }
}

/// Applies `f` to every object of the array at `key` of `object`.
fn each_of(object: &mut Object, key: &str, f: fn(&mut Object)) {
    if let Some(list) = object.get_mut(key).and_then(Json::as_array_mut) {
        for object in list.iter_mut().filter_map(Json::as_object_mut) {
            f(object);
        }
    }
}

fn object_at<'a>(object: &'a mut Object, key: &str) -> Option<&'a mut Object> {
    object.get_mut(key).and_then(Json::as_object_mut)
}

/// A procedure document or an edit of one.
fn procedure(object: &mut Object) {
    // Version 1 spelled the spec's `x_` fields in camel case.
    for (old, new) in [
        ("xDocumentRequirements", "x_documentRequirements"),
        ("xAdditionalInformation", "x_additionalInformation"),
    ] {
        if let Some(text) = object.remove(old) {
            object.insert(new.to_owned(), text);
        }
    }
    if let Some(entity) = object_at(object, "sellingEntity") {
        organization(entity);
    }
    if let Some(unit) = object_at(object, "value").and_then(|v| object_at(v, "valuePer")) {
        unit_of(unit);
    }
    each_of(object, "items", item);
    each_of(object, "bids", bid);
    each_of(object, "awards", award_or_contract);
    each_of(object, "contracts", award_or_contract);
    each_of(object, "cancellations", cancellation);
}

fn bid(object: &mut Object) {
    each_of(object, "bidders", organization);
}

fn award_or_contract(object: &mut Object) {
    each_of(object, "buyers", organization);
    each_of(object, "items", item);
}

fn cancellation(object: &mut Object) {
    MultiLang::upcast_field(object, "reason", "reasonEn");
}

fn organization(object: &mut Object) {
    MultiLang::upcast_field(object, "name", "nameEn");
    if let Some(identifier) = object_at(object, "identifier") {
        MultiLang::upcast_field(identifier, "legalName", "legalNameEn");
    }
    if let Some(address) = object_at(object, "address") {
        for key in ["streetAddress", "locality", "region", "countryName"] {
            MultiLang::upcast_field(address, key, "");
        }
    }
    if let Some(contact) = object_at(object, "contactPoint") {
        MultiLang::upcast_field(contact, "name", "nameEn");
    }
}

fn item(object: &mut Object) {
    MultiLang::upcast_field(object, "description", "descriptionEn");
    for dropped in [
        "deliveryDate",
        "deliveryAddress",
        "profile",
        "category",
        "product",
        "relatedLot",
    ] {
        object.remove(dropped);
    }
    if let Some(unit) = object_at(object, "unit") {
        unit_of(unit);
    }
    if let Some(classification) = object_at(object, "classification") {
        MultiLang::upcast_field(classification, "description", "descriptionEn");
    }
    each_of(object, "additionalClassifications", |c| {
        MultiLang::upcast_field(c, "description", "descriptionEn");
    });
}

fn unit_of(object: &mut Object) {
    MultiLang::upcast_field(object, "name", "nameEn");
    object.remove("value");
}
