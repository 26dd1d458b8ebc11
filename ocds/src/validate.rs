//! Checks of OCDS output against the vendored OCDS 1.1 schemas (JSON Schema
//! draft-04, their URLs resolved to the copies in `ocds/schema/`, never the
//! network) and codelists: what the tests run over every document the
//! server makes.

use std::collections::BTreeSet;

use jsonschema::{Draft, Retrieve, Uri, Validator};
use serde_json::{Value, json};

/// Where the schemas' `$ref`s point.
const SCHEMA_URL: &str = "https://standard.open-contracting.org/schema/1__1__5/";

const RELEASE: &str = include_str!("../schema/release-schema.json");
const RELEASE_PACKAGE: &str = include_str!("../schema/release-package-schema.json");
const RECORD_PACKAGE: &str = include_str!("../schema/record-package-schema.json");
const VERSIONED: &str = include_str!("../schema/versioned-release-validation-schema.json");

/// The closed codelists this crate writes values of, by file name.
const CODELISTS: [(&str, &str); 11] = [
    (
        "awardCriteria.csv",
        include_str!("../schema/codelists/awardCriteria.csv"),
    ),
    (
        "awardStatus.csv",
        include_str!("../schema/codelists/awardStatus.csv"),
    ),
    (
        "contractStatus.csv",
        include_str!("../schema/codelists/contractStatus.csv"),
    ),
    (
        "currency.csv",
        include_str!("../schema/codelists/currency.csv"),
    ),
    (
        "initiationType.csv",
        include_str!("../schema/codelists/initiationType.csv"),
    ),
    ("method.csv", include_str!("../schema/codelists/method.csv")),
    (
        "partyRole.csv",
        include_str!("../schema/codelists/partyRole.csv"),
    ),
    (
        "procurementCategory.csv",
        include_str!("../schema/codelists/procurementCategory.csv"),
    ),
    (
        "releaseTag.csv",
        include_str!("../schema/codelists/releaseTag.csv"),
    ),
    (
        "submissionMethod.csv",
        include_str!("../schema/codelists/submissionMethod.csv"),
    ),
    (
        "tenderStatus.csv",
        include_str!("../schema/codelists/tenderStatus.csv"),
    ),
];

fn parse(text: &str) -> Value {
    // The vendored schemas are JSON: a failure is a broken checkout.
    serde_json::from_str(text).unwrap_or_else(|e| panic!("a vendored OCDS schema: {e}"))
}

/// The release schema with the bids extension's `bids` field and the lots
/// extension's fields, as a patch of the fields this crate writes
/// (`bids.details` with `id`, `date`, `status`, `tenderers`, `value`;
/// `awards.relatedBids`; `tender.lots` with `id`, `title`, `description`,
/// `status`, `value`; `items.relatedLot`; `awards.relatedLots`): the
/// extensions themselves are not vendored, so their schemas are not read
/// here.
pub fn release_schema() -> Value {
    let mut schema = parse(RELEASE);
    schema["properties"]["bids"] = json!({"$ref": "#/definitions/Bids"});
    schema["definitions"]["Bids"] = json!({
        "type": "object",
        "properties": {"details": {"type": "array", "items": {"$ref": "#/definitions/Bid"}}},
    });
    schema["definitions"]["Bid"] = json!({
        "type": "object",
        "required": ["id"],
        "additionalProperties": false,
        "properties": {
            "id": {"type": "string"},
            "date": {"type": ["string", "null"], "format": "date-time"},
            "status": {"type": ["string", "null"],
                       "enum": ["invited", "pending", "valid", "disqualified", "withdrawn", null]},
            "tenderers": {"type": "array", "items": {"$ref": "#/definitions/OrganizationReference"}},
            "value": {"$ref": "#/definitions/Value"},
        },
    });
    schema["definitions"]["Award"]["properties"]["relatedBids"] =
        json!({"type": ["array", "null"], "items": {"type": "string"}});
    // The lots extension's fields this crate writes.
    schema["definitions"]["Tender"]["properties"]["lots"] =
        json!({"type": "array", "items": {"$ref": "#/definitions/Lot"}});
    schema["definitions"]["Lot"] = json!({
        "type": "object",
        "required": ["id"],
        "additionalProperties": false,
        "properties": {
            "id": {"type": "string"},
            "title": {"type": ["string", "null"]},
            "description": {"type": ["string", "null"]},
            "status": {"type": ["string", "null"],
                       "enum": ["planning", "planned", "active", "cancelled", "unsuccessful",
                                "complete", "withdrawn", null]},
            "value": {"$ref": "#/definitions/Value"},
        },
    });
    schema["definitions"]["Item"]["properties"]["relatedLot"] = json!({"type": ["string", "null"]});
    schema["definitions"]["Award"]["properties"]["relatedLots"] =
        json!({"type": ["array", "null"], "items": {"type": "string"}});
    schema
}

/// The release package schema.
pub fn release_package_schema() -> Value {
    parse(RELEASE_PACKAGE)
}

/// The record package schema.
pub fn record_package_schema() -> Value {
    parse(RECORD_PACKAGE)
}

/// The versioned release validation schema.
pub fn versioned_release_schema() -> Value {
    parse(VERSIONED)
}

/// Resolves the schemas' URLs to the vendored files; the release schema is
/// the one with the bids patch.
struct Local;

impl Retrieve for Local {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        let name = uri
            .strip_prefix(SCHEMA_URL)
            .ok_or_else(|| format!("{uri} is not a vendored schema"))?;
        Ok(match name {
            "release-schema.json" => release_schema(),
            "release-package-schema.json" => release_package_schema(),
            "record-package-schema.json" => record_package_schema(),
            "versioned-release-validation-schema.json" => versioned_release_schema(),
            _ => return Err(format!("{uri} is not a vendored schema").into()),
        })
    }
}

/// A draft-04 validator of `schema`, checking formats, resolving every
/// reference locally.
pub fn validator(schema: &Value) -> Validator {
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true)
        .with_retriever(Local)
        .build(schema)
        .unwrap_or_else(|e| panic!("a vendored OCDS schema does not build: {e}"))
}

/// Every schema error of `instance`, as `message at path`.
pub fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

/// The codes of a codelist (its CSV's first column).
pub fn codes(codelist: &str) -> BTreeSet<String> {
    let text = CODELISTS
        .iter()
        .find(|(name, _)| *name == codelist)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no vendored codelist {codelist}"));
    text.lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .map(str::to_owned)
        .collect()
}

/// The codelist values of `release` (tags, initiation type, party roles,
/// tender, award and contract statuses, methods, categories, currencies)
/// that are not in their codelists.
pub fn codelist_errors(release: &Value) -> Vec<String> {
    let id = release["id"].as_str().unwrap_or_default();
    let mut errors = Vec::new();
    let mut check = |codelist: &str, value: &Value, what: &str| {
        if value.is_null() {
            return; // a removal
        }
        match value.as_str() {
            Some(code) if codes(codelist).contains(code) => {}
            Some(code) => errors.push(format!("{id} {what} = {code} is not in {codelist}")),
            None => errors.push(format!("{id} {what} is not a string: {value}")),
        }
    };
    for tag in release["tag"].as_array().into_iter().flatten() {
        check("releaseTag.csv", tag, "tag");
    }
    check(
        "initiationType.csv",
        &release["initiationType"],
        "initiationType",
    );
    for party in release["parties"].as_array().into_iter().flatten() {
        for role in party["roles"].as_array().into_iter().flatten() {
            check("partyRole.csv", role, "party role");
        }
    }
    let tender = &release["tender"];
    for (field, codelist) in [
        ("status", "tenderStatus.csv"),
        ("procurementMethod", "method.csv"),
        ("mainProcurementCategory", "procurementCategory.csv"),
        ("awardCriteria", "awardCriteria.csv"),
    ] {
        if let Some(value) = tender.get(field) {
            check(codelist, value, &format!("tender.{field}"));
        }
    }
    for method in tender["submissionMethod"].as_array().into_iter().flatten() {
        check("submissionMethod.csv", method, "tender.submissionMethod");
    }
    for award in release["awards"].as_array().into_iter().flatten() {
        if let Some(status) = award.get("status") {
            check("awardStatus.csv", status, "award status");
        }
    }
    for contract in release["contracts"].as_array().into_iter().flatten() {
        if let Some(status) = contract.get("status") {
            check("contractStatus.csv", status, "contract status");
        }
    }
    let mut currencies = Vec::new();
    collect_currencies(release, &mut currencies);
    for currency in &currencies {
        check("currency.csv", currency, "currency");
    }
    errors
}

fn collect_currencies(value: &Value, found: &mut Vec<Value>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                if key == "currency" {
                    found.push(value.clone());
                } else {
                    collect_currencies(value, found);
                }
            }
        }
        Value::Array(values) => values
            .iter()
            .for_each(|value| collect_currencies(value, found)),
        _ => {}
    }
}

/// Every validator at once, built once, for checking many documents.
pub struct Schemas {
    release: Validator,
    release_package: Validator,
    record_package: Validator,
    versioned: Validator,
}

impl Default for Schemas {
    fn default() -> Self {
        Schemas {
            release: validator(&release_schema()),
            release_package: validator(&release_package_schema()),
            record_package: validator(&record_package_schema()),
            versioned: validator(&versioned_release_schema()),
        }
    }
}

impl Schemas {
    /// A release's schema and codelist errors.
    pub fn release(&self, release: &Value) -> Vec<String> {
        let mut found = errors(&self.release, release);
        found.extend(codelist_errors(release));
        found
    }

    /// A release package's errors, its releases' included.
    pub fn release_package(&self, package: &Value) -> Vec<String> {
        let mut found = errors(&self.release_package, package);
        for release in package["releases"].as_array().into_iter().flatten() {
            found.extend(self.release(release));
        }
        found
    }

    /// A record package's errors: the package, then each record's
    /// releases, compiled release and versioned release.
    pub fn record_package(&self, package: &Value) -> Vec<String> {
        let mut found = errors(&self.record_package, package);
        for record in package["records"].as_array().into_iter().flatten() {
            found.extend(self.record(record));
        }
        found
    }

    /// One record's errors (its releases, compiled and versioned release).
    pub fn record(&self, record: &Value) -> Vec<String> {
        let mut found = Vec::new();
        for release in record["releases"].as_array().into_iter().flatten() {
            found.extend(self.release(release));
        }
        found.extend(self.release(&record["compiledRelease"]));
        found.extend(errors(&self.versioned, &record["versionedRelease"]));
        found
    }
}
