//! The fields belowThreshold's model accepts beyond the shared procurement
//! types (`crate::procurement`), kept beside them rather than in them: the
//! shared types serve every procedure, and these fields are this one's
//! (the reference's belowThreshold model takes them, priceQuotation's does
//! not).
//!
//! [`With`] joins a shared type and its extra fields on the wire as one
//! object. serde's `flatten` is not used because it silently accepts any
//! unknown key; here the extra fields are taken out by name and the rest
//! goes to the shared type, whose `deny_unknown_fields` still refuses a
//! rogue field (the reference's "Rogue field") at its full path.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use serde::de::value::StringDeserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};
use serde_with::skip_serializing_none;

use crate::procurement::one_bid_per_party;
use crate::procurement::{Identifier, Item, Organization};

/// Extra fields: their wire names, to take them out of the object.
pub trait Extra: Serialize + DeserializeOwned + Default {
    const FIELDS: &'static [&'static str];
}

/// A shared type with this procedure's extra fields, one object on the wire.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct With<T, E> {
    pub base: T,
    pub extra: E,
}

impl<T, E> With<T, E> {
    pub fn new(base: T, extra: E) -> Self {
        With { base, extra }
    }
}

/// The shared value with no extra field set.
impl<T, E: Default> From<T> for With<T, E> {
    fn from(base: T) -> Self {
        With {
            base,
            extra: E::default(),
        }
    }
}

impl<T, E> Deref for With<T, E> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.base
    }
}

impl<T, E> DerefMut for With<T, E> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.base
    }
}

impl<'de, T: Deserialize<'de>, E: Extra> Deserialize<'de> for With<T, E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(WithVisitor(PhantomData))
    }
}

struct WithVisitor<T, E>(PhantomData<(T, E)>);

impl<'de, T: Deserialize<'de>, E: Extra> Visitor<'de> for WithVisitor<T, E> {
    type Value = With<T, E>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object")
    }

    /// The shared type reads the object through [`Filtered`], entry by
    /// entry from the caller's own map, so a refusal inside it still names
    /// its whole path (`items.classification.x`); the extra fields are set
    /// aside on the way.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut filtered = Filtered {
            map,
            fields: E::FIELDS,
            extra: Map::new(),
        };
        let base = T::deserialize(FilteredObject(&mut filtered))?;
        Ok(With {
            base,
            extra: extra_fields(filtered.extra)?,
        })
    }
}

/// The extra fields, read from the values set aside. Each is tried alone
/// first, so that a refusal names the field it is in (`signerInfo.x`),
/// the path the caller's deserializer no longer sees.
fn extra_fields<E: Extra, Error: serde::de::Error>(extra: Map<String, Json>) -> Result<E, Error> {
    for (key, value) in &extra {
        let alone = Map::from_iter([(key.clone(), value.clone())]);
        if let Err(error) = E::deserialize(Json::Object(alone)) {
            let message = error.to_string();
            let within = ["unknown field `", "missing field `"]
                .iter()
                .find_map(|lead| {
                    let rest = message.strip_prefix(lead)?;
                    Some(format!("{lead}{key}.{rest}"))
                })
                .unwrap_or(message);
            return Err(Error::custom(within));
        }
    }
    E::deserialize(Json::Object(extra)).map_err(Error::custom)
}

/// A map without the extra fields, which it keeps in `extra`.
struct Filtered<A> {
    map: A,
    fields: &'static [&'static str],
    extra: Map<String, Json>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for &mut Filtered<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            if self.fields.contains(&key.as_str()) {
                let value = self.map.next_value::<Json>()?;
                self.extra.insert(key, value);
                continue;
            }
            return seed
                .deserialize(StringDeserializer::<A::Error>::new(key))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// [`Filtered`] as the object the shared type deserialises from.
struct FilteredObject<'f, A>(&'f mut Filtered<A>);

impl<'de, A: MapAccess<'de>> Deserializer<'de> for FilteredObject<'_, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<T: Serialize, E: Extra> Serialize for With<T, E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let base = serde_json::to_value(&self.base).map_err(S::Error::custom)?;
        let extra = serde_json::to_value(&self.extra).map_err(S::Error::custom)?;
        let mut fields = match base {
            Json::Object(fields) => fields,
            _ => return Err(S::Error::custom("a base that is not an object")),
        };
        if let Json::Object(extra) = extra {
            fields.extend(extra);
        }
        fields.serialize(serializer)
    }
}

/// The e-contract signer of a party (`signerInfo`): stored and served as
/// sent; the e-contract itself is not built (spec §18).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignerInfo {
    pub name: String,
    pub email: Option<String>,
    pub telephone: Option<String>,
    pub iban: Option<String>,
    pub position: Option<String>,
    pub authorized_by: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PartyFields {
    pub signer_info: Option<SignerInfo>,
    /// Other registers' codes for the party (a funder's, e.g. `XM-DAC`).
    pub additional_identifiers: Option<Vec<Identifier>>,
}

impl Extra for PartyFields {
    const FIELDS: &'static [&'static str] = &["signerInfo", "additionalIdentifiers"];
}

/// A procuring entity, tenderer, funder or the inspector: an organisation,
/// its signer and its other identifiers.
pub type Party = With<Organization, PartyFields>;

/// A party bids as its organisation: one bid per register and code.
impl one_bid_per_party::Party for Party {
    fn key(&self) -> (&str, &str) {
        one_bid_per_party::Party::key(&self.base)
    }
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFields {
    /// Taken here: the shared item spells it `descriptionEn` on the wire
    /// (its `rename_all`), the reference `description_en`.
    pub description_en: Option<String>,
    pub description_ru: Option<String>,
}

impl Extra for ItemFields {
    const FIELDS: &'static [&'static str] = &["description_en", "description_ru"];
}

/// A tender item: the shared item and its translated descriptions.
pub type TenderItem = With<Item, ItemFields>;

/// The shared items of `items`, for the shared rules.
pub fn base_items(items: &[TenderItem]) -> Vec<Item> {
    items.iter().map(|item| item.base.clone()).collect()
}
