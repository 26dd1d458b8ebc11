//! The rows of the two read models.

use serde_json::Value as Json;

/// The names under which each read model stores the log position it has applied.
pub const DOCUMENTS: &str = "documents";
pub const FEED: &str = "feed";
pub const READ_MODELS: [&str; 2] = [DOCUMENTS, FEED];

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

/// The changes one projection batch makes: rows to insert or replace, and the
/// position range it covers (applied only if the stored position is `from`).
#[derive(Debug, Clone, Default)]
pub struct ChangeBatch {
    pub from: u64,
    pub to: u64,
    pub documents: Vec<DocumentRow>,
    pub feed: Vec<FeedRow>,
}

/// Where each read model is, and a digest of its whole content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub read_model: &'static str,
    pub position: u64,
    pub rows: u64,
    pub sha256: String,
}

/// Which part of the change feed to read.
#[derive(Debug, Clone)]
pub struct FeedQuery {
    /// Only procedures of these kinds.
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
    use super::referenced_bodies;

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
