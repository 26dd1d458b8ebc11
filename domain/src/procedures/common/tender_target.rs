//! The stored form of a tender document's target, shared by the tender
//! procedures (priceQuotation, belowThreshold): the tender itself is
//! `"of": "tender"`, as the reference API names it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::procurement::Target;

#[derive(Serialize, Deserialize)]
#[serde(tag = "of", content = "id", rename_all = "camelCase")]
enum Stored {
    Tender,
    Bid(String),
    Award(String),
    Contract(String),
    Cancellation(String),
}

pub fn serialize<S: Serializer>(target: &Target, s: S) -> Result<S::Ok, S::Error> {
    let stored = match target.clone() {
        Target::Procedure => Stored::Tender,
        Target::Bid(id) => Stored::Bid(id),
        Target::Award(id) => Stored::Award(id),
        Target::Contract(id) => Stored::Contract(id),
        Target::Cancellation(id) => Stored::Cancellation(id),
    };
    stored.serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Target, D::Error> {
    Ok(match Stored::deserialize(d)? {
        Stored::Tender => Target::Procedure,
        Stored::Bid(id) => Target::Bid(id),
        Stored::Award(id) => Target::Award(id),
        Stored::Contract(id) => Target::Contract(id),
        Stored::Cancellation(id) => Target::Cancellation(id),
    })
}
