//! Merging the releases of one contracting process into its compiled
//! release and its versioned release, by the OCDS 1.1 merging rules
//! (<https://standard.open-contracting.org/1.1/en/schema/merging/>):
//!
//! - releases are taken in the order of their `date` (releases of the same
//!   date in the order given);
//! - a field of a later release replaces the same field of an earlier one,
//!   and a field set to `null` is removed;
//! - objects are merged field by field, recursively;
//! - an array of objects is merged by the objects' `id`: an object with the
//!   `id` of an earlier one is merged into it, one with a new `id` is added
//!   after those already there; an object without `id` is always added;
//! - any other array, and an array whose field sets `wholeListMerge`, is
//!   replaced whole;
//! - fields that set `omitWhenMerged` (`id`, `date` and `tag` of the release)
//!   are left out; the compiled release has `id` `{ocid}-{date}` (the date
//!   of the last release), that `date`, and `tag` `["compiled"]`;
//! - in the versioned release each field's value is an array of versions
//!   `{releaseID, releaseDate, releaseTag, value}`, a new one only when the
//!   value changes (a removal is a version whose value is `null`); `ocid`
//!   and the `id` of each object in an array stay plain values.
//!
//! The reference implementation, the `ocdsmerge` package, is followed in
//! what the rules leave open (empty objects and arrays in a release change
//! nothing; the parents of a removed field stay, possibly empty; two objects
//! with one `id` in one release are merged into one), and a test compares
//! the two on the same releases (`tests/ocdsmerge.rs`).

mod flat;
mod schema;

use serde_json::{Map, Value};

pub use schema::{Rule, Schema, SchemaError};

use flat::{Flat, Flattener, Part, Path, unflatten};

/// Releases that could not be merged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error("release {index} is not a JSON object")]
    NotAnObject { index: usize },
    #[error("release {index} has no `date` string (every release needs one to be ordered)")]
    NoDate { index: usize },
    #[error("release {index} has no `ocid` string")]
    NoOcid { index: usize },
    #[error(
        "the object at {path} in `{field}` has the `id` {id}: only a string, an integer or null can identify an object in an array"
    )]
    UnsupportedId {
        path: String,
        field: String,
        id: String,
    },
    #[error(
        "{path} is a value, an object or an array in some releases and another in others (at its field {field:?})"
    )]
    InconsistentType { path: String, field: String },
}

/// The compiled release of `releases` by the OCDS 1.1 release schema.
pub fn compile(releases: &[Value]) -> Result<Value, MergeError> {
    Schema::release_1_1()?.compile(releases)
}

/// The versioned release of `releases` by the OCDS 1.1 release schema.
pub fn versioned(releases: &[Value]) -> Result<Value, MergeError> {
    Schema::release_1_1()?.versioned(releases)
}

/// What a release brings to a merge.
struct Release<'r> {
    ocid: &'r str,
    id: Value,
    date: &'r str,
    tag: Value,
    flat: Flat<Value>,
}

/// A field of a versioned release while it is built.
enum Versioned {
    Plain(Value),
    Versions(Vec<Value>),
}

impl Schema {
    /// The compiled release of `releases` (all of one contracting process).
    pub fn compile(&self, releases: &[Value]) -> Result<Value, MergeError> {
        let mut data: Flat<Value> = Flat::default();
        data.insert(key("tag"), Value::Array(vec!["compiled".into()]));
        for release in self.releases(releases)? {
            data.insert(
                key("id"),
                format!("{}-{}", release.ocid, release.date).into(),
            );
            data.insert(key("date"), release.date.into());
            data.insert(key("ocid"), release.ocid.into());
            for (path, value) in release.flat.into_entries() {
                data.insert(path, value);
            }
        }
        unflatten(data.into_entries())
    }

    /// The versioned release of `releases` (all of one contracting process).
    pub fn versioned(&self, releases: &[Value]) -> Result<Value, MergeError> {
        let mut data: Flat<Versioned> = Flat::default();
        for mut release in self.releases(releases)? {
            release.flat.remove(&key("ocid"));
            data.insert(key("ocid"), Versioned::Plain(release.ocid.into()));
            for (path, value) in release.flat.into_entries() {
                let version = |value| {
                    Value::Object(Map::from_iter([
                        ("releaseID".to_owned(), release.id.clone()),
                        ("releaseDate".to_owned(), release.date.into()),
                        ("releaseTag".to_owned(), release.tag.clone()),
                        ("value".to_owned(), value),
                    ]))
                };
                match data.get_mut(&path) {
                    Some(Versioned::Plain(_)) => {}
                    Some(Versioned::Versions(versions)) => {
                        let last = versions.last().and_then(|v| v.get("value"));
                        if last != Some(&value) {
                            versions.push(version(value));
                        }
                    }
                    None => data.insert(path, Versioned::Versions(vec![version(value)])),
                }
            }
        }
        let entries = data
            .into_entries()
            .into_iter()
            .map(|(path, field)| match field {
                Versioned::Plain(value) => (path, value),
                Versioned::Versions(versions) => (path, Value::Array(versions)),
            })
            .collect();
        unflatten(entries)
    }

    /// The releases in the order they are merged, each flattened.
    fn releases<'r>(&self, releases: &'r [Value]) -> Result<Vec<Release<'r>>, MergeError> {
        let mut dated = Vec::with_capacity(releases.len());
        for (index, release) in releases.iter().enumerate() {
            let object = release
                .as_object()
                .ok_or(MergeError::NotAnObject { index })?;
            let date = object
                .get("date")
                .and_then(Value::as_str)
                .ok_or(MergeError::NoDate { index })?;
            let ocid = object
                .get("ocid")
                .and_then(Value::as_str)
                .ok_or(MergeError::NoOcid { index })?;
            dated.push((date, ocid, object));
        }
        // A stable sort: releases of one date stay in the order given.
        dated.sort_by(|a, b| a.0.cmp(b.0));
        let mut flattener = Flattener {
            schema: self,
            unique: 0,
        };
        let mut out = Vec::with_capacity(dated.len());
        for (date, ocid, object) in dated {
            let mut flat = Flat::default();
            // `tag` is never merged, whatever the schema says of it (it did
            // not set omitWhenMerged before OCDS 1.1.4).
            flattener.release(object, &mut flat)?;
            out.push(Release {
                ocid,
                id: object.get("id").cloned().unwrap_or(Value::Null),
                date,
                tag: object.get("tag").cloned().unwrap_or(Value::Null),
                flat,
            });
        }
        Ok(out)
    }
}

fn key(name: &str) -> Path {
    vec![Part::Key(name.to_owned())]
}
