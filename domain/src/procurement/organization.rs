//! Organisations (procuring entities, tenderers, suppliers) and their parts,
//! with the reference API's field names.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Identifier {
    /// The register, e.g. `UA-EDR` or `UA-IPN`.
    pub scheme: String,
    pub id: String,
    pub legal_name: Option<String>,
    pub legal_name_en: Option<String>,
    pub uri: Option<String>,
}

impl Identifier {
    /// Two identifiers name the same organisation when register and code match.
    pub fn same_as(&self, other: &Identifier) -> bool {
        self.scheme == other.scheme && self.id == other.id
    }
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Address {
    pub street_address: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country_name: String,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContactPoint {
    pub name: String,
    pub name_en: Option<String>,
    pub email: Option<String>,
    pub telephone: Option<String>,
    pub fax_number: Option<String>,
    pub url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Organization {
    pub name: String,
    pub name_en: Option<String>,
    pub identifier: Identifier,
    pub address: Address,
    pub contact_point: Option<ContactPoint>,
    /// Procuring entity kind, e.g. `general`.
    pub kind: Option<String>,
    /// Business size of a tenderer: `micro`, `sme`, `large`, `mid`.
    pub scale: Option<String>,
}
