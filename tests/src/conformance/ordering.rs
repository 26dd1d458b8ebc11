//! Which recordings belong to a procedure type and in which order they are
//! replayed.
//!
//! The recordings follow one procedure through its life, each request
//! referring to objects earlier responses created, so their order matters
//! and their file names do not give it. The tutorial page does: it includes
//! each exchange with an `.. http:example:: http/<name>.http` line, in the
//! order the reference's documentation test made them. A page
//! `tendering__pricequotation__tutorial.rst` (the source's
//! `tendering/pricequotation/tutorial.rst`) includes paths relative to its
//! folder, so `http/tender-active.http` is the recording
//! `tendering__pricequotation__http__tender-active.http`.
//!
//! Two kinds of mismatch between page and snapshot are expected:
//!
//! - the page includes a file the snapshot lacks: it is reported in
//!   [`Procedure::not_recorded`] and skipped;
//! - a recording the page never includes: it is placed right after the page
//!   exchange that first mentions the newest of the ids it mentions (so a
//!   listing of contracts comes after the decision on the last award it
//!   names), or first when none of its ids is on the page (an empty listing
//!   shows a state before anything was created; an exchange about another
//!   procedure does not depend on this one).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value as Json;

use super::exchange::{self, Exchange};

/// A procedure type's recordings, in replay order.
#[derive(Debug, Clone)]
pub struct Procedure {
    /// The procedure type, e.g. `priceQuotation` (from the first request
    /// that names a `procurementMethodType`, else the page's folder).
    pub name: String,
    /// The recordings' file-name prefix, e.g. `tendering__pricequotation__`.
    pub prefix: String,
    pub exchanges: Vec<Exchange>,
    /// Every file the page includes, recorded or not, in page order.
    pub page: Vec<String>,
    /// Files the page includes that the snapshot does not have.
    pub not_recorded: Vec<String>,
    /// Recordings the page does not include, placed by the id rule.
    pub placed_by_ids: Vec<String>,
}

/// The `http:example::` paths of a page, in order, each once (a page may
/// show the same exchange twice; it was recorded, and is replayed, once).
pub fn page_includes(page: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    page.lines()
        .filter_map(|line| line.trim().strip_prefix(".. http:example::"))
        .map(|path| path.trim().to_owned())
        .filter(|path| !path.is_empty() && seen.insert(path.clone()))
        .collect()
}

/// `tendering__pricequotation__tutorial.rst` → `tendering__pricequotation__`.
pub fn page_prefix(page_file: &str) -> String {
    match page_file.rfind("__") {
        Some(end) => page_file[..end + 2].to_owned(),
        None => String::new(),
    }
}

/// The recording a page's include names.
pub fn recording_name(prefix: &str, include: &str) -> String {
    format!("{prefix}{}", include.replace('/', "__"))
}

/// Runs of exactly 32 lowercase hex digits in `text`: the recordings'
/// generated ids and tokens.
pub fn hex32_in(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        if !bytes[start].is_ascii_alphanumeric() {
            start += 1;
            continue;
        }
        let end = (start..bytes.len())
            .find(|&i| !bytes[i].is_ascii_alphanumeric())
            .unwrap_or(bytes.len());
        let word = &text[start..end];
        if is_hex32(word) {
            found.push(word);
        }
        start = end;
    }
    found
}

/// 32 lowercase hex digits.
pub fn is_hex32(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn strings_of<'a>(value: &'a Json, out: &mut Vec<&'a str>) {
    match value {
        Json::String(text) => out.push(text),
        Json::Array(items) => items.iter().for_each(|item| strings_of(item, out)),
        Json::Object(map) => map.values().for_each(|item| strings_of(item, out)),
        _ => {}
    }
}

/// Every id an exchange mentions: in its request target and body, and its
/// response's `Location` and body.
pub fn ids_mentioned(exchange: &Exchange) -> BTreeSet<String> {
    let mut texts: Vec<&str> = vec![exchange.request.target.as_str()];
    if let Some(location) = exchange.response.header("Location") {
        texts.push(location);
    }
    for body in [&exchange.request.body, &exchange.response.body]
        .into_iter()
        .flatten()
    {
        strings_of(body, &mut texts);
    }
    texts
        .into_iter()
        .flat_map(hex32_in)
        .map(str::to_owned)
        .collect()
}

/// Loads the recordings of the page `page_file` (in `docs_dir`) from
/// `recordings_dir`, in replay order.
pub fn load(recordings_dir: &Path, docs_dir: &Path, page_file: &str) -> Result<Procedure, String> {
    let page_path = docs_dir.join(page_file);
    let page =
        std::fs::read_to_string(&page_path).map_err(|e| format!("{}: {e}", page_path.display()))?;
    let prefix = page_prefix(page_file);

    let mut recordings: HashMap<String, Exchange> = HashMap::new();
    let entries = std::fs::read_dir(recordings_dir)
        .map_err(|e| format!("{}: {e}", recordings_dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", recordings_dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&prefix) || !name.ends_with(".http") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        let exchange = exchange::parse(&name, &text).map_err(|e| e.to_string())?;
        recordings.insert(name, exchange);
    }

    let mut ordered = Vec::new();
    let mut not_recorded = Vec::new();
    let page: Vec<String> = page_includes(&page)
        .iter()
        .map(|include| recording_name(&prefix, include))
        .collect();
    for name in page.iter().cloned() {
        match recordings.remove(&name) {
            Some(exchange) => ordered.push(exchange),
            None => not_recorded.push(name),
        }
    }

    // Where each id first appears in the page's order.
    let mut first_mention: HashMap<String, usize> = HashMap::new();
    for (index, exchange) in ordered.iter().enumerate() {
        for id in ids_mentioned(exchange) {
            first_mention.entry(id).or_insert(index);
        }
    }
    let mut rest: Vec<Exchange> = recordings.into_values().collect();
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    let placed_by_ids: Vec<String> = rest.iter().map(|e| e.name.clone()).collect();
    // Each unlisted recording's anchor: the page exchange it goes after.
    let mut anchored: Vec<(Option<usize>, Exchange)> = rest
        .into_iter()
        .map(|exchange| {
            let anchor = ids_mentioned(&exchange)
                .iter()
                .filter_map(|id| first_mention.get(id).copied())
                .max();
            (anchor, exchange)
        })
        .collect();
    let mut exchanges = Vec::new();
    let take = |anchor: Option<usize>, anchored: &mut Vec<(Option<usize>, Exchange)>| {
        let (here, later): (Vec<_>, Vec<_>) = anchored.drain(..).partition(|(a, _)| *a == anchor);
        *anchored = later;
        here.into_iter().map(|(_, e)| e).collect::<Vec<_>>()
    };
    exchanges.extend(take(None, &mut anchored));
    for (index, exchange) in ordered.into_iter().enumerate() {
        exchanges.push(exchange);
        exchanges.extend(take(Some(index), &mut anchored));
    }

    let name = exchanges
        .iter()
        .filter_map(|e| e.request.body.as_ref())
        .find_map(|body| body["data"]["procurementMethodType"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| prefix.trim_end_matches('_').to_owned());
    Ok(Procedure {
        name,
        prefix,
        exchanges,
        page,
        not_recorded,
        placed_by_ids,
    })
}
