//! OCDS 1.1 release packages, records and record packages.

use serde_json::{Map, Value, json};

use crate::merge::{self, MergeError};
use crate::release::{BIDS_EXTENSION, LOTS_EXTENSION};

/// The publisher named in every package: opencdb's operator.
pub const PUBLISHER: &str = "opencdb";

/// The extensions `releases` use: the bids extension when one of them has
/// `bids`, the lots extension when one has `tender.lots`.
pub fn extensions<'r>(releases: impl IntoIterator<Item = &'r Value>) -> Vec<&'static str> {
    let (mut bids, mut lots) = (false, false);
    for release in releases {
        bids |= release.get("bids").is_some();
        lots |= release.pointer("/tender/lots").is_some();
    }
    let mut extensions = Vec::new();
    if bids {
        extensions.push(BIDS_EXTENSION);
    }
    if lots {
        extensions.push(LOTS_EXTENSION);
    }
    extensions
}

/// A release package of `releases`, published at `published_date`
/// (RFC 3339) at `uri`.
pub fn release_package(releases: &[Value], published_date: &str, uri: &str) -> Value {
    let mut package = header(uri, published_date, extensions(releases));
    package.insert("releases".into(), releases.to_vec().into());
    Value::Object(package)
}

/// The record of the contracting process `ocid`: its releases (all of that
/// ocid), the compiled release and the versioned release.
pub fn record(ocid: &str, releases: &[Value]) -> Result<Value, MergeError> {
    Ok(json!({
        "ocid": ocid,
        "releases": releases,
        "compiledRelease": merge::compile(releases)?,
        "versionedRelease": merge::versioned(releases)?,
    }))
}

/// A record package of `records` (made by [`record`]), published at
/// `published_date` at `uri`.
pub fn record_package(records: &[Value], published_date: &str, uri: &str) -> Value {
    let releases = records
        .iter()
        .flat_map(|record| record.get("releases").and_then(Value::as_array))
        .flatten();
    let mut package = header(uri, published_date, extensions(releases));
    package.insert("records".into(), records.to_vec().into());
    Value::Object(package)
}

fn header(uri: &str, published_date: &str, extensions: Vec<&'static str>) -> Map<String, Value> {
    let mut package = Map::new();
    package.insert("uri".into(), uri.into());
    package.insert("version".into(), "1.1".into());
    package.insert("publishedDate".into(), published_date.into());
    package.insert("publisher".into(), json!({ "name": PUBLISHER }));
    if !extensions.is_empty() {
        package.insert(
            "extensions".into(),
            extensions.into_iter().map(Value::from).collect(),
        );
    }
    package
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(id: &str, date: &str, rest: Value) -> Value {
        let mut release = json!({"ocid": "ocds-x-1", "id": id, "date": date, "tag": ["tender"],
                                 "initiationType": "tender"});
        if let (Some(release), Value::Object(rest)) = (release.as_object_mut(), rest) {
            release.extend(rest);
        }
        release
    }

    #[test]
    fn a_release_package_lists_the_bids_extension_only_when_a_release_has_bids() {
        let plain = [release("ocds-x-1-1", "2024-01-01T00:00:00Z", json!({}))];
        let package = release_package(&plain, "2024-02-01T00:00:00Z", "https://cdb.example/p");
        assert_eq!(
            package,
            json!({"uri": "https://cdb.example/p", "version": "1.1", "publishedDate": "2024-02-01T00:00:00Z",
                   "publisher": {"name": PUBLISHER}, "releases": plain})
        );
        let with_bids = [
            plain[0].clone(),
            release(
                "ocds-x-1-2",
                "2024-01-02T00:00:00Z",
                json!({"bids": {"details": [{"id": "b1"}]}}),
            ),
        ];
        let package = release_package(&with_bids, "2024-02-01T00:00:00Z", "https://cdb.example/p");
        assert_eq!(package["extensions"], json!([BIDS_EXTENSION]));
    }

    #[test]
    fn a_record_has_the_releases_and_their_merges() {
        let releases = [
            release(
                "ocds-x-1-1",
                "2024-01-01T00:00:00Z",
                json!({"tender": {"id": "t", "title": "A"}}),
            ),
            release(
                "ocds-x-1-2",
                "2024-01-02T00:00:00Z",
                json!({"tender": {"id": "t", "title": "B"}}),
            ),
        ];
        let record = record("ocds-x-1", &releases).expect("merges");
        assert_eq!(record["ocid"], json!("ocds-x-1"));
        assert_eq!(record["releases"], json!(releases));
        assert_eq!(record["compiledRelease"]["tender"]["title"], json!("B"));
        assert_eq!(
            record["versionedRelease"]["tender"]["title"][0]["value"],
            json!("A")
        );
        let package = record_package(&[record], "2024-02-01T00:00:00Z", "https://cdb.example/r");
        assert_eq!(package["records"][0]["ocid"], json!("ocds-x-1"));
        assert!(package.get("extensions").is_none());
        assert!(
            super::record("ocds-x-1", &[json!({"ocid": "ocds-x-1"})]).is_err(),
            "no date: an error"
        );
    }
}
