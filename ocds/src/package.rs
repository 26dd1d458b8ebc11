//! OCDS 1.1 release packages, records and record packages.

use serde_json::{Map, Value, json};

use crate::merge::{self, MergeError};
use crate::release::BIDS_EXTENSION;

/// The publisher named in every package: opencdb's operator.
pub const PUBLISHER: &str = "opencdb";

/// The extensions `releases` use: the bids extension when one of them has
/// `bids`.
pub fn extensions<'r>(releases: impl IntoIterator<Item = &'r Value>) -> Vec<&'static str> {
    let mut extensions = Vec::new();
    if releases
        .into_iter()
        .any(|release| release.get("bids").is_some())
    {
        extensions.push(BIDS_EXTENSION);
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
