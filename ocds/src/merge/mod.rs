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
//!
//! ```
//! use serde_json::json;
//!
//! let releases = [
//!     json!({"ocid": "ocds-x-1", "id": "2", "date": "2024-02-01", "tag": ["award"],
//!            "awards": [{"id": "a1", "status": "active"}]}),
//!     json!({"ocid": "ocds-x-1", "id": "1", "date": "2024-01-01", "tag": ["tender"],
//!            "tender": {"title": "Paper"}, "awards": [{"id": "a1", "status": "pending", "title": "Lot 1"}]}),
//! ];
//! let compiled = ocds::merge::compile(&releases)?;
//! assert_eq!(compiled, json!({
//!     "ocid": "ocds-x-1", "id": "ocds-x-1-2024-02-01", "date": "2024-02-01", "tag": ["compiled"],
//!     "tender": {"title": "Paper"},
//!     "awards": [{"id": "a1", "status": "active", "title": "Lot 1"}],
//! }));
//! let versioned = ocds::merge::versioned(&releases)?;
//! assert_eq!(versioned["awards"][0]["status"][1]["value"], json!("active"));
//! assert_eq!(versioned["awards"][0]["id"], json!("a1"));
//! # Ok::<(), ocds::merge::MergeError>(())
//! ```

mod flat;
mod schema;

use std::rc::Rc;

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
        "an object in the array at {path} has the `id` {id}: only a string, an integer or null can identify an object in an array"
    )]
    UnsupportedId { path: String, id: String },
    #[error(
        "{path} is a value, an object or an array in some releases and another in others (one has {found} there)"
    )]
    InconsistentType { path: String, found: String },
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
                        if !last.is_some_and(|last| same(last, &value)) {
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
        let mut flattener = Flattener::new(self);
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

/// Whether two values are the same version of a field: equal as the
/// reference implementation compares them, where numbers are equal by value
/// (`1`, `1.0` and `true` are the same; `18446744073709551615` and
/// `1.8446744073709552e19` are not).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, a)| b.get(k).is_some_and(|b| same(a, b)))
        }
        _ => match (number(a), number(b)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
    }
}

/// A number (or a boolean, which the reference implementation counts as 0
/// or 1), for [`same`].
#[derive(Clone, Copy, Debug)]
enum Number {
    Int(i128),
    Float(f64),
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (*self, *other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            (Number::Int(i), Number::Float(f)) | (Number::Float(f), Number::Int(i)) => {
                // Exactly, as integers: a float that is an integer within
                // i128's range converts without loss.
                f.is_finite() && f.trunc() == f && f.abs() < 1.0e38 && f as i128 == i
            }
        }
    }
}

fn number(value: &Value) -> Option<Number> {
    match value {
        Value::Bool(b) => Some(Number::Int(i128::from(*b))),
        Value::Number(n) => n
            .as_i64()
            .map(|i| Number::Int(i128::from(i)))
            .or_else(|| n.as_u64().map(|u| Number::Int(i128::from(u))))
            .or_else(|| n.as_f64().map(Number::Float)),
        _ => None,
    }
}

fn key(name: &str) -> Path {
    Rc::from([Part::key(name)])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn release(id: &str, date: &str, rest: Value) -> Value {
        let mut release = json!({"ocid": "ocds-x-1", "id": id, "date": date, "tag": ["tender"]});
        if let (Some(release), Value::Object(rest)) = (release.as_object_mut(), rest) {
            release.extend(rest);
        }
        release
    }

    fn compiled(releases: &[Value]) -> Value {
        compile(releases).expect("compiles")
    }

    #[test]
    fn the_compiled_release_has_its_own_id_date_and_tag() {
        let out = compiled(&[
            release(
                "1",
                "2024-01-01T00:00:00Z",
                json!({"initiationType": "tender"}),
            ),
            release("2", "2024-02-01T00:00:00Z", json!({})),
        ]);
        assert_eq!(
            out,
            json!({
                "ocid": "ocds-x-1",
                "id": "ocds-x-1-2024-02-01T00:00:00Z",
                "date": "2024-02-01T00:00:00Z",
                "tag": ["compiled"],
                "initiationType": "tender",
            })
        );
    }

    #[test]
    fn a_later_value_replaces_an_earlier_one_and_null_removes_it() {
        let out = compiled(&[
            release(
                "1",
                "2024-01-01",
                json!({"tender": {"title": "a", "description": "d"}}),
            ),
            release(
                "2",
                "2024-01-02",
                json!({"tender": {"title": "b", "description": null}}),
            ),
        ]);
        assert_eq!(out["tender"], json!({"title": "b"}));
    }

    #[test]
    fn a_removed_field_leaves_its_parents_even_empty() {
        let out = compiled(&[
            release("1", "2024-01-01", json!({"tender": {"title": "a"}})),
            release("2", "2024-01-02", json!({"tender": {"title": null}})),
        ]);
        assert_eq!(out["tender"], json!({}));
    }

    #[test]
    fn objects_are_merged_field_by_field() {
        let out = compiled(&[
            release(
                "1",
                "2024-01-01",
                json!({"tender": {"value": {"amount": 1, "currency": "UAH"}}}),
            ),
            release(
                "2",
                "2024-01-02",
                json!({"tender": {"value": {"amount": 2}}}),
            ),
        ]);
        assert_eq!(
            out["tender"]["value"],
            json!({"amount": 2, "currency": "UAH"})
        );
    }

    #[test]
    fn objects_in_arrays_are_merged_by_id_and_new_ids_added_after() {
        let out = compiled(&[
            release(
                "1",
                "2024-01-01",
                json!({"awards": [{"id": "a", "status": "pending", "title": "t"}, {"id": "b", "status": "pending"}]}),
            ),
            release(
                "2",
                "2024-01-02",
                json!({"awards": [{"id": "c", "status": "pending"}, {"id": "a", "status": "active"}]}),
            ),
        ]);
        assert_eq!(
            out["awards"],
            json!([
                {"id": "a", "status": "active", "title": "t"},
                {"id": "b", "status": "pending"},
                {"id": "c", "status": "pending"},
            ])
        );
    }

    #[test]
    fn an_integer_id_is_kept_an_integer() {
        let out = compiled(&[release("1", "2024-01-01", json!({"awards": [{"id": 7}]}))]);
        assert_eq!(out["awards"], json!([{"id": 7}]));
    }

    #[test]
    fn objects_without_id_are_all_kept() {
        let out = compiled(&[
            release("1", "2024-01-01", json!({"ext": [{"x": 1}]})),
            release("2", "2024-01-02", json!({"ext": [{"x": 1}]})),
        ]);
        assert_eq!(out["ext"], json!([{"x": 1}, {"x": 1}]));
    }

    #[test]
    fn arrays_of_values_are_replaced_whole() {
        let out = compiled(&[
            release(
                "1",
                "2024-01-01",
                json!({"tender": {"submissionMethod": ["electronicSubmission", "inPerson"]}}),
            ),
            release(
                "2",
                "2024-01-02",
                json!({"tender": {"submissionMethod": ["written"]}}),
            ),
        ]);
        assert_eq!(out["tender"]["submissionMethod"], json!(["written"]));
    }

    #[test]
    fn whole_list_merge_arrays_of_objects_are_replaced_whole() {
        let out = compiled(&[
            release(
                "1",
                "2024-01-01",
                json!({"parties": [{"id": "p", "additionalIdentifiers": [{"scheme": "A", "id": "1"}, {"scheme": "B", "id": "2"}]}]}),
            ),
            release(
                "2",
                "2024-01-02",
                json!({"parties": [{"id": "p", "additionalIdentifiers": [{"scheme": "A", "id": "3"}]}]}),
            ),
        ]);
        assert_eq!(
            out["parties"],
            json!([{"id": "p", "additionalIdentifiers": [{"scheme": "A", "id": "3"}]}])
        );
    }

    #[test]
    fn omit_when_merged_fields_are_left_out_and_tag_always() {
        let schema = Schema::from_value(&json!({"properties": {
            "secret": {"type": "string", "omitWhenMerged": true},
            "tag": {"type": "array", "items": {"type": "string"}},
        }}))
        .expect("reads");
        let releases = [release(
            "1",
            "2024-01-01",
            json!({"secret": "s", "kept": 1}),
        )];
        let out = schema.compile(&releases).expect("compiles");
        assert_eq!(out.get("secret"), None);
        assert_eq!(out["tag"], json!(["compiled"]));
        assert_eq!(out["kept"], json!(1));
        let out = schema.versioned(&releases).expect("versions");
        assert_eq!(out.get("secret"), None);
        assert_eq!(out.get("tag"), None);
        // `id` and `date` are not omitted by that schema: versioned.
        assert_eq!(out["id"][0]["value"], json!("1"));
    }

    #[test]
    fn releases_are_merged_in_date_order_and_equal_dates_in_given_order() {
        let out = compiled(&[
            release("3", "2024-03-01", json!({"tender": {"title": "march"}})),
            release("1", "2024-01-01", json!({"tender": {"title": "january"}})),
            release("2a", "2024-02-01", json!({"tender": {"status": "first"}})),
            release("2b", "2024-02-01", json!({"tender": {"status": "second"}})),
        ]);
        assert_eq!(out["tender"], json!({"title": "march", "status": "second"}));
        assert_eq!(out["id"], json!("ocds-x-1-2024-03-01"));
    }

    #[test]
    fn empty_objects_and_arrays_change_nothing() {
        let out = compiled(&[
            release(
                "1",
                "2024-01-01",
                json!({"awards": [{"id": "a"}], "tender": {"title": "t"}}),
            ),
            release("2", "2024-01-02", json!({"awards": [], "tender": {}})),
        ]);
        assert_eq!(out["awards"], json!([{"id": "a"}]));
        assert_eq!(out["tender"], json!({"title": "t"}));
    }

    #[test]
    fn the_versioned_release_adds_a_version_only_when_a_value_changes() {
        let out = versioned(&[
            release(
                "1",
                "2024-01-01",
                json!({"tender": {"title": "a", "status": "active"}}),
            ),
            release(
                "2",
                "2024-01-02",
                json!({"tender": {"title": "a", "status": "complete"}}),
            ),
            release("3", "2024-01-03", json!({"tender": {"title": null}})),
        ])
        .expect("versions");
        let version = |id: &str, date: &str, value: Value| json!({"releaseID": id, "releaseDate": date, "releaseTag": ["tender"], "value": value});
        assert_eq!(
            out,
            json!({
                "ocid": "ocds-x-1",
                "tender": {
                    "title": [version("1", "2024-01-01", json!("a")), version("3", "2024-01-03", Value::Null)],
                    "status": [version("1", "2024-01-01", json!("active")), version("2", "2024-01-02", json!("complete"))],
                },
            })
        );
    }

    #[test]
    fn the_versioned_release_keeps_ids_in_arrays_plain_and_versions_whole_lists() {
        let out = versioned(&[
            release(
                "1",
                "2024-01-01",
                json!({"tender": {"id": "t", "items": [{"id": "i", "quantity": 1}], "submissionMethod": ["written"]}}),
            ),
            release(
                "2",
                "2024-01-02",
                json!({"tender": {"id": "t", "items": [{"id": "i", "quantity": 2}], "submissionMethod": ["inPerson"]}}),
            ),
        ])
        .expect("versions");
        let tender = &out["tender"];
        assert_eq!(tender["items"][0]["id"], json!("i"));
        assert_eq!(
            tender["items"][0]["quantity"].as_array().map(Vec::len),
            Some(2)
        );
        // `tender.id` (versionId) is versioned like any field of an object.
        assert_eq!(tender["id"][0]["value"], json!("t"));
        assert_eq!(tender["id"].as_array().map(Vec::len), Some(1));
        assert_eq!(tender["submissionMethod"][1]["value"], json!(["inPerson"]));
    }

    #[test]
    fn a_release_without_tag_or_id_has_null_ones_in_its_versions() {
        let releases = [json!({"ocid": "o", "date": "2024-01-01", "x": 1})];
        let out = versioned(&releases).expect("versions");
        assert_eq!(
            out["x"],
            json!([{"releaseID": null, "releaseDate": "2024-01-01", "releaseTag": null, "value": 1}])
        );
    }

    #[test]
    fn numbers_equal_in_value_are_one_version() {
        assert!(same(&json!(1), &json!(1.0)));
        assert!(same(&json!(1), &json!(true)));
        assert!(same(&json!(0.0), &json!(false)));
        assert!(same(&json!({"a": [1, 2.0]}), &json!({"a": [1.0, 2]})));
        assert!(!same(&json!(1), &json!(1.5)));
        assert!(!same(&json!(1), &json!("1")));
        assert!(!same(&json!(null), &json!(0)));
        assert!(!same(&json!({"a": 1}), &json!({"b": 1})));
        assert!(!same(&json!([1]), &json!([1, 1])));
        assert!(!same(
            &json!(18446744073709551615u64),
            &json!(1.8446744073709552e19)
        ));
        assert!(same(
            &json!(9007199254740992u64),
            &json!(9007199254740992.0)
        ));
        let out = versioned(&[
            release("1", "2024-01-01", json!({"x": 1})),
            release("2", "2024-01-02", json!({"x": 1.0})),
            release("3", "2024-01-03", json!({"x": 2})),
        ])
        .expect("versions");
        assert_eq!(out["x"].as_array().map(Vec::len), Some(2));
        assert_eq!(out["x"][0]["value"], json!(1));
    }

    #[test]
    fn releases_that_cannot_be_merged_are_errors() {
        assert_eq!(
            compile(&[json!([])]),
            Err(MergeError::NotAnObject { index: 0 })
        );
        assert_eq!(
            compile(&[json!({"ocid": "o", "date": "d"}), json!({"ocid": "o"})]),
            Err(MergeError::NoDate { index: 1 })
        );
        assert_eq!(
            versioned(&[json!({"ocid": "o", "date": 5})]),
            Err(MergeError::NoDate { index: 0 })
        );
        assert_eq!(
            compile(&[json!({"date": "d"})]),
            Err(MergeError::NoOcid { index: 0 })
        );
        assert!(matches!(
            compile(&[json!({"ocid": "o", "date": "d", "awards": [{"id": {"a": 1}}]})]),
            Err(MergeError::UnsupportedId { .. })
        ));
        assert!(matches!(
            compile(&[
                json!({"ocid": "o", "date": "1", "tender": {"title": "t"}}),
                json!({"ocid": "o", "date": "2", "tender": {"title": {"en": "t"}}}),
            ]),
            Err(MergeError::InconsistentType { .. })
        ));
        assert!(matches!(
            compile(&[
                json!({"ocid": "o", "date": "1", "ext": {"a": 1}}),
                json!({"ocid": "o", "date": "2", "ext": [{"id": 1}]}),
            ]),
            Err(MergeError::InconsistentType { .. })
        ));
    }

    #[test]
    fn no_release_merges_to_the_bare_compiled_release() {
        assert_eq!(compile(&[]), Ok(json!({"tag": ["compiled"]})));
        assert_eq!(versioned(&[]), Ok(json!({})));
    }
}
