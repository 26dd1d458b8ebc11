//! The sale's organisations (`sellingEntity`, bidders, buyers): Prozorro.sale's
//! `base.Organization` (spec §7.2, §7.5), whose names and address lines are
//! multiLang texts. priceQuotation's [`crate::procurement::Organization`]
//! keeps plain strings, as its own wire does.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::procurement::one_bid_per_party::Party;
use crate::procurement::{Identifier as PartyKey, MultiLang, Need, Refusal};

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Identifier {
    /// The register, e.g. `UA-EDR` or `UA-IPN`.
    pub scheme: String,
    /// The code in that register (ЄДРПОУ, ІПН or passport).
    pub id: String,
    pub legal_name: Option<MultiLang>,
    pub uri: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Address {
    pub street_address: Option<MultiLang>,
    pub locality: Option<MultiLang>,
    pub region: Option<MultiLang>,
    pub postal_code: Option<String>,
    pub country_name: MultiLang,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContactPoint {
    pub name: MultiLang,
    pub email: Option<String>,
    pub telephone: Option<String>,
    pub fax_number: Option<String>,
    pub url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Organization {
    pub name: Option<MultiLang>,
    pub identifier: Identifier,
    pub address: Address,
    pub contact_point: Option<ContactPoint>,
    pub representative_info: Option<String>,
    /// `kind` and `scale` came with the shared organisation model sales
    /// were first published with; kept so that no stored fact is lost.
    pub kind: Option<String>,
    pub scale: Option<String>,
}

impl Organization {
    /// Who the organisation is, as the shared one-bid-per-participant rule
    /// compares parties: its register and code (Q3).
    pub fn party_identifier(&self) -> PartyKey {
        PartyKey {
            scheme: self.identifier.scheme.clone(),
            id: self.identifier.id.clone(),
            legal_name: None,
            legal_name_en: None,
            uri: None,
        }
    }

    /// The full data of an organisation a bidder or the seller must give
    /// (spec B-V5, §7.2), under `field`.
    pub fn check(&self, field: &str) -> Result<(), Refusal> {
        let missing = |what: &str| {
            Refusal::invalid(
                format!("{field}.{what}"),
                "This field is required.".to_owned(),
            )
        };
        let at = |what: &str| format!("{field}.{what}");
        MultiLang::check_optional(self.name.as_ref(), &at("name"), Need::AnyLanguage)?;
        if self.identifier.scheme.trim().is_empty() {
            return Err(missing("identifier.scheme"));
        }
        if self.identifier.id.trim().is_empty() {
            return Err(missing("identifier.id"));
        }
        let Some(legal_name) = &self.identifier.legal_name else {
            return Err(missing("identifier.legalName"));
        };
        legal_name.check(&at("identifier.legalName"), Need::Ukrainian)?;
        let address = &self.address;
        address
            .country_name
            .check(&at("address.countryName"), Need::Ukrainian)?;
        for (name, value) in [
            ("address.region", &address.region),
            ("address.locality", &address.locality),
            ("address.streetAddress", &address.street_address),
        ] {
            let Some(value) = value else {
                return Err(missing(name));
            };
            value.check(&at(name), Need::Ukrainian)?;
        }
        let Some(contact) = &self.contact_point else {
            return Err(missing("contactPoint"));
        };
        contact
            .name
            .check(&at("contactPoint.name"), Need::Ukrainian)?;
        for (name, value) in [
            ("contactPoint.email", &contact.email),
            ("contactPoint.telephone", &contact.telephone),
        ] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                return Err(missing(name));
            }
        }
        Ok(())
    }
}

impl Party for Organization {
    fn key(&self) -> (&str, &str) {
        (&self.identifier.scheme, &self.identifier.id)
    }
}
