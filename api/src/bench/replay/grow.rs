//! Grows a seeded log to a benchmark's size by appending copies of the
//! seeded procedures under fresh ids, through the event store's own append
//! (so positions, procedure versions and hash chains are the store's).
//!
//! Seeding through the whole request path writes a few hundred procedures a
//! second; a million events that way would take longer than the benchmark
//! itself. A copy holds the same events as its original (the same types,
//! shapes and sizes, the same folds for the read models), with every id the
//! procedure owns replaced: the procedure's, its streams' (bids, awards,
//! contracts) and its events'. Copies are appended a few dozen procedures at
//! a time, one event of each in turn, so procedures interleave in the log as
//! they do on a live server and span several replay batches.

use std::collections::HashMap;
use std::sync::Arc;

use commands::store::{Append, EventStore, NewEvent, RecordedEvent};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// Procedures appended side by side.
const INTERLEAVE: usize = 64;

/// One seeded procedure, to be copied.
pub struct Template {
    kind: String,
    events: Vec<RecordedEvent>,
}

/// Every procedure of the log at `store`, in the order they were created.
pub async fn templates(store: &dyn EventStore) -> Result<Vec<Template>, String> {
    let mut order: Vec<String> = Vec::new();
    let mut events: HashMap<String, Vec<RecordedEvent>> = HashMap::new();
    let mut after = 0;
    loop {
        let page = store
            .read_all(after, 1000)
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = page.last() else { break };
        after = last.position;
        for event in page {
            if !events.contains_key(&event.procedure_id) {
                order.push(event.procedure_id.clone());
            }
            events
                .entry(event.procedure_id.clone())
                .or_default()
                .push(event);
        }
    }
    let kinds = store
        .procedure_kinds(&order)
        .await
        .map_err(|e| e.to_string())?;
    order
        .into_iter()
        .map(|id| {
            let kind = kinds
                .get(&id)
                .cloned()
                .ok_or_else(|| format!("procedure {id} has no kind"))?;
            let events = events.remove(&id).unwrap_or_default();
            Ok(Template { kind, events })
        })
        .collect()
}

/// Appends copies of `templates` (in turn, starting with copy number
/// `*copies`) until the log holds at least `target` events; answers the
/// head. `progress(head)` is called after each group.
pub async fn grow(
    store: Arc<dyn EventStore>,
    templates: &[Template],
    target: u64,
    copies: &mut u64,
    mut progress: impl FnMut(u64),
) -> Result<u64, String> {
    if templates.is_empty() {
        return Err("nothing was seeded to copy".into());
    }
    let mut head = store.head().await.map_err(|e| e.to_string())?;
    while head < target {
        // (procedure id, kind, events) of each copy in the group.
        let group: Vec<(String, &str, Vec<NewEvent>)> = (0..INTERLEAVE as u64)
            .map(|i| {
                let n = *copies + i;
                let template = &templates[(n % templates.len() as u64) as usize];
                let id = renamed(&template.events[0].procedure_id, n);
                (id, template.kind.as_str(), copy(template, n))
            })
            .collect();
        *copies += INTERLEAVE as u64;
        let rounds = group.iter().map(|(_, _, e)| e.len()).max().unwrap_or(0);
        for round in 0..rounds {
            // One event of each procedure, appended concurrently: the
            // store's writer commits them together.
            let appends = group
                .iter()
                .filter_map(|(id, kind, events)| {
                    let event = events.get(round)?.clone();
                    let store = Arc::clone(&store);
                    let append = Append {
                        procedure_id: id.clone(),
                        procedure_kind: (*kind).to_owned(),
                        expected_version: round as u64,
                        events: vec![event],
                    };
                    Some(async move { store.append(append).await })
                })
                .collect::<Vec<_>>();
            for result in futures_util::future::join_all(appends).await {
                let appended = result.map_err(|e| e.to_string())?;
                head = head.max(appended.last_position);
            }
        }
        progress(head);
    }
    Ok(head)
}

/// Copy number `n` of `template`: the same events with every id the
/// procedure owns renamed.
fn copy(template: &Template, n: u64) -> Vec<NewEvent> {
    let mut owned: Vec<(String, String)> = Vec::new();
    for event in &template.events {
        for id in [event.procedure_id.as_str(), stream_entity(&event.stream_id)] {
            if !id.is_empty() && !owned.iter().any(|(old, _)| old == id) {
                owned.push((id.to_owned(), renamed(id, n)));
            }
        }
    }
    template
        .events
        .iter()
        .map(|event| {
            let mut data = event.data.clone();
            rename_in(&mut data, &owned);
            NewEvent {
                event_id: renamed(&event.event_id, n),
                stream_id: rename(&event.stream_id, &owned),
                event_type: event.event_type.clone(),
                schema_version: event.schema_version,
                data,
                metadata: event.metadata.clone(),
                recorded_at: event.recorded_at,
            }
        })
        .collect()
}

/// The id a stream name carries (`bid-<id>` → `<id>`).
fn stream_entity(stream_id: &str) -> &str {
    stream_id.split_once('-').map_or("", |(_, id)| id)
}

/// A fresh id of the same shape for copy `n` of `id`: its first 12
/// characters (the time part of a ULID-like id) kept, the rest drawn from a
/// hash of the id and the copy number.
fn renamed(id: &str, n: u64) -> String {
    let hash = hex::encode(Sha256::digest(format!("{id}/{n}")));
    let keep = id.len().min(12);
    let rest = id.len().saturating_sub(keep).min(hash.len());
    format!("{}{}", &id[..keep], &hash[..rest])
}

fn rename(text: &str, owned: &[(String, String)]) -> String {
    let mut text = text.to_owned();
    for (old, new) in owned {
        if text.contains(old.as_str()) {
            text = text.replace(old.as_str(), new);
        }
    }
    text
}

/// Renames every owned id in the strings (values and keys) of `value`.
fn rename_in(value: &mut Json, owned: &[(String, String)]) {
    match value {
        Json::String(text) if owned.iter().any(|(old, _)| text.contains(old.as_str())) => {
            *text = rename(text, owned);
        }
        Json::Array(items) => items.iter_mut().for_each(|item| rename_in(item, owned)),
        Json::Object(map) => {
            let renamed_keys = map
                .keys()
                .any(|key| owned.iter().any(|(old, _)| key.contains(old.as_str())));
            if renamed_keys {
                let old = std::mem::take(map);
                for (key, mut item) in old {
                    rename_in(&mut item, owned);
                    map.insert(rename(&key, owned), item);
                }
            } else {
                map.values_mut().for_each(|item| rename_in(item, owned));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_ids_keep_their_shape_and_differ_per_copy() {
        let id = "01a23d15d077c27ebafa2a6b8a98eda8";
        let a = renamed(id, 1);
        assert_eq!(a.len(), id.len());
        assert!(a.starts_with("01a23d15d077"));
        assert_ne!(a, renamed(id, 2));
        assert_eq!(a, renamed(id, 1));
        assert_eq!(stream_entity("bid-abc"), "abc");
        assert_eq!(stream_entity("nothing"), "");
    }

    #[test]
    fn owned_ids_are_renamed_in_values_and_keys() {
        let owned = vec![("p1".to_owned(), "q9".to_owned())];
        let mut value = serde_json::json!({"url": "/tenders/p1/bids", "p1": [1, "p1"], "n": 3});
        rename_in(&mut value, &owned);
        assert_eq!(
            value,
            serde_json::json!({"url": "/tenders/q9/bids", "q9": [1, "q9"], "n": 3})
        );
    }
}
