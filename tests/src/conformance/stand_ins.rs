//! Requests the runner sends where the recordings have a hole: an exchange
//! the tutorial page includes but the snapshot lacks, or one the
//! reference's documentation test made without recording it, on which later
//! recorded exchanges depend.
//!
//! `tests/conformance/stand-ins.toml` lists them per procedure type, each
//! with its reason, in the order they are sent:
//!
//! ```toml
//! [[priceQuotation]]
//! for = "award-unsuccesful.http"        # a page exchange the snapshot lacks
//! reason = "why the later exchanges need it"
//! method = "PATCH"
//! path = "/api/2.5/tenders/<recorded id>/awards/<recorded id>?acc_token=<recorded token>"
//! body = '{"data": {"status": "unsuccessful", "qualified": false}}'
//!
//! [[priceQuotation]]
//! after = "register-2nd-bid.http"       # made off the page: sent after this exchange
//! name = "another supplier's bid"
//! reason = "…"
//! method = "POST"
//! path = "/api/2.5/tenders/<recorded id>/bids"
//! body_from = "register-2nd-bid.http"   # that recording's request body…
//! set = { "/data/status" = "pending" }  # …with these JSON pointers set
//! learn = { "<recorded id>" = "/data/id" }
//! ```
//!
//! A stand-in's path and body are written with the recorded ids and tokens
//! and mapped like a recorded request's; `learn` maps recorded ids that only
//! the missing exchange's answer gave to the value at a JSON pointer of our
//! answer. A stand-in is not compared (nothing was recorded): it must
//! succeed. The list is held to the truth: a `for` (or an off-page `name`)
//! that names a recorded exchange, or a `for` naming none on the page, is
//! an error, as is an `after` that names nothing of the replay.

use serde_json::Value as Json;

use super::exchange::{Exchange, Request};
use super::ordering::Procedure;

/// Where a stand-in is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// In place of the page exchange of this name (e.g.
    /// `award-unsuccesful.http`), which the snapshot lacks.
    For(String),
    /// Right after the exchange of this name (recorded, stood in for, or
    /// another stand-in's `name`): one the reference made off the page.
    After(String),
}

#[derive(Debug, Clone)]
pub struct StandIn {
    pub place: Place,
    /// What it is, for the report: the `for` name, or the `name` given.
    pub name: String,
    pub reason: String,
    pub request: Request,
    /// Recorded id → JSON pointer into our answer's body.
    pub learn: Vec<(String, String)>,
}

/// One step of a replay: a recording, or a stand-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// Index into [`Procedure::exchanges`].
    Recorded(usize),
    /// Index into the stand-ins.
    StandIn(usize),
}

fn text<'t>(table: &'t toml::Table, key: &str, what: &str) -> Result<&'t str, String> {
    table
        .get(key)
        .and_then(toml::Value::as_str)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| format!("{what}: `{key}` must be a non-empty string"))
}

fn json_of(value: &toml::Value, what: &str) -> Result<Json, String> {
    serde_json::to_value(value).map_err(|e| format!("{what}: {e}"))
}

/// The stand-ins of `procedure` in `text` (the file's contents).
pub fn parse(text_of_file: &str, procedure: &Procedure) -> Result<Vec<StandIn>, String> {
    let file: toml::Table = text_of_file.parse().map_err(|e| format!("{e}"))?;
    let Some(entries) = file.get(&procedure.name) else {
        return Ok(Vec::new());
    };
    let entries = entries
        .as_array()
        .ok_or_else(|| format!("[[{}]] must be an array of tables", procedure.name))?;
    let mut stand_ins = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let what = format!("[[{}]] #{}", procedure.name, n + 1);
        let table = entry
            .as_table()
            .ok_or_else(|| format!("{what}: must be a table"))?;
        let (place, name) = match (table.get("for"), table.get("after")) {
            (Some(_), None) => {
                let name = text(table, "for", &what)?.to_owned();
                (Place::For(name.clone()), name)
            }
            (None, Some(_)) => (
                Place::After(text(table, "after", &what)?.to_owned()),
                text(table, "name", &what)?.to_owned(),
            ),
            _ => return Err(format!("{what}: give exactly one of `for` and `after`")),
        };
        let what = format!("stand-in {name:?}");
        let reason = text(table, "reason", &what)?.to_owned();
        let method = text(table, "method", &what)?.to_owned();
        let target = text(table, "path", &what)?.to_owned();
        let mut body = match (table.get("body"), table.get("body_from")) {
            (Some(_), None) => {
                let body = text(table, "body", &what)?;
                Some(serde_json::from_str(body).map_err(|e| format!("{what}: body: {e}"))?)
            }
            (None, Some(_)) => {
                let from = text(table, "body_from", &what)?;
                let recorded = find(procedure, from)
                    .ok_or_else(|| format!("{what}: body_from {from:?}: no such recording"))?;
                let body = recorded.request.body.clone();
                Some(body.ok_or_else(|| format!("{what}: {from} has no request body"))?)
            }
            (None, None) => None,
            _ => return Err(format!("{what}: give `body` or `body_from`, not both")),
        };
        if let Some(set) = table.get("set") {
            let set = set
                .as_table()
                .ok_or_else(|| format!("{what}: `set` must be a table"))?;
            let body = body
                .as_mut()
                .ok_or_else(|| format!("{what}: `set` needs a body"))?;
            for (pointer, value) in set {
                let slot = body
                    .pointer_mut(pointer)
                    .ok_or_else(|| format!("{what}: set {pointer:?}: no such place in the body"))?;
                *slot = json_of(value, &what)?;
            }
        }
        let mut learn = Vec::new();
        if let Some(table) = table.get("learn") {
            let table = table
                .as_table()
                .ok_or_else(|| format!("{what}: `learn` must be a table"))?;
            for (recorded, pointer) in table {
                let pointer = pointer
                    .as_str()
                    .ok_or_else(|| format!("{what}: learn {recorded:?}: a JSON pointer"))?;
                learn.push((recorded.clone(), pointer.to_owned()));
            }
        }
        stand_ins.push(StandIn {
            place,
            name,
            reason,
            request: Request {
                method,
                target,
                // The recordings' one broker.
                headers: vec![("Authorization".into(), "Bearer broker".into())],
                body,
            },
            learn,
        });
    }
    Ok(stand_ins)
}

/// The recording whose name ends in `__{short}` (`tender-active.http` names
/// `tendering__pricequotation__http__tender-active.http`).
fn find<'p>(procedure: &'p Procedure, short: &str) -> Option<&'p Exchange> {
    procedure
        .exchanges
        .iter()
        .find(|e| e.name.ends_with(&format!("__{short}")))
}

/// The replay order: the recordings in theirs, each stand-in at its place.
/// Errors name every stand-in that stands for nothing.
pub fn plan(procedure: &Procedure, stand_ins: &[StandIn]) -> Result<Vec<Item>, Vec<String>> {
    let named = |name: &str, short: &str| name.ends_with(&format!("__{short}"));
    let page_position = |short: &str| procedure.page.iter().position(|n| named(n, short));
    let position_of = |item: &Item| match item {
        Item::Recorded(i) => {
            let name = &procedure.exchanges[*i].name;
            procedure.page.iter().position(|n| n == name)
        }
        Item::StandIn(k) => match &stand_ins[*k].place {
            Place::For(short) => page_position(short),
            Place::After(_) => None,
        },
    };
    // A recording, the stand-in for a page exchange, or an off-page one by
    // its name.
    let is = |item: &Item, short: &str| match item {
        Item::Recorded(i) => named(&procedure.exchanges[*i].name, short),
        Item::StandIn(k) => stand_ins[*k].name == short,
    };
    let mut items: Vec<Item> = (0..procedure.exchanges.len()).map(Item::Recorded).collect();
    let mut errors = Vec::new();
    for (k, stand_in) in stand_ins.iter().enumerate() {
        match &stand_in.place {
            Place::For(short) => {
                if find(procedure, short).is_some() {
                    errors.push(format!(
                        "stand-in for {short}: that exchange is recorded; remove the stand-in"
                    ));
                    continue;
                }
                let Some(at) = page_position(short) else {
                    errors.push(format!(
                        "stand-in for {short}: the page includes no such exchange"
                    ));
                    continue;
                };
                // Before the first step that comes later on the page.
                let index = items
                    .iter()
                    .position(|item| position_of(item).is_some_and(|p| p > at))
                    .unwrap_or(items.len());
                items.insert(index, Item::StandIn(k));
            }
            Place::After(short) => {
                if find(procedure, &stand_in.name).is_some() {
                    errors.push(format!(
                        "stand-in {:?}: that exchange is recorded; remove the stand-in",
                        stand_in.name
                    ));
                    continue;
                }
                let Some(mut index) = items.iter().rposition(|item| is(item, short)) else {
                    errors.push(format!(
                        "stand-in {:?}: after {short}, which is neither recorded nor a stand-in",
                        stand_in.name
                    ));
                    continue;
                };
                index += 1;
                while let Some(Item::StandIn(other)) = items.get(index)
                    && stand_ins[*other].place == stand_in.place
                {
                    index += 1;
                }
                items.insert(index, Item::StandIn(k));
            }
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}
