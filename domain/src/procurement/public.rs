//! What every procedure's public document does alike, whatever its rules of
//! disclosure: confidential documents stay with their owner, and the time
//! of the next automatic transition is shown as `next_check`.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value as Json};

/// Drops the `buyerOnly` documents from an object's `documents` (and the
/// key itself when none remain); whether there were any.
pub fn strip_confidential_documents(object: &mut Map<String, Json>) -> bool {
    let Some(Json::Array(documents)) = object.get_mut("documents") else {
        return false;
    };
    let before = documents.len();
    documents.retain(|d| d.get("confidentiality").and_then(Json::as_str) != Some("buyerOnly"));
    let stripped = documents.len() != before;
    if documents.is_empty() {
        object.remove("documents");
    }
    stripped
}

/// Shows when the scheduler will next act on the procedure, if it will.
pub fn insert_next_check(object: &mut Map<String, Json>, due: Option<DateTime<Utc>>) {
    if let Some(due) = due {
        object.insert(
            "next_check".to_owned(),
            Json::String(crate::time::format_kyiv(due)),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn confidential_documents_are_dropped_and_an_empty_list_goes() {
        let mut object = json!({"documents": [
            {"id": "a", "confidentiality": "public"},
            {"id": "b", "confidentiality": "buyerOnly"},
            {"id": "c"}
        ]});
        let map = object.as_object_mut().expect("object");
        strip_confidential_documents(map);
        assert_eq!(
            map["documents"],
            json!([{"id": "a", "confidentiality": "public"}, {"id": "c"}])
        );
        let mut only_secret = json!({"documents": [{"id": "b", "confidentiality": "buyerOnly"}]});
        let map = only_secret.as_object_mut().expect("object");
        strip_confidential_documents(map);
        assert!(map.get("documents").is_none());
    }
}
