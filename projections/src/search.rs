//! The search index: what `GET /api/2.5/search` and `GET /api/2.5/stats`
//! filter, sort and sum, read from each procedure's public document. It is
//! written with the documents read model, in the same transaction, and only
//! from the public document, so nothing sealed can enter it: tenderers come
//! from bids and awards the document already shows.

use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value as Json;

use crate::model::{DocumentRow, is_draft};

/// The read model's name (its digest and position).
pub const SEARCH: &str = "search";

/// What one multi-valued filter matches on: any item's classification code,
/// any item's region, any disclosed tenderer.
pub const CLASSIFICATION: &str = "classification";
pub const REGION: &str = "region";
pub const TENDERER: &str = "tenderer";

/// One published procedure in the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    pub procedure_id: String,
    pub kind: String,
    pub position: u64,
    /// `procurementMethodType`, else `sellingMethod`.
    pub method: String,
    pub status: String,
    /// `tenderID` or `auctionId`.
    pub public_id: String,
    /// The buyer's (`procuringEntity`) or seller's (`sellingEntity`)
    /// identifier code.
    pub buyer: String,
    /// The first item's classification code and region (what stats group by).
    pub classification: String,
    pub region: String,
    /// The expected value: a tender's `value`; a multi-award sale's price
    /// per unit times its quantity; a Dutch sale's starting price.
    pub amount: Option<Decimal>,
    pub currency: String,
    /// What was awarded: the sum of the active contracts' values, else of
    /// the active awards'; `None` when nothing is awarded.
    pub awarded: Option<Decimal>,
    /// How many bids the document shows (`None` while bids are sealed).
    pub bids: Option<u64>,
    /// UTC instants in one fixed format (`2024-01-17T08:00:00.000000Z`), so
    /// that text order is time order on both backends.
    pub date: String,
    pub date_modified: String,
    pub tender_start: String,
    pub tender_end: String,
    pub auction_start: String,
    /// The month of `date` in Kyiv time (`2024-01`).
    pub month: String,
    /// Titles and descriptions as lowercase words separated by single
    /// spaces ([`words`]), so both backends' full-text indexes see the same
    /// words.
    pub title: String,
    pub description: String,
    /// (facet, value) pairs: [`CLASSIFICATION`], [`REGION`], [`TENDERER`].
    pub facets: Vec<(String, String)>,
}

/// The document's text as lowercase words of letters and digits, separated
/// by single spaces. Apostrophes inside a word (`комп’ютер`) are dropped so
/// the word stays one; anything else that is not a letter or digit
/// separates words.
pub fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if !in_word && !out.is_empty() {
                out.push(' ');
            }
            out.extend(c.to_lowercase());
            in_word = true;
        } else if in_word
            && matches!(c, '\'' | '’' | 'ʼ' | '`')
            && chars.peek().is_some_and(|next| next.is_alphanumeric())
        {
            // Inside a word: keep it one word.
        } else {
            in_word = false;
        }
    }
    out
}

/// A UTC instant in the index's format, from an RFC 3339 timestamp.
pub fn instant(moment: DateTime<Utc>) -> String {
    moment.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn timestamp(value: Option<&Json>) -> String {
    value
        .and_then(Json::as_str)
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|moment| instant(moment.with_timezone(&Utc)))
        .unwrap_or_default()
}

fn month(value: Option<&Json>) -> String {
    value
        .and_then(Json::as_str)
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|moment| {
            domain::time::to_kyiv(moment.with_timezone(&Utc))
                .format("%Y-%m")
                .to_string()
        })
        .unwrap_or_default()
}

/// A sale's multilingual text (`{"uk_UA": …}`) or a plain one.
fn text(value: Option<&Json>) -> String {
    match value {
        Some(Json::String(text)) => text.clone(),
        Some(Json::Object(texts)) => texts
            .get("uk_UA")
            .or_else(|| texts.get("en_US"))
            .or_else(|| texts.values().next())
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

fn array<'v>(value: &'v Json, field: &str) -> &'v [Json] {
    value
        .get(field)
        .and_then(Json::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A JSON number as an exact decimal (numbers keep their text).
fn decimal(value: Option<&Json>) -> Option<Decimal> {
    let Some(Json::Number(number)) = value else {
        return None;
    };
    let text = number.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

fn times(amount: Option<Decimal>, quantity: Option<Decimal>) -> Option<Decimal> {
    amount?
        .checked_mul(quantity?)
        .map(|total| total.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

fn identifier(organisation: &Json) -> Option<String> {
    organisation
        .pointer("/identifier/id")
        .and_then(Json::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

fn sum(amounts: impl Iterator<Item = Option<Decimal>>) -> Option<Decimal> {
    amounts
        .flatten()
        .try_fold(None::<Decimal>, |total, amount| {
            Some(Some(total.unwrap_or_default().checked_add(amount)?))
        })
        .flatten()
}

impl SearchRow {
    /// The index entry of a stored document; `None` for a draft (search,
    /// like the feeds, shows only published procedures) or a body that is
    /// not a procedure document.
    pub fn from_document(document: &DocumentRow) -> Option<SearchRow> {
        let envelope: Json = serde_json::from_str(&document.body).ok()?;
        let data = envelope.get("data")?;
        let status = data.get("status").and_then(Json::as_str)?.to_owned();
        if is_draft(&status) {
            return None;
        }
        let plain = |field: &str| {
            data.get(field)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (method, multi_award) = match plain("procurementMethodType") {
            method if method.is_empty() => {
                let method = plain("sellingMethod");
                let multi = method.starts_with("basicSell-multiAwards");
                (method, multi)
            }
            method => (method, false),
        };
        let public_id = match plain("tenderID") {
            id if id.is_empty() => plain("auctionId"),
            id => id,
        };
        let buyer = data
            .get("procuringEntity")
            .or_else(|| data.get("sellingEntity"))
            .and_then(identifier)
            .unwrap_or_default();
        let items = array(data, "items");
        let quantity_of = |item: Option<&Json>| decimal(item.and_then(|item| item.get("quantity")));
        let value = data.get("value");
        let amount = decimal(value.and_then(|value| value.get("amount")));
        let amount = if multi_award {
            times(amount, quantity_of(items.first()))
        } else {
            amount
        };
        let currency = value
            .and_then(|value| value.get("currency"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let award_value = |award: &Json| {
            let amount = decimal(award.pointer("/value/amount"));
            if multi_award {
                times(amount, quantity_of(array(award, "items").first()))
            } else {
                amount
            }
        };
        let active = |object: &&Json| object.get("status").and_then(Json::as_str) == Some("active");
        let contracts: Vec<&Json> = array(data, "contracts").iter().filter(active).collect();
        let awarded = if contracts.is_empty() {
            sum(array(data, "awards").iter().filter(active).map(award_value))
        } else {
            sum(contracts.iter().map(|contract| {
                decimal(
                    contract
                        .pointer("/contractTotalValue/amount")
                        .or_else(|| contract.pointer("/value/amount")),
                )
            }))
        };
        let bids = data
            .get("bids")
            .and_then(Json::as_array)
            .map(|bids| bids.len() as u64);
        let mut facets: Vec<(String, String)> = Vec::new();
        let mut regions = Vec::new();
        for item in items {
            if let Some(code) = item.pointer("/classification/id").and_then(Json::as_str) {
                facets.push((CLASSIFICATION.into(), code.to_owned()));
            }
            let region = text(
                item.pointer("/deliveryAddress/region")
                    .or_else(|| item.pointer("/address/region")),
            );
            if !region.is_empty() {
                regions.push(region.clone());
                facets.push((REGION.into(), region));
            }
        }
        for bid in array(data, "bids") {
            for tenderer in array(bid, "tenderers").iter().chain(array(bid, "bidders")) {
                facets.extend(identifier(tenderer).map(|id| (TENDERER.into(), id)));
            }
        }
        for award in array(data, "awards") {
            for supplier in array(award, "suppliers")
                .iter()
                .chain(array(award, "buyers"))
            {
                facets.extend(identifier(supplier).map(|id| (TENDERER.into(), id)));
            }
        }
        facets.sort();
        facets.dedup();
        let classification = items
            .first()
            .and_then(|item| item.pointer("/classification/id"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let date = data.get("date").or_else(|| data.get("datePublished"));
        let mut titles = text(data.get("title"));
        let mut descriptions = text(data.get("description"));
        for item in items {
            descriptions.push(' ');
            descriptions.push_str(&text(item.get("description")));
        }
        if titles.is_empty() {
            titles = text(data.get("title_en"));
        }
        Some(SearchRow {
            procedure_id: document.procedure_id.clone(),
            kind: document.kind.clone(),
            position: document.position,
            method,
            status,
            public_id,
            buyer,
            classification,
            region: regions.into_iter().next().unwrap_or_default(),
            amount: amount.map(|d| d.normalize()),
            currency,
            awarded: awarded.map(|d| d.normalize()),
            bids,
            date: timestamp(date),
            date_modified: timestamp(data.get("dateModified")),
            tender_start: timestamp(data.pointer("/tenderPeriod/startDate")),
            tender_end: timestamp(data.pointer("/tenderPeriod/endDate")),
            auction_start: timestamp(data.pointer("/auctionPeriod/startDate")),
            month: month(date),
            title: words(&titles),
            description: words(&descriptions),
            facets,
        })
    }

    /// The fields a digest hashes, in a fixed order (the facets are hashed
    /// after every row, see [`crate::read_store::Digester`]).
    pub fn digest_fields(&self) -> Vec<String> {
        let decimal = |d: &Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        vec![
            self.procedure_id.clone(),
            self.kind.clone(),
            self.position.to_string(),
            self.method.clone(),
            self.status.clone(),
            self.public_id.clone(),
            self.buyer.clone(),
            self.classification.clone(),
            self.region.clone(),
            decimal(&self.amount),
            self.currency.clone(),
            decimal(&self.awarded),
            self.bids.map(|b| b.to_string()).unwrap_or_default(),
            self.date.clone(),
            self.date_modified.clone(),
            self.tender_start.clone(),
            self.tender_end.clone(),
            self.auction_start.clone(),
            self.month.clone(),
            self.title.clone(),
            self.description.clone(),
        ]
    }
}

/// An amount as sortable text for SQLite, which has no decimal type: the
/// integer part padded to 20 digits and 10 decimals, so text order is
/// numeric order for the non-negative amounts procedures carry.
pub fn sortable_amount(amount: Decimal) -> String {
    let rounded = amount
        .round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
        .abs();
    let integer = rounded.trunc();
    let fraction = ((rounded - integer) * Decimal::from(10_000_000_000_u64)).trunc();
    format!("{integer:0>20}.{fraction:0>10}")
}

/// The amount back from [`sortable_amount`].
pub fn amount_from_sortable(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok().map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(body: Json) -> Option<SearchRow> {
        SearchRow::from_document(&DocumentRow {
            procedure_id: "p1".into(),
            kind: "k".into(),
            revision: 1,
            position: 7,
            body: json!({ "data": body }).to_string(),
        })
    }

    #[test]
    fn words_are_lowercase_letters_and_digits_with_apostrophes_kept_inside() {
        assert_eq!(
            words("Комп’ютерне  обладнання, ДК021:2015 — Львів's"),
            "компютерне обладнання дк021 2015 львівs"
        );
        assert_eq!(words("  'лапки' "), "лапки");
        assert_eq!(words(""), "");
    }

    #[test]
    fn sortable_amounts_order_like_numbers() {
        let texts: Vec<String> = ["0", "0.5", "9.99", "10", "22000.01", "1000000"]
            .iter()
            .map(|a| sortable_amount(Decimal::from_str(a).unwrap()))
            .collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(sorted, texts);
        assert_eq!(
            amount_from_sortable(&texts[4]),
            Some(Decimal::from_str("22000.01").unwrap())
        );
    }

    #[test]
    fn a_tender_is_indexed_from_what_its_document_shows() {
        let indexed = row(json!({
            "status": "active.qualification", "procurementMethodType": "priceQuotation",
            "tenderID": "UA-1", "title": "Папір офісний", "date": "2024-01-31T23:30:00+02:00",
            "dateModified": "2024-02-01T10:00:00+02:00",
            "procuringEntity": {"identifier": {"scheme": "UA-EDR", "id": "00037200"}},
            "value": {"amount": 22000.5, "currency": "UAH"},
            "items": [{"description": "А4", "classification": {"id": "30197630-1"},
                       "deliveryAddress": {"region": "м. Київ"}}],
            "bids": [{"tenderers": [{"identifier": {"id": "11111111"}}]}],
            "awards": [{"status": "active", "value": {"amount": 21000}, "suppliers": [{"identifier": {"id": "11111111"}}]}],
        }))
        .unwrap();
        assert_eq!(indexed.method, "priceQuotation");
        assert_eq!(indexed.buyer, "00037200");
        assert_eq!(indexed.amount, Some(Decimal::from_str("22000.5").unwrap()));
        assert_eq!(indexed.awarded, Some(Decimal::from(21000)));
        assert_eq!(indexed.bids, Some(1));
        // 23:30 Kyiv on 31 January is January in Kyiv, 21:30 UTC.
        assert_eq!(indexed.month, "2024-01");
        assert_eq!(indexed.date, "2024-01-31T21:30:00.000000Z");
        assert_eq!(indexed.title, "папір офісний");
        assert_eq!(
            indexed.facets,
            [
                (CLASSIFICATION.to_owned(), "30197630-1".to_owned()),
                (REGION.to_owned(), "м. Київ".to_owned()),
                (TENDERER.to_owned(), "11111111".to_owned()),
            ]
        );
    }

    #[test]
    fn sealed_bids_and_drafts_give_nothing() {
        assert!(row(json!({"status": "draft", "tenderID": "UA-1"})).is_none());
        let sealed = row(json!({"status": "active.tendering", "tenderID": "UA-1"})).unwrap();
        assert_eq!((sealed.bids, sealed.awarded), (None, None));
        assert!(sealed.facets.is_empty());
    }

    #[test]
    fn a_multi_award_sale_is_valued_per_unit_times_quantity() {
        let indexed = row(json!({
            "status": "complete", "sellingMethod": "basicSell-multiAwards",
            "auctionId": "BSM001", "title": {"uk_UA": "Деревина", "en_US": "Timber"},
            "sellingEntity": {"identifier": {"id": "22222222"}},
            "value": {"amount": 120.5, "currency": "UAH"},
            "items": [{"quantity": 600, "classification": {"id": "06121000-6"},
                       "address": {"region": {"uk_UA": "Львівська область"}}}],
            "awards": [{"status": "active", "value": {"amount": 130}, "items": [{"quantity": 300}]}],
            "contracts": [{"status": "pending"}],
        }))
        .unwrap();
        assert_eq!(indexed.amount, Some(Decimal::from(72300)));
        assert_eq!(indexed.awarded, Some(Decimal::from(39000)));
        assert_eq!(indexed.region, "Львівська область");
        assert_eq!(indexed.title, "деревина");
    }
}
