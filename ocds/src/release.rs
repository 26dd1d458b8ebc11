//! One OCDS release per procedure event: the mapping from opencdb's public
//! procedure documents (what `GET /api/2.5/tenders/{id}` and
//! `GET /api/procedures/{id}` answer in `data`) to OCDS 1.1 releases, and the
//! release tags derived from what an event changed.
//!
//! The mapping is pure: the same documents and event give the same release,
//! so rebuilding the log gives the same release ids. `docs/ocds.md` has the
//! field mapping table per procedure type.
//!
//! ```
//! use ocds::release::{EventRef, release};
//! use serde_json::json;
//!
//! let published = json!({
//!     "id": "2874d5c2", "tenderID": "UA-2024-01-01-000001-a", "procurementMethodType": "priceQuotation",
//!     "status": "active.tendering", "title": "Папір",
//!     "procuringEntity": {"name": "Замовник", "identifier": {"scheme": "UA-EDR", "id": "00037200"}},
//! });
//! let mut cancelled = published.clone();
//! cancelled["status"] = json!("cancelled");
//! let event = |position| EventRef { position, event_type: "…", date: "2024-01-02T10:00:00+02:00" };
//! let first = release("abc123", None, &published, event(7))?;
//! let second = release("abc123", Some(&published), &cancelled, event(9))?;
//! assert_eq!(first["id"], json!("ocds-abc123-UA-2024-01-01-000001-a-7"));
//! assert_eq!(first["tag"], json!(["tender"]));
//! assert_eq!(second["tag"], json!(["tenderCancellation"]));
//! assert_eq!(second["tender"]["status"], json!("cancelled"));
//! assert_eq!(second["parties"][0]["roles"], json!(["buyer", "procuringEntity"]));
//! # Ok::<(), ocds::release::MappingError>(())
//! ```

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value, json};

/// The OCID prefix used when the operator sets none. An operator publishing
/// OCDS registers its own prefix with the OCDS Helpdesk and sets it (the
/// releases' `ocid` is `ocds-<prefix>-<tenderID or auctionId>`); this default
/// marks data published without one.
pub const DEFAULT_PREFIX: &str = "000cdb";

/// The official URL of the OCDS bids extension (`bids.details`), listed in a
/// package's `extensions` when one of its releases has bids.
pub const BIDS_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json";

/// The official URL of the OCDS lots extension (`tender.lots`,
/// `items.relatedLot`, `awards.relatedLots`), listed in a package's
/// `extensions` when one of its releases has lots.
pub const LOTS_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json";

/// A document that cannot be mapped to OCDS.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("the procedure document is not a JSON object")]
    NotAnObject,
    #[error(
        "the procedure document has neither `procurementMethodType` (a tender) nor `sellingMethod` (a sale)"
    )]
    UnknownKind,
    #[error("the procedure document has no `{0}` string")]
    Missing(&'static str),
    #[error(
        "the documents before and after the event are of two procedures ({before} and {after})"
    )]
    OtherProcedure { before: String, after: String },
}

/// The procedure event a release is made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRef<'e> {
    /// The event's position in the log: with the ocid it makes the
    /// release's `id`.
    pub position: u64,
    /// The event's type (`TenderCreated`, `AwardActivated`, …).
    pub event_type: &'e str,
    /// The event's time (RFC 3339), the release's `date`.
    pub date: &'e str,
}

/// The kinds of procedure the mapping knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcedureKind {
    /// A tender under `/api/2.5/tenders` (`procurementMethodType`, e.g.
    /// `priceQuotation`).
    Tender,
    /// The multi-award sale (`sellingMethod` `basicSell-multiAwards*`).
    MultiAwardSale,
    /// The Dutch-auction sale (`sellingMethod` `basicSell-dutch*`).
    DutchSale,
}

impl ProcedureKind {
    /// The kind of a public procedure document.
    pub fn of(document: &Value) -> Result<ProcedureKind, MappingError> {
        let object = document.as_object().ok_or(MappingError::NotAnObject)?;
        if object
            .get("procurementMethodType")
            .is_some_and(Value::is_string)
        {
            return Ok(ProcedureKind::Tender);
        }
        match object.get("sellingMethod").and_then(Value::as_str) {
            Some(method) if method.starts_with("basicSell-dutch") => Ok(ProcedureKind::DutchSale),
            Some(_) => Ok(ProcedureKind::MultiAwardSale),
            None => Err(MappingError::UnknownKind),
        }
    }

    fn is_sale(self) -> bool {
        self != ProcedureKind::Tender
    }
}

/// The OCID of a procedure: `ocds-<prefix>-<tenderID>` for a tender,
/// `ocds-<prefix>-<auctionId>` for a sale.
pub fn ocid(prefix: &str, document: &Value) -> Result<String, MappingError> {
    let field = match ProcedureKind::of(document)? {
        ProcedureKind::Tender => "tenderID",
        _ => "auctionId",
    };
    let id = document
        .get(field)
        .and_then(Value::as_str)
        .ok_or(MappingError::Missing(field))?;
    Ok(format!("ocds-{prefix}-{id}"))
}

/// The release `id` for the event at `position` of the procedure `ocid`:
/// stable across rebuilds of the log.
pub fn release_id(ocid: &str, position: u64) -> String {
    format!("{ocid}-{position}")
}

/// The OCDS tender status of a procedure status (tenders use dots,
/// sales underscores). `None` for a status that is never published
/// (`draft`).
pub fn tender_status(status: &str) -> Option<&'static str> {
    match status {
        "active.enquiries"
        | "active.tendering"
        | "active.auction"
        | "active.qualification"
        | "active.awarded"
        | "active.pre-qualification"
        | "active.pre-qualification.stand-still"
        | "active_tendering"
        | "active_auction"
        | "active_qualification"
        | "active_awarded" => Some("active"),
        "complete" => Some("complete"),
        "unsuccessful" => Some("unsuccessful"),
        "cancelled" => Some("cancelled"),
        _ => None,
    }
}

/// The OCDS award status of an award status. A sale's awards waiting for
/// volume or admission (`pending_waiting`, `pending_admission`) are
/// `pending`: proposed, not in force.
pub fn award_status(status: &str) -> Option<&'static str> {
    match status {
        "pending" | "pending_waiting" | "pending_admission" => Some("pending"),
        "active" => Some("active"),
        "unsuccessful" => Some("unsuccessful"),
        "cancelled" => Some("cancelled"),
        _ => None,
    }
}

/// The OCDS contract status of a contract status.
pub fn contract_status(status: &str) -> Option<&'static str> {
    match status {
        "pending" => Some("pending"),
        "active" => Some("active"),
        "cancelled" => Some("cancelled"),
        "terminated" => Some("terminated"),
        _ => None,
    }
}

/// The bids extension's bid status of a bid status; `None` for bids that
/// are not shown (`draft`).
pub fn bid_status(status: &str) -> Option<&'static str> {
    match status {
        "pending" => Some("pending"),
        "active" => Some("valid"),
        "invalid" | "unsuccessful" => Some("disqualified"),
        "deleted" => Some("withdrawn"),
        _ => None,
    }
}

/// The OCDS release of one procedure event: `before` is the public document
/// before the event (`None` when the event published it), `after` the
/// public document after it.
pub fn release(
    prefix: &str,
    before: Option<&Value>,
    after: &Value,
    event: EventRef<'_>,
) -> Result<Value, MappingError> {
    let ocid = ocid(prefix, after)?;
    let mapped = Mapped::of(after)?;
    let earlier = match before {
        None => None,
        Some(before) => Some(ocid_of_same(prefix, before, &ocid)?),
    };
    let tags = tags(earlier.as_ref(), &mapped);
    let mut parts = mapped.into_parts();
    if let Some(earlier) = earlier.map(Mapped::into_parts) {
        for (part, value) in parts.iter_mut() {
            if let Some(earlier) = earlier.get(part) {
                mark_removed(earlier, value);
            }
        }
    }
    let mut release = Map::new();
    release.insert("ocid".into(), ocid.clone().into());
    release.insert("id".into(), release_id(&ocid, event.position).into());
    release.insert("date".into(), event.date.into());
    release.insert("tag".into(), tags.into_iter().map(Value::from).collect());
    release.insert("initiationType".into(), "tender".into());
    release.insert("language".into(), "uk".into());
    release.extend(parts);
    Ok(Value::Object(release))
}

/// What removes `value` in a merge: `null` for a value, the object with
/// each of its fields removed for an object (the schema allows no `null`
/// object), nothing for an array (OCDS cannot remove one).
fn removal(value: &Value) -> Option<Value> {
    match value {
        Value::Null | Value::Array(_) => None,
        Value::Object(object) => Some(Value::Object(
            object
                .iter()
                .filter_map(|(key, value)| Some((key.clone(), removal(value)?)))
                .collect(),
        )),
        _ => Some(Value::Null),
    }
}

/// Sets to `null` each field of `after` that `earlier` (the same part of
/// the previous release) had and `after` has not, within objects and within
/// the objects of arrays matched by `id`: a release carries the whole state,
/// and the merge removes a field only when a later release sets it to
/// `null`. An array, and an object gone from an array, cannot be removed in
/// OCDS and stay.
fn mark_removed(earlier: &Value, after: &mut Value) {
    match (earlier, after) {
        (Value::Object(earlier), Value::Object(after)) => {
            for (key, value) in earlier {
                match after.get_mut(key) {
                    Some(now) => mark_removed(value, now),
                    None => {
                        if let Some(removal) = removal(value) {
                            after.insert(key.clone(), removal);
                        }
                    }
                }
            }
        }
        (Value::Array(earlier), Value::Array(after)) => {
            for object in after.iter_mut() {
                let Some(id) = object.get("id").cloned() else {
                    continue;
                };
                if let Some(before) = earlier.iter().find(|before| before.get("id") == Some(&id)) {
                    mark_removed(before, object);
                }
            }
        }
        _ => {}
    }
}

fn ocid_of_same(prefix: &str, before: &Value, ocid_after: &str) -> Result<Mapped, MappingError> {
    let earlier = ocid(prefix, before)?;
    if earlier != ocid_after {
        return Err(MappingError::OtherProcedure {
            before: earlier,
            after: ocid_after.to_owned(),
        });
    }
    Mapped::of(before)
}

/// The release tags for a change from `before` to `after` (both already
/// mapped). See `docs/ocds.md` for the rules.
fn tags(before: Option<&Mapped>, after: &Mapped) -> Vec<&'static str> {
    let mut tags = Vec::new();
    let Some(before) = before else {
        tags.push("tender");
        push_array_tags(&mut tags, &[], &after.awards, "award", "awardUpdate", None);
        push_array_tags(
            &mut tags,
            &[],
            &after.contracts,
            "contract",
            "contractUpdate",
            None,
        );
        return tags;
    };
    let status = |tender: &Value| tender.get("status").cloned();
    let cancelled_now = status(&after.tender) == Some(json!("cancelled"))
        && status(&before.tender) != Some(json!("cancelled"));
    let mut tender_before = before.tender.clone();
    let mut tender_after = after.tender.clone();
    if cancelled_now {
        tags.push("tenderCancellation");
        // The cancellation's documents come with it.
        for field in ["status", "documents"] {
            remove(&mut tender_before, field);
            remove(&mut tender_after, field);
        }
    }
    // `parties` follow the rest (a winner becomes a `supplier` with its
    // award): a change of them alone is a `tenderUpdate` by the last rule.
    if tender_before != tender_after || before.bids != after.bids {
        tags.push("tenderUpdate");
    }
    push_array_tags(
        &mut tags,
        &before.awards,
        &after.awards,
        "award",
        "awardUpdate",
        Some("awardCancellation"),
    );
    push_array_tags(
        &mut tags,
        &before.contracts,
        &after.contracts,
        "contract",
        "contractUpdate",
        Some("contractTermination"),
    );
    if tags.is_empty() {
        // The event changed the public document only in `parties` or in a
        // part OCDS does not carry (a date, an unmapped field): the tender
        // as it stands.
        tags.push("tenderUpdate");
    }
    tags
}

/// `new` when an object with a new `id` appears, `update` when one changes,
/// `end` (if any) when one turns `cancelled` (an award) or `terminated` (a
/// contract) instead of `update`.
fn push_array_tags(
    tags: &mut Vec<&'static str>,
    before: &[Value],
    after: &[Value],
    new: &'static str,
    update: &'static str,
    end: Option<&'static str>,
) {
    let (mut added, mut updated, mut ended) = (false, false, false);
    for object in after {
        let id = object.get("id");
        match before.iter().find(|earlier| earlier.get("id") == id) {
            None => added = true,
            Some(earlier) if earlier != object => {
                let status = object.get("status").and_then(Value::as_str);
                let was = earlier.get("status").and_then(Value::as_str);
                if end.is_some()
                    && status != was
                    && matches!(status, Some("cancelled" | "terminated"))
                {
                    ended = true;
                } else {
                    updated = true;
                }
            }
            Some(_) => {}
        }
    }
    if added {
        tags.push(new);
    }
    if updated {
        tags.push(update);
    }
    if let (true, Some(end)) = (ended, end) {
        tags.push(end);
    }
}

fn remove(value: &mut Value, key: &str) {
    if let Some(object) = value.as_object_mut() {
        object.remove(key);
    }
}

/// The OCDS parts of one public document.
struct Mapped {
    parties: Vec<Value>,
    buyer: Option<Value>,
    tender: Value,
    awards: Vec<Value>,
    contracts: Vec<Value>,
    bids: Option<Value>,
}

impl Mapped {
    fn of(document: &Value) -> Result<Mapped, MappingError> {
        let kind = ProcedureKind::of(document)?;
        let mut parties = Parties::default();
        let organizer_field = if kind.is_sale() {
            "sellingEntity"
        } else {
            "procuringEntity"
        };
        // A tender's procuring entity also buys; a sale's seller runs the
        // procedure and buys nothing.
        let organizer_roles: &[&str] = if kind.is_sale() {
            &["procuringEntity"]
        } else {
            &["buyer", "procuringEntity"]
        };
        let organizer = document
            .get(organizer_field)
            .and_then(|organization| parties.add(organization, organizer_roles));

        let mut tender = Map::new();
        let id = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or(MappingError::Missing("id"))?;
        tender.insert("id".into(), id.into());
        texts(&mut tender, "title", document.get("title"));
        texts(&mut tender, "description", document.get("description"));
        if let Some(status) = document
            .get("status")
            .and_then(Value::as_str)
            .and_then(tender_status)
        {
            tender.insert("status".into(), status.into());
        }
        if let Some(organizer) = &organizer {
            tender.insert("procuringEntity".into(), organizer.clone());
        }
        let items: Vec<Value> = array(document, "items").iter().map(item).collect();
        if !items.is_empty() {
            tender.insert("items".into(), items.into());
        }
        let lots: Vec<Value> = array(document, "lots").iter().filter_map(lot).collect();
        if !lots.is_empty() {
            tender.insert("lots".into(), lots.into());
        }
        let tender_value = match kind {
            // A multi-award sale's `value` is the least price per unit: the
            // lot's value is that price times the lot's quantity.
            ProcedureKind::MultiAwardSale => award_total(document),
            _ => document.get("value").and_then(value),
        };
        if let Some(tender_value) = tender_value {
            tender.insert("value".into(), tender_value);
        }
        match kind {
            ProcedureKind::Tender => {
                if let Some(method) = document
                    .get("procurementMethod")
                    .and_then(Value::as_str)
                    .filter(|method| matches!(*method, "open" | "selective" | "limited" | "direct"))
                {
                    tender.insert("procurementMethod".into(), method.into());
                }
                if let Some(details) = document
                    .get("procurementMethodType")
                    .and_then(Value::as_str)
                {
                    tender.insert("procurementMethodDetails".into(), details.into());
                }
                if let Some(criteria) = document
                    .get("awardCriteria")
                    .and_then(Value::as_str)
                    .filter(|criteria| {
                        matches!(
                            *criteria,
                            "priceOnly"
                                | "costOnly"
                                | "qualityOnly"
                                | "ratedCriteria"
                                | "lowestCost"
                                | "bestProposal"
                                | "bestValueToGovernment"
                                | "singleBidOnly"
                        )
                    })
                {
                    tender.insert("awardCriteria".into(), criteria.into());
                }
                if let Some(category) = document
                    .get("mainProcurementCategory")
                    .and_then(Value::as_str)
                    .filter(|category| matches!(*category, "goods" | "services" | "works"))
                {
                    tender.insert("mainProcurementCategory".into(), category.into());
                }
            }
            ProcedureKind::MultiAwardSale | ProcedureKind::DutchSale => {
                tender.insert("procurementMethod".into(), "open".into());
                if let Some(method) = document.get("sellingMethod").filter(|m| m.is_string()) {
                    tender.insert("procurementMethodDetails".into(), method.clone());
                }
                tender.insert("awardCriteria".into(), "priceOnly".into());
            }
        }
        tender.insert("submissionMethod".into(), json!(["electronicSubmission"]));
        if let Some(period) = document.get("tenderPeriod").and_then(period) {
            tender.insert("tenderPeriod".into(), period);
        }
        if let Some(period) = document.get("enquiryPeriod").and_then(period) {
            tender.insert("enquiryPeriod".into(), period);
        }
        if let Some(period) = document.get("awardPeriod").and_then(period) {
            tender.insert("awardPeriod".into(), period);
        }

        let mut tender_documents = documents(array(document, "documents"), Some("tenderNotice"));
        for cancellation in array(document, "cancellations") {
            tender_documents.extend(documents(
                array(cancellation, "documents"),
                Some("cancellationDetails"),
            ));
        }
        if !tender_documents.is_empty() {
            tender.insert("documents".into(), tender_documents.into());
        }

        // Bids only as the document discloses them: a document without
        // `bids` has none to show.
        let bidder_field = if kind.is_sale() {
            "bidders"
        } else {
            "tenderers"
        };
        let mut details = Vec::new();
        let mut tenderers: Vec<Value> = Vec::new();
        for bid in array(document, "bids") {
            let Some(status) = bid
                .get("status")
                .and_then(Value::as_str)
                .and_then(bid_status)
            else {
                continue;
            };
            let mut detail = Map::new();
            if let Some(id) = bid.get("id").filter(|id| id.is_string()) {
                detail.insert("id".into(), id.clone());
            } else {
                continue;
            }
            // When the bid was received: a tender's bid has `submissionDate`
            // (`date` as it was first placed), a sale's `datePublished`.
            let date = ["submissionDate", "date", "datePublished"]
                .iter()
                .find_map(|field| bid.get(*field).filter(|date| date.is_string()));
            if let Some(date) = date {
                detail.insert("date".into(), date.clone());
            }
            detail.insert("status".into(), status.into());
            let references: Vec<Value> = array(bid, bidder_field)
                .iter()
                .filter_map(|organization| parties.add(organization, &["tenderer"]))
                .collect();
            for reference in &references {
                if !tenderers
                    .iter()
                    .any(|known| known.get("id") == reference.get("id"))
                {
                    tenderers.push(reference.clone());
                }
            }
            if !references.is_empty() {
                detail.insert("tenderers".into(), references.into());
            }
            let bid_value = match kind {
                // A multi-award sale's bid has a price per unit and a
                // quantity: the bid's value is their product.
                ProcedureKind::MultiAwardSale => unit_total(bid.get("value"), bid.get("quantity")),
                // A bid on lots has a value per lot: one lot's is the bid's.
                _ => bid
                    .get("value")
                    .and_then(value)
                    .or_else(|| match array(bid, "lotValues") {
                        [only] => only.get("value").and_then(value),
                        _ => None,
                    }),
            };
            if let Some(bid_value) = bid_value {
                detail.insert("value".into(), bid_value);
            }
            details.push(Value::Object(detail));
        }
        let bids = if details.is_empty() {
            None
        } else {
            tender.insert("numberOfTenderers".into(), tenderers.len().into());
            tender.insert("tenderers".into(), tenderers.into());
            Some(json!({ "details": details.clone() }))
        };

        let supplier_field = if kind.is_sale() {
            "buyers"
        } else {
            "suppliers"
        };
        let mut awards = Vec::new();
        for award in array(document, "awards") {
            let Some(id) = award.get("id").filter(|id| id.is_string()) else {
                continue;
            };
            let mut mapped = Map::new();
            mapped.insert("id".into(), id.clone());
            if let Some(status) = award
                .get("status")
                .and_then(Value::as_str)
                .and_then(award_status)
            {
                mapped.insert("status".into(), status.into());
            }
            let date = award.get("date").or_else(|| award.get("datePublished"));
            if let Some(date) = date.filter(|date| date.is_string()) {
                mapped.insert("date".into(), date.clone());
            }
            let award_value = match kind {
                // A multi-award sale's award has the price per unit: its
                // value is that price times the award's quantity, when shown.
                ProcedureKind::MultiAwardSale => award_total(award),
                _ => award.get("value").and_then(value),
            };
            if let Some(award_value) = award_value {
                mapped.insert("value".into(), award_value);
            }
            let active = award.get("status").and_then(Value::as_str) == Some("active");
            let roles: &[&str] = if active { &["supplier"] } else { &["tenderer"] };
            let suppliers: Vec<Value> = array(award, supplier_field)
                .iter()
                .filter_map(|organization| parties.add(organization, roles))
                .collect();
            if !suppliers.is_empty() {
                mapped.insert("suppliers".into(), suppliers.into());
            }
            let items: Vec<Value> = array(award, "items").iter().map(item).collect();
            if !items.is_empty() {
                mapped.insert("items".into(), items.into());
            }
            if let Some(lot_id) = award.get("lotID").filter(|id| id.is_string()) {
                mapped.insert("relatedLots".into(), json!([lot_id]));
            }
            let award_documents = documents(array(award, "documents"), Some("awardNotice"));
            if !award_documents.is_empty() {
                mapped.insert("documents".into(), award_documents.into());
            }
            let bid_id = award.get("bid_id").or_else(|| award.get("bidId"));
            if let Some(bid_id) = bid_id.filter(|bid_id| {
                details
                    .iter()
                    .any(|detail| detail.get("id") == Some(*bid_id))
            }) {
                mapped.insert("relatedBids".into(), json!([bid_id]));
            }
            awards.push(Value::Object(mapped));
        }

        let mut contracts = Vec::new();
        for contract in array(document, "contracts") {
            let Some(id) = contract.get("id").filter(|id| id.is_string()) else {
                continue;
            };
            let award_id = contract
                .get("awardID")
                .or_else(|| contract.get("awardId"))
                .filter(|id| id.is_string());
            let Some(award_id) = award_id else { continue };
            let mut mapped = Map::new();
            mapped.insert("id".into(), id.clone());
            mapped.insert("awardID".into(), award_id.clone());
            texts(&mut mapped, "title", contract.get("title"));
            if let Some(status) = contract
                .get("status")
                .and_then(Value::as_str)
                .and_then(contract_status)
            {
                mapped.insert("status".into(), status.into());
            }
            let total = contract
                .get("contractTotalValue")
                .or_else(|| contract.get("value"));
            if let Some(total) = total.and_then(value) {
                mapped.insert("value".into(), total);
            }
            if let Some(date) = contract.get("dateSigned").filter(|date| date.is_string()) {
                mapped.insert("dateSigned".into(), date.clone());
            }
            if let Some(period) = contract.get("period").and_then(period) {
                mapped.insert("period".into(), period);
            }
            let items: Vec<Value> = array(contract, "items").iter().map(item).collect();
            if !items.is_empty() {
                mapped.insert("items".into(), items.into());
            }
            let contract_documents =
                documents(array(contract, "documents"), Some("contractNotice"));
            if !contract_documents.is_empty() {
                mapped.insert("documents".into(), contract_documents.into());
            }
            contracts.push(Value::Object(mapped));
        }

        Ok(Mapped {
            parties: parties.into_values(),
            buyer: organizer.filter(|_| !kind.is_sale()),
            tender: Value::Object(tender),
            awards,
            contracts,
            bids,
        })
    }

    /// The release's parts, by field name (a part without content is
    /// absent).
    fn into_parts(self) -> Map<String, Value> {
        let mut parts = Map::new();
        if !self.parties.is_empty() {
            parts.insert("parties".into(), self.parties.into());
        }
        if let Some(buyer) = self.buyer {
            parts.insert("buyer".into(), buyer);
        }
        parts.insert("tender".into(), self.tender);
        if !self.awards.is_empty() {
            parts.insert("awards".into(), self.awards.into());
        }
        if !self.contracts.is_empty() {
            parts.insert("contracts".into(), self.contracts.into());
        }
        if let Some(bids) = self.bids {
            parts.insert("bids".into(), bids);
        }
        parts
    }
}

/// The parties of a release, by id, with their roles.
#[derive(Default)]
struct Parties {
    parties: Vec<Value>,
}

impl Parties {
    /// Adds an organisation with `roles` (merging with the party of the same
    /// id) and answers its reference `{id, name}`; `None` for an
    /// organisation without identifier.
    fn add(&mut self, organization: &Value, roles: &[&str]) -> Option<Value> {
        let identifier = organization.get("identifier")?;
        let scheme = identifier.get("scheme").and_then(Value::as_str)?;
        let code = identifier.get("id").and_then(string_or_number)?;
        let id = format!("{scheme}-{code}");
        let name = organization.get("name").and_then(text);
        let reference = match &name {
            Some(name) => json!({ "id": id, "name": name }),
            None => json!({ "id": id }),
        };
        if let Some(known) = self.parties.iter().position(|party| party["id"] == id) {
            for role in roles {
                self.add_role_at(known, role);
            }
            return Some(reference);
        }
        let mut party = Map::new();
        party.insert("id".into(), id.into());
        if let Some(name) = name {
            party.insert("name".into(), name.into());
        }
        let mut mapped_identifier = Map::new();
        mapped_identifier.insert("scheme".into(), scheme.into());
        mapped_identifier.insert("id".into(), code.into());
        if let Some(legal_name) = identifier.get("legalName").and_then(text) {
            mapped_identifier.insert("legalName".into(), legal_name.into());
        }
        if let Some(uri) = identifier.get("uri").filter(|uri| uri.is_string()) {
            mapped_identifier.insert("uri".into(), uri.clone());
        }
        party.insert("identifier".into(), Value::Object(mapped_identifier));
        if let Some(address) = organization.get("address").and_then(Value::as_object) {
            let mut mapped = Map::new();
            for field in [
                "streetAddress",
                "locality",
                "region",
                "postalCode",
                "countryName",
            ] {
                if let Some(line) = address.get(field).and_then(text) {
                    mapped.insert(field.into(), line.into());
                }
            }
            if !mapped.is_empty() {
                party.insert("address".into(), Value::Object(mapped));
            }
        }
        if let Some(contact) = organization.get("contactPoint").and_then(Value::as_object) {
            let mut mapped = Map::new();
            for field in ["name", "email", "telephone", "faxNumber", "url"] {
                if let Some(line) = contact.get(field).and_then(text) {
                    mapped.insert(field.into(), line.into());
                }
            }
            if !mapped.is_empty() {
                party.insert("contactPoint".into(), Value::Object(mapped));
            }
        }
        party.insert(
            "roles".into(),
            roles.iter().map(|role| Value::from(*role)).collect(),
        );
        self.parties.push(Value::Object(party));
        Some(reference)
    }

    fn add_role_at(&mut self, index: usize, role: &str) {
        if let Some(roles) = self.parties[index]
            .get_mut("roles")
            .and_then(Value::as_array_mut)
            && !roles.iter().any(|known| known == role)
        {
            roles.push(role.into());
        }
    }

    fn into_values(self) -> Vec<Value> {
        self.parties
    }
}

/// The items of `field` in `object`, or none.
fn array<'v>(object: &'v Value, field: &str) -> &'v [Value] {
    object
        .get(field)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The Ukrainian text of a plain string or of a sale's text by language
/// (`{"uk_UA": …, "en_US": …}`), else its English, else any.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(texts) => ["uk_UA", "en_US", "ru_RU"]
            .iter()
            .find_map(|language| texts.get(*language).and_then(Value::as_str))
            .or_else(|| texts.values().find_map(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

fn string_or_number(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Sets `field` to the text of `value` (a sale's Ukrainian text). The other
/// languages are left out: OCDS language variations (`title_en`) would be
/// versioned by the merge, which the versioned release schema does not allow.
fn texts(target: &mut Map<String, Value>, field: &str, value: Option<&Value>) {
    if let Some(main) = value.and_then(text) {
        target.insert(field.into(), main.into());
    }
}

/// An OCDS `Value` (`amount`, `currency`) of one of ours.
fn value(money: &Value) -> Option<Value> {
    let amount = money.get("amount").filter(|amount| amount.is_number())?;
    let mut mapped = Map::new();
    mapped.insert("amount".into(), amount.clone());
    if let Some(currency) = money
        .get("currency")
        .filter(|currency| currency.is_string())
    {
        mapped.insert("currency".into(), currency.clone());
    }
    Some(Value::Object(mapped))
}

/// The total of a multi-award sale's award (or of the sale itself): its
/// price per unit times the quantity of its first item, rounded to the cent;
/// `None` while the quantity is not shown.
fn award_total(award: &Value) -> Option<Value> {
    let quantity = array(award, "items").first()?.get("quantity");
    unit_total(award.get("value"), quantity)
}

/// A JSON number as an exact decimal (the workspace reads JSON numbers
/// with their text kept, so nothing passes through a float).
fn decimal(value: &Value) -> Option<Decimal> {
    let Value::Number(number) = value else {
        return None;
    };
    let text = number.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

/// A price per unit times a quantity, rounded half away from zero to the
/// cent, as an OCDS `Value`; `None` when the product does not fit.
fn unit_total(unit_price: Option<&Value>, quantity: Option<&Value>) -> Option<Value> {
    let unit_price = unit_price?;
    let amount = decimal(unit_price.get("amount")?)?;
    let quantity = decimal(quantity?)?;
    let total = amount
        .checked_mul(quantity)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let total = serde_json::Number::from_str(&total.to_string()).ok()?;
    let mut mapped = json!({ "amount": total });
    if let Some(currency) = unit_price
        .get("currency")
        .filter(|currency| currency.is_string())
    {
        mapped["currency"] = currency.clone();
    }
    Some(mapped)
}

fn period(period: &Value) -> Option<Value> {
    let mut mapped = Map::new();
    for field in ["startDate", "endDate"] {
        if let Some(date) = period.get(field).filter(|date| date.is_string()) {
            mapped.insert(field.into(), date.clone());
        }
    }
    (!mapped.is_empty()).then_some(Value::Object(mapped))
}

/// An OCDS item of one of ours: `id`, `description`, `classification` (the
/// scheme as given: `ДК021` for tenders, `CAV` for sales),
/// `additionalClassifications`, `quantity`, `unit` (`code` → `id`).
fn item(item: &Value) -> Value {
    let mut mapped = Map::new();
    match item.get("id").and_then(string_or_number) {
        Some(id) => mapped.insert("id".into(), id.into()),
        None => mapped.insert("id".into(), "1".into()),
    };
    texts(&mut mapped, "description", item.get("description"));
    if let Some(lot_id) = item.get("relatedLot").filter(|id| id.is_string()) {
        mapped.insert("relatedLot".into(), lot_id.clone());
    }
    if let Some(classification) = item.get("classification").and_then(classification) {
        mapped.insert("classification".into(), classification);
    }
    let additional: Vec<Value> = array(item, "additionalClassifications")
        .iter()
        .filter_map(classification)
        .collect();
    if !additional.is_empty() {
        mapped.insert("additionalClassifications".into(), additional.into());
    }
    if let Some(quantity) = item.get("quantity").filter(|quantity| quantity.is_number()) {
        mapped.insert("quantity".into(), quantity.clone());
    }
    if let Some(unit) = item.get("unit").and_then(Value::as_object) {
        let mut mapped_unit = Map::new();
        if let Some(code) = unit.get("code").and_then(Value::as_str) {
            mapped_unit.insert("scheme".into(), "UNCEFACT".into());
            mapped_unit.insert("id".into(), code.into());
        }
        if let Some(name) = unit.get("name").and_then(text) {
            mapped_unit.insert("name".into(), name.into());
        }
        if let Some(price) = unit.get("value").and_then(value) {
            mapped_unit.insert("value".into(), price);
        }
        if !mapped_unit.is_empty() {
            mapped.insert("unit".into(), Value::Object(mapped_unit));
        }
    }
    Value::Object(mapped)
}

/// A lot (lots extension): `id`, `title`, `description`, `status` (the
/// tender status codelist), `value`; `None` without a string `id`.
fn lot(lot: &Value) -> Option<Value> {
    let id = lot.get("id").filter(|id| id.is_string())?;
    let mut mapped = Map::new();
    mapped.insert("id".into(), id.clone());
    texts(&mut mapped, "title", lot.get("title"));
    texts(&mut mapped, "description", lot.get("description"));
    let status = match lot.get("status").and_then(Value::as_str) {
        Some("active") => Some("active"),
        Some(other) => tender_status(other),
        None => None,
    };
    if let Some(status) = status {
        mapped.insert("status".into(), status.into());
    }
    if let Some(lot_value) = lot.get("value").and_then(value) {
        mapped.insert("value".into(), lot_value);
    }
    Some(Value::Object(mapped))
}

fn classification(classification: &Value) -> Option<Value> {
    let scheme = classification.get("scheme").and_then(Value::as_str)?;
    let id = classification.get("id").and_then(string_or_number)?;
    let mut mapped = json!({ "scheme": scheme, "id": id });
    if let Some(description) = classification.get("description").and_then(text) {
        mapped["description"] = description.into();
    }
    if let Some(uri) = classification.get("uri").filter(|uri| uri.is_string()) {
        mapped["uri"] = uri.clone();
    }
    Some(mapped)
}

/// The OCDS documentType of one of ours, `notice` being the notice of the
/// object the document is attached to; `None` for a type without an OCDS
/// counterpart (the document is still listed, without a type).
pub fn document_type(ours: &str, notice: Option<&'static str>) -> Option<&'static str> {
    match ours {
        "notice" => notice,
        "contractSigned" => Some("contractSigned"),
        "contractProforma" | "contractDraft" => Some("contractDraft"),
        "contractAnnexe" => Some("contractAnnexe"),
        "contractSchedule" => Some("contractSchedule"),
        "contractArrangements" => Some("contractArrangements"),
        "contractGuarantees" => Some("contractGuarantees"),
        "technicalSpecifications" => Some("technicalSpecifications"),
        "biddingDocuments" => Some("biddingDocuments"),
        "evaluationCriteria" => Some("evaluationCriteria"),
        "eligibilityCriteria" => Some("eligibilityCriteria"),
        "evaluationReports" | "auctionProtocol" => Some("evaluationReports"),
        "clarifications" => Some("clarifications"),
        "billOfQuantity" => Some("billOfQuantity"),
        "conflictOfInterest" => Some("conflictOfInterest"),
        "illustration" => Some("illustration"),
        "cancellationReport" | "cancellationDetails" => Some("cancellationDetails"),
        _ => None,
    }
}

/// The OCDS documents of a list of ours: the last version of each `id`
/// (ours lists every version of a document under one id), with `id`,
/// `documentType` (by [`document_type`]; a cancellation's documents without
/// one are `cancellationDetails`), `title`, `description`, `url`,
/// `datePublished`, `dateModified`, `format` and `language`.
fn documents(ours: &[Value], notice: Option<&'static str>) -> Vec<Value> {
    let cancellation = notice == Some("cancellationDetails");
    let mut mapped: Vec<Value> = Vec::new();
    for document in ours {
        let Some(id) = document
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
        else {
            continue;
        };
        let mut entry = Map::new();
        entry.insert("id".into(), id.into());
        let kind = document
            .get("documentType")
            .and_then(Value::as_str)
            .and_then(|kind| document_type(kind, notice))
            .or(if cancellation { notice } else { None });
        if let Some(kind) = kind {
            entry.insert("documentType".into(), kind.into());
        }
        for field in [
            "title",
            "description",
            "url",
            "datePublished",
            "dateModified",
            "format",
        ] {
            if let Some(value) = document.get(field).and_then(text) {
                entry.insert(field.into(), value.into());
            }
        }
        if let Some(language) = document.get("language").and_then(Value::as_str) {
            entry.insert("language".into(), language.into());
        }
        let entry = Value::Object(entry);
        match mapped.iter().position(|known| known["id"] == id) {
            Some(index) => mapped[index] = entry,
            None => mapped.push(entry),
        }
    }
    mapped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tender() -> Value {
        json!({
            "id": "t1", "tenderID": "UA-2024-01-01-000001-a", "procurementMethodType": "priceQuotation",
            "procurementMethod": "selective", "status": "active.tendering", "title": "Папір",
            "procuringEntity": {"name": "Замовник", "identifier": {"scheme": "UA-EDR", "id": "00037200"}},
            "value": {"amount": 100.0, "currency": "UAH"},
            "items": [{"id": "i1", "classification": {"scheme": "ДК021", "id": "30190000-7"}}],
        })
    }

    fn sale() -> Value {
        json!({
            "id": "s1", "auctionId": "BSD001-UA-20300301-00001", "sellingMethod": "basicSell-dutch",
            "status": "active_tendering", "title": {"uk_UA": "Продаж", "en_US": "Sale"},
            "sellingEntity": {"name": {"uk_UA": "Продавець"}, "identifier": {"scheme": "UA-EDR", "id": "1"}},
            "value": {"amount": 1000.0, "currency": "UAH"},
        })
    }

    fn event(position: u64) -> EventRef<'static> {
        EventRef {
            position,
            event_type: "Something",
            date: "2024-01-02T00:00:00+02:00",
        }
    }

    fn tags_of(before: &Value, after: &Value) -> Vec<Value> {
        let release = release("x", Some(before), after, event(2)).expect("maps");
        release["tag"].as_array().expect("tags").clone()
    }

    fn award(id: &str, status: &str) -> Value {
        json!({"id": id, "status": status, "bid_id": "b1", "value": {"amount": 90.0, "currency": "UAH"},
               "suppliers": [{"name": "Постачальник", "identifier": {"scheme": "UA-EDR", "id": "2"}}]})
    }

    fn contract(id: &str, status: &str) -> Value {
        json!({"id": id, "awardID": "a1", "status": status, "value": {"amount": 90.0, "currency": "UAH"}})
    }

    #[test]
    fn lots_their_items_bids_and_awards_map_through_the_lots_extension() {
        let mut document = tender();
        document["procurementMethodType"] = json!("belowThreshold");
        document["status"] = json!("active.qualification");
        document["lots"] = json!([{"id": "l1", "title": "Лот 1", "status": "active",
                                  "value": {"amount": 100.0, "currency": "UAH"}}, {"no": "id"}]);
        document["items"][0]["relatedLot"] = json!("l1");
        document["bids"] = json!([{"id": "b1", "status": "active", "date": "2024-01-02T00:00:00+02:00",
            "tenderers": [{"name": "Постачальник", "identifier": {"scheme": "UA-EDR", "id": "2"}}],
            "lotValues": [{"relatedLot": "l1", "value": {"amount": 90.0, "currency": "UAH"}}]}]);
        let mut pending = award("a1", "pending");
        pending["lotID"] = json!("l1");
        document["awards"] = json!([pending]);
        let release = release("x", None, &document, event(3)).expect("maps");
        assert_eq!(
            release["tender"]["lots"],
            json!([{"id": "l1", "title": "Лот 1", "status": "active",
                    "value": {"amount": 90.0 + 10.0, "currency": "UAH"}}])
        );
        assert_eq!(release["tender"]["items"][0]["relatedLot"], json!("l1"));
        assert_eq!(
            release["bids"]["details"][0]["value"],
            json!({"amount": 90.0, "currency": "UAH"}),
            "one lot's value is the bid's"
        );
        assert_eq!(release["awards"][0]["relatedLots"], json!(["l1"]));
        let schemas = crate::validate::Schemas::default();
        assert_eq!(schemas.release(&release), Vec::<String>::new());
        let package = crate::package::release_package(
            std::slice::from_ref(&release),
            "2024-02-01T00:00:00Z",
            "https://cdb.example/p",
        );
        assert_eq!(
            package["extensions"],
            json!([BIDS_EXTENSION, LOTS_EXTENSION])
        );
        assert_eq!(schemas.release_package(&package), Vec::<String>::new());
        let mut broken = release.clone();
        broken["tender"]["lots"][0]["status"] = json!("active.tendering");
        assert!(
            !schemas.release(&broken).is_empty(),
            "a lot's status is checked"
        );
    }

    #[test]
    fn tender_statuses_map_to_the_tender_status_codelist() {
        for (ours, theirs) in [
            ("active.tendering", Some("active")),
            ("active.qualification", Some("active")),
            ("active.awarded", Some("active")),
            ("active_tendering", Some("active")),
            ("active_auction", Some("active")),
            ("active_qualification", Some("active")),
            ("active_awarded", Some("active")),
            ("complete", Some("complete")),
            ("unsuccessful", Some("unsuccessful")),
            ("cancelled", Some("cancelled")),
            ("draft", None),
            ("anything", None),
        ] {
            assert_eq!(tender_status(ours), theirs, "{ours}");
        }
    }

    #[test]
    fn award_contract_and_bid_statuses_map_to_their_codelists() {
        for (ours, theirs) in [
            ("pending", Some("pending")),
            ("pending_waiting", Some("pending")),
            ("pending_admission", Some("pending")),
            ("active", Some("active")),
            ("unsuccessful", Some("unsuccessful")),
            ("cancelled", Some("cancelled")),
            ("other", None),
        ] {
            assert_eq!(award_status(ours), theirs, "{ours}");
        }
        for (ours, theirs) in [
            ("pending", Some("pending")),
            ("active", Some("active")),
            ("cancelled", Some("cancelled")),
            ("terminated", Some("terminated")),
            ("other", None),
        ] {
            assert_eq!(contract_status(ours), theirs, "{ours}");
        }
        for (ours, theirs) in [
            ("pending", Some("pending")),
            ("active", Some("valid")),
            ("invalid", Some("disqualified")),
            ("unsuccessful", Some("disqualified")),
            ("deleted", Some("withdrawn")),
            ("draft", None),
        ] {
            assert_eq!(bid_status(ours), theirs, "{ours}");
        }
    }

    #[test]
    fn ocids_use_the_tender_id_or_the_auction_id() {
        assert_eq!(
            ocid("abc123", &tender()),
            Ok("ocds-abc123-UA-2024-01-01-000001-a".to_owned())
        );
        assert_eq!(
            ocid("abc123", &sale()),
            Ok("ocds-abc123-BSD001-UA-20300301-00001".to_owned())
        );
        let mut without = tender();
        without.as_object_mut().expect("object").remove("tenderID");
        assert_eq!(
            ocid("abc123", &without),
            Err(MappingError::Missing("tenderID"))
        );
        assert_eq!(
            ocid("abc123", &json!({"id": "x"})),
            Err(MappingError::UnknownKind)
        );
        assert_eq!(ocid("abc123", &json!([1])), Err(MappingError::NotAnObject));
        assert!(ocid(DEFAULT_PREFIX, &tender()).is_ok_and(|ocid| ocid.starts_with("ocds-000cdb-")));
    }

    #[test]
    fn the_release_id_is_the_ocid_and_the_log_position() {
        let release = release("x", None, &tender(), event(17)).expect("maps");
        assert_eq!(release["id"], json!("ocds-x-UA-2024-01-01-000001-a-17"));
        assert_eq!(release["date"], json!("2024-01-02T00:00:00+02:00"));
        assert_eq!(release["initiationType"], json!("tender"));
    }

    #[test]
    fn publication_is_tagged_tender() {
        let release = release("x", None, &tender(), event(1)).expect("maps");
        assert_eq!(release["tag"], json!(["tender"]));
    }

    #[test]
    fn a_changed_tender_is_a_tender_update() {
        let mut after = tender();
        after["title"] = json!("Папір А4");
        assert_eq!(tags_of(&tender(), &after), [json!("tenderUpdate")]);
    }

    #[test]
    fn a_change_ocds_does_not_carry_is_still_a_tender_update() {
        let mut after = tender();
        after["documents"] = json!([{"id": "d1"}]);
        after["status"] = json!("active.qualification"); // still `active`
        assert_eq!(tags_of(&tender(), &after), [json!("tenderUpdate")]);
    }

    #[test]
    fn cancellation_alone_is_a_tender_cancellation() {
        let mut after = tender();
        after["status"] = json!("cancelled");
        after["cancellations"] = json!([{"id": "c1", "status": "active"}]);
        assert_eq!(tags_of(&tender(), &after), [json!("tenderCancellation")]);
        after["title"] = json!("Інше");
        assert_eq!(
            tags_of(&tender(), &after),
            [json!("tenderCancellation"), json!("tenderUpdate")]
        );
        let mut sale_after = sale();
        sale_after["status"] = json!("cancelled");
        assert_eq!(tags_of(&sale(), &sale_after), [json!("tenderCancellation")]);
    }

    #[test]
    fn awards_are_tagged_when_they_appear_change_or_are_cancelled() {
        let mut before = tender();
        before["awards"] = json!([award("a1", "pending")]);
        let mut after = before.clone();
        after["awards"] = json!([award("a1", "pending"), award("a2", "pending")]);
        assert_eq!(tags_of(&before, &after), [json!("award")]);
        after["awards"] = json!([award("a1", "active")]);
        assert_eq!(
            tags_of(&before, &after),
            [json!("awardUpdate")],
            "the supplier's new role in `parties` comes with the award"
        );
        // A change of `parties` alone is a tender update.
        let mut renamed = before.clone();
        renamed["procuringEntity"]["contactPoint"] = json!({"email": "new@example.com"});
        assert_eq!(tags_of(&before, &renamed), [json!("tenderUpdate")]);
        after["awards"] = json!([award("a1", "cancelled")]);
        assert_eq!(tags_of(&before, &after), [json!("awardCancellation")]);
        // Two of ours that are one OCDS status: nothing changes for OCDS.
        let mut waiting = sale();
        waiting["awards"] = json!([{"id": "a1", "status": "pending_waiting"}]);
        let mut pending = waiting.clone();
        pending["awards"][0]["status"] = json!("pending");
        assert_eq!(tags_of(&waiting, &pending), [json!("tenderUpdate")]);
    }

    #[test]
    fn contracts_are_tagged_when_they_appear_change_or_are_terminated() {
        let mut before = tender();
        before["awards"] = json!([award("a1", "active")]);
        let mut after = before.clone();
        after["contracts"] = json!([contract("c1", "pending")]);
        assert_eq!(tags_of(&before, &after), [json!("contract")]);
        before = after.clone();
        after["contracts"] = json!([contract("c1", "active")]);
        after["contracts"][0]["dateSigned"] = json!("2024-01-03T00:00:00+02:00");
        assert_eq!(tags_of(&before, &after), [json!("contractUpdate")]);
        after["contracts"] = json!([contract("c1", "terminated")]);
        assert_eq!(tags_of(&before, &after), [json!("contractTermination")]);
    }

    #[test]
    fn several_parts_changed_give_several_tags_in_a_fixed_order() {
        let before = tender();
        let mut after = tender();
        after["status"] = json!("active.awarded");
        after["bids"] = json!([{"id": "b1", "status": "active", "value": {"amount": 90.0, "currency": "UAH"},
            "tenderers": [{"name": "Постачальник", "identifier": {"scheme": "UA-EDR", "id": "2"}}]}]);
        after["awards"] = json!([award("a1", "active")]);
        after["contracts"] = json!([contract("c1", "pending")]);
        assert_eq!(
            tags_of(&before, &after),
            [json!("tenderUpdate"), json!("award"), json!("contract")]
        );
    }

    #[test]
    fn bids_are_shown_only_when_the_document_has_them() {
        let release_before = release("x", None, &tender(), event(1)).expect("maps");
        assert!(release_before.get("bids").is_none());
        let mut after = tender();
        after["bids"] = json!([
            {"id": "b1", "status": "active", "value": {"amount": 90.0, "currency": "UAH"},
             "tenderers": [{"name": "Постачальник", "identifier": {"scheme": "UA-EDR", "id": "2"}}]},
            {"id": "b2", "status": "draft"},
        ]);
        after["awards"] = json!([award("a1", "pending")]);
        let release = release("x", Some(&tender()), &after, event(2)).expect("maps");
        assert_eq!(
            release["bids"]["details"].as_array().map(Vec::len),
            Some(1),
            "a draft is not shown"
        );
        assert_eq!(release["bids"]["details"][0]["status"], json!("valid"));
        assert_eq!(release["tender"]["numberOfTenderers"], json!(1));
        assert_eq!(release["awards"][0]["relatedBids"], json!(["b1"]));
        assert_eq!(release["parties"][1]["roles"], json!(["tenderer"]));
    }

    #[test]
    fn parties_have_roles_by_procedure_type() {
        let release_tender = release("x", None, &tender(), event(1)).expect("maps");
        assert_eq!(
            release_tender["parties"][0]["roles"],
            json!(["buyer", "procuringEntity"])
        );
        assert_eq!(
            release_tender["buyer"],
            json!({"id": "UA-EDR-00037200", "name": "Замовник"})
        );
        let release_sale = release("x", None, &sale(), event(1)).expect("maps");
        assert_eq!(
            release_sale["parties"][0]["roles"],
            json!(["procuringEntity"])
        );
        assert!(release_sale.get("buyer").is_none(), "a seller buys nothing");
        assert_eq!(release_sale["tender"]["title"], json!("Продаж"));
        assert_eq!(
            release_sale["tender"]["procurementMethodDetails"],
            json!("basicSell-dutch")
        );
    }

    #[test]
    fn fields_gone_from_the_document_are_removed_in_the_release() {
        let mut before = tender();
        before["tenderPeriod"] = json!({"startDate": "2024-01-01T00:00:00+02:00"});
        before["awards"] = json!([award("a1", "pending")]);
        let mut after = tender();
        after.as_object_mut().expect("object").remove("value");
        after["title"] = json!("Інше");
        after["awards"] = json!([award("a1", "pending")]);
        after["awards"][0]
            .as_object_mut()
            .expect("object")
            .remove("value");
        let changed = release("x", Some(&before), &after, event(2)).expect("maps");
        assert_eq!(
            changed["tender"]["value"],
            json!({"amount": null, "currency": null})
        );
        assert_eq!(
            changed["tender"]["tenderPeriod"],
            json!({"startDate": null})
        );
        assert_eq!(
            changed["awards"][0]["value"],
            json!({"amount": null, "currency": null})
        );
        assert_eq!(
            changed["tender"]["items"][0]["id"],
            json!("i1"),
            "what stays is carried whole"
        );
        // An array cannot be removed: the awards stay as they were.
        let mut no_awards = after.clone();
        no_awards.as_object_mut().expect("object").remove("awards");
        let without = release("x", Some(&after), &no_awards, event(3)).expect("maps");
        assert!(without.get("awards").is_none());
    }

    #[test]
    fn documents_keep_their_last_version_and_map_their_types() {
        assert_eq!(
            document_type("notice", Some("awardNotice")),
            Some("awardNotice")
        );
        assert_eq!(
            document_type("contractProforma", None),
            Some("contractDraft")
        );
        assert_eq!(
            document_type("auctionProtocol", None),
            Some("evaluationReports")
        );
        assert_eq!(
            document_type("cancellationReport", None),
            Some("cancellationDetails")
        );
        assert_eq!(document_type("proposal", None), None);
        let mut after = tender();
        after["documents"] = json!([
            {"id": "d1", "documentType": "notice", "title": "v1.p7s", "url": "http://docs.example/1"},
            {"id": "d2", "documentType": "somethingElse", "title": "other.pdf"},
            {"id": "d1", "documentType": "notice", "title": "v2.p7s", "url": "http://docs.example/2"},
        ]);
        after["status"] = json!("cancelled");
        after["cancellations"] =
            json!([{"id": "c1", "documents": [{"id": "d3", "title": "Наказ.pdf"}]}]);
        let release = release("x", Some(&tender()), &after, event(2)).expect("maps");
        assert_eq!(
            release["tender"]["documents"],
            json!([
                {"id": "d1", "documentType": "tenderNotice", "title": "v2.p7s", "url": "http://docs.example/2"},
                {"id": "d2", "title": "other.pdf"},
                {"id": "d3", "documentType": "cancellationDetails", "title": "Наказ.pdf"},
            ])
        );
        assert_eq!(
            release["tag"],
            json!(["tenderCancellation"]),
            "the cancellation's documents come with it"
        );
    }

    #[test]
    fn documents_of_two_procedures_or_of_no_kind_are_errors_not_panics() {
        assert_eq!(
            release("x", Some(&sale()), &tender(), event(1)),
            Err(MappingError::OtherProcedure {
                before: "ocds-x-BSD001-UA-20300301-00001".into(),
                after: "ocds-x-UA-2024-01-01-000001-a".into()
            })
        );
        for garbage in [
            json!(null),
            json!("x"),
            json!({"procurementMethodType": "priceQuotation"}),
            json!({"procurementMethodType": "priceQuotation", "tenderID": "T"}),
        ] {
            assert!(release("x", None, &garbage, event(1)).is_err(), "{garbage}");
        }
        let odd = json!({"procurementMethodType": "priceQuotation", "tenderID": "T", "id": "t",
            "items": "no", "awards": [1, {"id": 2}], "bids": {"a": 1}, "contracts": [{"id": "c"}],
            "procuringEntity": {"identifier": {"scheme": 1}}, "value": {"amount": "1"}});
        assert!(release("x", None, &odd, event(1)).is_ok());
    }
}
