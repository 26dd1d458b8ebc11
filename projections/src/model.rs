//! The rows of the three read models.

use std::collections::HashMap;

use serde_json::Value as Json;

/// The names under which each read model stores the log position it has applied.
pub const DOCUMENTS: &str = "documents";
pub const FEED: &str = "feed";
pub const CONTRACTS: &str = "contracts";
pub const READ_MODELS: [&str; 3] = [DOCUMENTS, FEED, CONTRACTS];

/// Whether a procedure `status` is a draft (`draft`, `draft.*`): not yet
/// published, so the change feeds leave it out (as the reference API's feed
/// views do), though the document itself is readable by id. The read
/// stores' feed queries say the same in SQL.
pub fn is_draft(status: &str) -> bool {
    status == "draft" || status.starts_with("draft.")
}

/// One procedure's public document: the exact bytes `GET` serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    pub procedure_id: String,
    pub kind: String,
    /// How many times the public document has changed (1 when created).
    pub revision: u64,
    /// The global position of the event that last changed the document.
    pub position: u64,
    /// The compact JSON envelope (`{"data": …, …}`).
    pub body: String,
}

/// The document-storage keys (64 lowercase hex) a public document refers to
/// in its document URLs (`…/documents/{key}`). The bodies behind them are
/// public; any other stored body is served only to its uploader.
pub fn referenced_bodies(body: &str) -> std::collections::BTreeSet<String> {
    const MARK: &str = "/documents/";
    let mut keys = std::collections::BTreeSet::new();
    let mut rest = body;
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let candidate: String = rest.chars().take(65).collect();
        let hex = candidate
            .chars()
            .take_while(|c| matches!(c, '0'..='9' | 'a'..='f'))
            .count();
        if hex == 64 {
            keys.insert(candidate[..64].to_owned());
        }
    }
    keys
}

/// One procedure's entry in the listing and change-feed index. Its position
/// is that of the last change, so paging by position sees every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub procedure_id: String,
    pub kind: String,
    pub position: u64,
    pub date_modified: String,
    pub status: String,
    pub procurement_method_type: String,
    pub owner: String,
    pub bids_disclosed: bool,
}

impl FeedRow {
    /// The index entry for a document body.
    pub fn from_document(document: &DocumentRow, envelope: &Json, bids_disclosed: bool) -> Self {
        let data = envelope.get("data").unwrap_or(&Json::Null);
        let text = |field: &str| {
            data.get(field)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let method = match text("procurementMethodType") {
            method if method.is_empty() => text("sellingMethod"),
            method => method,
        };
        FeedRow {
            procedure_id: document.procedure_id.clone(),
            kind: document.kind.clone(),
            position: document.position,
            date_modified: text("dateModified"),
            status: text("status"),
            procurement_method_type: method,
            owner: text("owner"),
            bids_disclosed,
        }
    }
}

/// One contract of a procedure, as its own resource
/// (`GET /api/2.5/contracts/{id}`) and in the contracts feed. Its position
/// is that of the last change to its bytes, so paging by position sees
/// every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRow {
    pub procedure_id: String,
    pub contract_id: String,
    /// The procedure's kind.
    pub kind: String,
    /// How many times the contract has changed (1 when it first appeared).
    pub revision: u64,
    pub position: u64,
    pub date_modified: String,
    /// The contract's own `status`.
    pub status: String,
    /// The compact JSON object: the contract as its procedure's public
    /// document shows it, plus the procedure's id (`tender_id` or
    /// `procedure_id`, as the procedure's collection names it) and
    /// `dateModified`.
    pub body: String,
}

impl ContractRow {
    /// The contracts of a rendered public document (`envelope`, stored as
    /// `document`) whose bytes differ from `previous`, this procedure's rows
    /// as they stand (by contract id). A contract without a `dateModified`
    /// of its own (priceQuotation's) takes its procedure's at the change
    /// that last changed it; that date alone never counts as a change, or
    /// every contract would move with every change to its procedure.
    /// Objects without a string `id` are not contracts anyone could fetch,
    /// and are left out. A contract that leaves the document keeps its last
    /// row: contracts are never withdrawn from a procedure.
    pub fn changes(
        document: &DocumentRow,
        envelope: &Json,
        procedure_field: &str,
        previous: &HashMap<String, ContractRow>,
    ) -> Vec<ContractRow> {
        let data = envelope.get("data").unwrap_or(&Json::Null);
        let procedure_modified = data
            .get("dateModified")
            .and_then(Json::as_str)
            .unwrap_or_default();
        let mut changed: Vec<ContractRow> = Vec::new();
        for contract in data
            .get("contracts")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(object) = contract.as_object() else {
                continue;
            };
            let Some(id) = object.get("id").and_then(Json::as_str) else {
                continue;
            };
            let mut body = object.clone();
            body.insert(
                procedure_field.to_owned(),
                Json::String(document.procedure_id.clone()),
            );
            let own_date = body
                .get("dateModified")
                .and_then(Json::as_str)
                .map(str::to_owned);
            let earlier = changed
                .iter()
                .rev()
                .find(|row| row.contract_id == id)
                .or_else(|| previous.get(id));
            let revision = earlier.map_or(0, |row| row.revision) + 1;
            if let Some(earlier) = earlier {
                let mut unchanged = body.clone();
                if own_date.is_none() {
                    unchanged.insert(
                        "dateModified".into(),
                        Json::String(earlier.date_modified.clone()),
                    );
                }
                // Bytes against bytes (a `Value` only equals a string that
                // is a JSON string).
                let unchanged = Json::Object(unchanged).to_string();
                if unchanged == earlier.body {
                    continue;
                }
            }
            let date_modified = own_date.unwrap_or_else(|| {
                body.insert(
                    "dateModified".into(),
                    Json::String(procedure_modified.to_owned()),
                );
                procedure_modified.to_owned()
            });
            let status = body
                .get("status")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned();
            changed.push(ContractRow {
                procedure_id: document.procedure_id.clone(),
                contract_id: id.to_owned(),
                kind: document.kind.clone(),
                revision,
                position: document.position,
                date_modified,
                status,
                body: Json::Object(body).to_string(),
            });
        }
        changed
    }
}

/// The changes one projection batch makes: rows to insert or replace, and the
/// position range it covers (applied only if the stored position is `from`).
#[derive(Debug, Clone, Default)]
pub struct ChangeBatch {
    pub from: u64,
    pub to: u64,
    pub documents: Vec<DocumentRow>,
    pub feed: Vec<FeedRow>,
    pub contracts: Vec<ContractRow>,
    /// Every version the batch made, in log order (a document changed
    /// twice in one batch has two).
    pub revisions: Vec<crate::revisions::RevisionRow>,
    /// Every event of the batch as the public event log shows it, in log
    /// order.
    pub events: Vec<crate::public_events::PublicEventRow>,
}

/// Where each read model is, and a digest of its whole content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub read_model: &'static str,
    pub position: u64,
    pub rows: u64,
    pub sha256: String,
}

/// Which part of a change feed to read (procedures or contracts).
#[derive(Debug, Clone)]
pub struct FeedQuery {
    /// Only procedures (or contracts of procedures) of these kinds.
    pub kinds: Vec<String>,
    /// Ascending: entries after this position; descending: before it (none: from the top).
    pub offset: Option<u64>,
    pub limit: usize,
    pub descending: bool,
    /// Also return each entry's document body (for `opt_fields`).
    pub with_body: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub row: FeedRow,
    pub body: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::{ContractRow, DocumentRow, is_draft, referenced_bodies};

    #[test]
    fn drafts_are_draft_and_draft_dot_anything() {
        for status in ["draft", "draft.publishing", "draft.unsuccessful"] {
            assert!(is_draft(status), "{status}");
        }
        for status in ["active.tendering", "drafted", "Draft", "", "complete"] {
            assert!(!is_draft(status), "{status}");
        }
    }

    fn document(
        position: u64,
        modified: &str,
        contracts: serde_json::Value,
    ) -> (DocumentRow, serde_json::Value) {
        let envelope =
            json!({"data": {"id": "p1", "dateModified": modified, "contracts": contracts}});
        let row = DocumentRow {
            procedure_id: "p1".into(),
            kind: "priceQuotation".into(),
            revision: 1,
            position,
            body: envelope.to_string(),
        };
        (row, envelope)
    }

    fn by_id(rows: Vec<ContractRow>) -> HashMap<String, ContractRow> {
        rows.into_iter()
            .map(|row| (row.contract_id.clone(), row))
            .collect()
    }

    #[test]
    fn a_contract_without_its_own_date_moves_only_when_it_changes() {
        let (row, envelope) = document(3, "T3", json!([{"id": "c1", "status": "pending"}]));
        let first = ContractRow::changes(&row, &envelope, "tender_id", &HashMap::new());
        assert_eq!(first.len(), 1);
        assert_eq!(
            first[0].body,
            r#"{"dateModified":"T3","id":"c1","status":"pending","tender_id":"p1"}"#
        );
        assert_eq!((first[0].revision, first[0].position), (1, 3));
        assert_eq!(
            (first[0].status.as_str(), first[0].date_modified.as_str()),
            ("pending", "T3")
        );
        let current = by_id(first);
        // The procedure changed elsewhere: its dateModified alone moves nothing.
        let (row, envelope) = document(4, "T4", json!([{"id": "c1", "status": "pending"}]));
        assert!(ContractRow::changes(&row, &envelope, "tender_id", &current).is_empty());
        // The contract itself changed: a new revision at that position and date.
        let (row, envelope) = document(
            5,
            "T5",
            json!([{"id": "c1", "status": "active"}, "no object", {"no": "id"}]),
        );
        let signed = ContractRow::changes(&row, &envelope, "tender_id", &current);
        assert_eq!(signed.len(), 1);
        assert_eq!((signed[0].revision, signed[0].position), (2, 5));
        assert_eq!(
            (signed[0].status.as_str(), signed[0].date_modified.as_str()),
            ("active", "T5")
        );
    }

    #[test]
    fn a_contract_with_its_own_date_keeps_it() {
        let (row, envelope) = document(
            7,
            "T7",
            json!([{"id": "c1", "dateModified": "C1"}, {"id": "c2", "dateModified": "C2"}]),
        );
        let rows = ContractRow::changes(&row, &envelope, "procedure_id", &HashMap::new());
        assert_eq!(
            rows.iter().map(|r| r.body.as_str()).collect::<Vec<_>>(),
            [
                r#"{"dateModified":"C1","id":"c1","procedure_id":"p1"}"#,
                r#"{"dateModified":"C2","id":"c2","procedure_id":"p1"}"#
            ]
        );
        let current = by_id(rows);
        let (row, envelope) = document(
            8,
            "T8",
            json!([{"id": "c1", "dateModified": "C1"}, {"id": "c2", "dateModified": "C2b"}]),
        );
        let rows = ContractRow::changes(&row, &envelope, "procedure_id", &current);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].contract_id.as_str(), rows[0].date_modified.as_str()),
            ("c2", "C2b")
        );
    }

    #[test]
    fn only_whole_storage_keys_after_a_documents_path_count() {
        let key = "ab".repeat(32);
        let body = format!(
            r#"{{"url":"http://h/api/2.5/documents/{key}","other":"/documents/{key}0","short":"/documents/abcd","tender":"/tenders/x/documents/{}"}}"#,
            "c".repeat(32)
        );
        assert_eq!(
            referenced_bodies(&body).into_iter().collect::<Vec<_>>(),
            [key]
        );
    }
}
