//! The merge rules of a release schema: which field is left out of merged
//! releases, which array is replaced whole and which is merged by `id`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The OCDS 1.1 release schema, embedded (see `schema/README.md`).
const RELEASE_SCHEMA_1_1: &str = include_str!("../../schema/release-schema.json");

/// How the merge routine treats one field, named by its path of property
/// names from the release (array items add nothing to the path: the rule of
/// `awards.suppliers` is found at `["awards", "suppliers"]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `"omitWhenMerged": true` (or OCDS 1.0's `"mergeStrategy": "ocdsOmit"`):
    /// left out of compiled and versioned releases.
    OmitWhenMerged,
    /// An array with `"wholeListMerge": true` (or OCDS 1.0's
    /// `"mergeStrategy": "ocdsVersion"`): replaced whole by a later release.
    WholeListMerge,
    /// An array whose items are not objects with an `id` property: replaced
    /// whole, as if it set `wholeListMerge`.
    ReplaceArray,
    /// An array of objects with an `id` property: its objects are merged by
    /// `id`, each recursively.
    MergeById,
    /// An object with properties: merged field by field.
    Object,
    /// Any other field: a later value replaces an earlier one.
    Value,
}

impl Rule {
    /// Whether a value at a field with this rule is kept whole, never merged
    /// into.
    pub(crate) fn replaces_whole(self) -> bool {
        matches!(self, Rule::WholeListMerge | Rule::ReplaceArray)
    }
}

/// A release schema that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("the release schema is not JSON: {0}")]
    Json(String),
    #[error("the release schema is not an object with an object of `properties`")]
    NoProperties,
    #[error("`$ref` {0:?} is not a reference into this document (only `#/...` is resolved)")]
    ExternalRef(String),
    #[error("`$ref` {0:?} points to nothing in the schema")]
    UnresolvedRef(String),
    #[error("`$ref` {0:?} refers to itself through the fields it describes")]
    CyclicRef(String),
    #[error("the schema at {0} is not an object")]
    NotAnObject(String),
}

/// The merge rules read from a release schema, built once and used for any
/// number of merges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    rules: HashMap<Vec<String>, Rule>,
    /// The same rules as a tree of field names, walked while merging.
    tree: RuleTree,
    version_ids: Vec<Vec<String>>,
}

/// The rules of the fields below one field (or the release), by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RuleTree {
    pub(crate) rule: Option<Rule>,
    children: HashMap<String, RuleTree>,
}

impl RuleTree {
    pub(crate) fn child(&self, name: &str) -> Option<&RuleTree> {
        self.children.get(name)
    }
}

impl Schema {
    /// The rules of the OCDS 1.1 release schema embedded in this crate, read
    /// once.
    pub fn release_1_1() -> Result<&'static Schema, SchemaError> {
        static SCHEMA: OnceLock<Result<Schema, SchemaError>> = OnceLock::new();
        SCHEMA
            .get_or_init(|| Schema::from_json(RELEASE_SCHEMA_1_1))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads the rules from the text of a release schema.
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        let schema: Value =
            serde_json::from_str(text).map_err(|e| SchemaError::Json(e.to_string()))?;
        Schema::from_value(&schema)
    }

    /// Reads the rules from a release schema (JSON Schema draft 4, with
    /// `$ref`s into its own `definitions`).
    pub fn from_value(schema: &Value) -> Result<Schema, SchemaError> {
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or(SchemaError::NoProperties)?;
        let mut reader = Reader {
            root: schema,
            rules: HashMap::new(),
            version_ids: Vec::new(),
            refs: Vec::new(),
        };
        reader.properties(properties, &mut Vec::new())?;
        let mut version_ids = reader.version_ids;
        version_ids.sort();
        let mut tree = RuleTree::default();
        for (path, rule) in &reader.rules {
            let mut node = &mut tree;
            for name in path {
                node = node.children.entry(name.clone()).or_default();
            }
            node.rule = Some(*rule);
        }
        Ok(Schema {
            rules: reader.rules,
            tree,
            version_ids,
        })
    }

    /// The rule of the field at `path` (property names from the release,
    /// nothing for array items), or `None` for a field the schema does not
    /// describe, which is then merged by the shape of its value.
    pub fn rule<S: AsRef<str>>(&self, path: &[S]) -> Option<Rule> {
        let path: Vec<String> = path.iter().map(|p| p.as_ref().to_owned()).collect();
        self.rules.get(&path).copied()
    }

    /// Every field the schema describes with its rule, in no order.
    pub fn rules(&self) -> impl Iterator<Item = (&[String], Rule)> {
        self.rules
            .iter()
            .map(|(path, rule)| (path.as_slice(), *rule))
    }

    /// The fields that set `"versionId": true` (an `id` of an object that is
    /// not in an array, versioned like any field). The merge routine needs no
    /// such flag: an `id` is kept as a plain value exactly when its object is
    /// an item of an array merged by `id`.
    pub fn version_ids(&self) -> &[Vec<String>] {
        &self.version_ids
    }

    /// The rules as a tree, from the release's fields.
    pub(crate) fn tree(&self) -> &RuleTree {
        &self.tree
    }
}

struct Reader<'a> {
    root: &'a Value,
    rules: HashMap<Vec<String>, Rule>,
    version_ids: Vec<Vec<String>>,
    /// The `$ref`s being followed, to refuse a cycle.
    refs: Vec<String>,
}

impl<'a> Reader<'a> {
    fn properties(
        &mut self,
        properties: &'a Map<String, Value>,
        path: &mut Vec<String>,
    ) -> Result<(), SchemaError> {
        for (key, value) in properties {
            path.push(key.clone());
            let result = self.field(value, path);
            path.pop();
            result?;
        }
        Ok(())
    }

    /// Reads one property: the precedence is the reference
    /// implementation's (omitWhenMerged over wholeListMerge over the rest).
    fn field(&mut self, value: &'a Value, path: &mut Vec<String>) -> Result<(), SchemaError> {
        let (value, pushed) = self.resolve(value, path)?;
        let result = self.field_resolved(value, path);
        self.refs.truncate(self.refs.len() - pushed);
        result
    }

    fn field_resolved(
        &mut self,
        value: &'a Map<String, Value>,
        path: &mut Vec<String>,
    ) -> Result<(), SchemaError> {
        let types = types(value);
        let flag = |name: &str| value.get(name).and_then(Value::as_bool) == Some(true);
        let strategy = value.get("mergeStrategy").and_then(Value::as_str);
        if flag("versionId") {
            self.version_ids.push(path.clone());
        }
        if flag("omitWhenMerged") || strategy == Some("ocdsOmit") {
            self.rules.insert(path.clone(), Rule::OmitWhenMerged);
        } else if types.contains(&"array")
            && (flag("wholeListMerge") || strategy == Some("ocdsVersion"))
        {
            self.rules.insert(path.clone(), Rule::WholeListMerge);
        } else if let (true, Some(properties)) = (
            types.contains(&"object"),
            value.get("properties").and_then(Value::as_object),
        ) {
            self.rules.insert(path.clone(), Rule::Object);
            self.properties(properties, path)?;
        } else if let (true, Some(items)) = (types.contains(&"array"), value.get("items")) {
            let (items, pushed) = self.resolve(items, path)?;
            let result = self.array(items, path);
            self.refs.truncate(self.refs.len() - pushed);
            result?;
        } else {
            self.rules.insert(path.clone(), Rule::Value);
        }
        Ok(())
    }

    fn array(
        &mut self,
        items: &'a Map<String, Value>,
        path: &mut Vec<String>,
    ) -> Result<(), SchemaError> {
        let item_types = types(items);
        if item_types.iter().any(|t| *t != "object") {
            self.rules.insert(path.clone(), Rule::ReplaceArray);
        } else if let (true, Some(properties)) = (
            item_types.contains(&"object"),
            items.get("properties").and_then(Value::as_object),
        ) {
            if properties.contains_key("id") {
                self.rules.insert(path.clone(), Rule::MergeById);
                self.properties(properties, path)?;
            } else {
                self.rules.insert(path.clone(), Rule::ReplaceArray);
            }
        } else {
            // Items of no declared type: merged by the shape of the data.
            self.rules.insert(path.clone(), Rule::Value);
        }
        Ok(())
    }

    /// Follows `$ref`s (a `$ref` replaces the object it is in, siblings and
    /// all, as in draft 4) to an object schema. Returns how many references
    /// were pushed on the stack of those being followed, for the caller to
    /// pop once it has read what they point to.
    fn resolve(
        &mut self,
        value: &'a Value,
        path: &[String],
    ) -> Result<(&'a Map<String, Value>, usize), SchemaError> {
        let mut current = value;
        let mut pushed = 0;
        while let Some(reference) = current.get("$ref") {
            let Some(reference) = reference.as_str() else {
                return Err(SchemaError::UnresolvedRef(reference.to_string()));
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return Err(SchemaError::ExternalRef(reference.to_owned()));
            };
            if self.refs.iter().any(|r| r == reference) {
                return Err(SchemaError::CyclicRef(reference.to_owned()));
            }
            current = self
                .root
                .pointer(pointer)
                .ok_or_else(|| SchemaError::UnresolvedRef(reference.to_owned()))?;
            self.refs.push(reference.to_owned());
            pushed += 1;
        }
        let object = current
            .as_object()
            .ok_or_else(|| SchemaError::NotAnObject(format!("/{}", path.join("/"))))?;
        Ok((object, pushed))
    }
}

/// A schema's `type` as a list (none when it has no `type`).
fn types(schema: &Map<String, Value>) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rule(schema: &Schema, path: &str) -> Option<Rule> {
        schema.rule(&path.split('.').collect::<Vec<_>>())
    }

    #[test]
    fn the_release_schema_has_the_rules_of_ocds_1_1() {
        let schema = Schema::release_1_1().expect("the embedded schema reads");
        for (path, expected) in [
            ("id", Rule::OmitWhenMerged),
            ("date", Rule::OmitWhenMerged),
            ("tag", Rule::OmitWhenMerged),
            ("ocid", Rule::Value),
            ("tender", Rule::Object),
            ("tender.title", Rule::Value),
            ("tender.items", Rule::MergeById),
            (
                "tender.items.additionalClassifications",
                Rule::WholeListMerge,
            ),
            ("tender.items.unit", Rule::Object),
            ("tender.submissionMethod", Rule::ReplaceArray),
            ("tender.tenderers", Rule::MergeById),
            ("parties", Rule::MergeById),
            ("parties.additionalIdentifiers", Rule::WholeListMerge),
            ("parties.roles", Rule::ReplaceArray),
            ("buyer.additionalIdentifiers", Rule::WholeListMerge),
            ("awards.suppliers", Rule::MergeById),
            ("contracts.implementation.transactions", Rule::MergeById),
            ("contracts.implementation.transactions.value", Rule::Object),
        ] {
            assert_eq!(rule(schema, path), Some(expected), "{path}");
        }
        assert_eq!(rule(schema, "tender.noSuchField"), None);
        assert_eq!(rule(schema, "awards.id"), Some(Rule::Value));
    }

    #[test]
    fn the_fields_with_version_id_are_listed() {
        let schema = Schema::release_1_1().expect("the embedded schema reads");
        let ids: Vec<String> = schema.version_ids().iter().map(|p| p.join(".")).collect();
        assert!(ids.contains(&"tender.id".to_owned()), "{ids:?}");
        assert!(ids.contains(&"tender.items.unit.id".to_owned()), "{ids:?}");
        assert!(ids.contains(&"buyer.identifier.id".to_owned()), "{ids:?}");
    }

    #[test]
    fn the_embedded_schema_is_the_shared_one() {
        let shared = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/ocds/release-schema.json"
        );
        match std::fs::read_to_string(shared) {
            Ok(text) => assert!(text == RELEASE_SCHEMA_1_1, "{shared} differs"),
            Err(e) => eprintln!("not compared with {shared}: {e}"),
        }
    }

    #[test]
    fn omit_when_merged_comes_before_whole_list_merge_which_comes_before_the_rest() {
        let schema = Schema::from_value(&json!({"properties": {
            "a": {"type": "array", "omitWhenMerged": true, "wholeListMerge": true,
                  "items": {"type": "object", "properties": {"id": {}}}},
            "b": {"type": "array", "wholeListMerge": true,
                  "items": {"type": "object", "properties": {"id": {}, "c": {"omitWhenMerged": true}}}},
            "d": {"type": ["object", "null"], "mergeStrategy": "ocdsOmit", "properties": {"e": {}}},
            "f": {"type": "array", "mergeStrategy": "ocdsVersion", "items": {"type": "object"}},
        }}))
        .expect("reads");
        assert_eq!(rule(&schema, "a"), Some(Rule::OmitWhenMerged));
        assert_eq!(rule(&schema, "b"), Some(Rule::WholeListMerge));
        assert_eq!(rule(&schema, "b.c"), None);
        assert_eq!(rule(&schema, "d"), Some(Rule::OmitWhenMerged));
        assert_eq!(rule(&schema, "d.e"), None);
        assert_eq!(rule(&schema, "f"), Some(Rule::WholeListMerge));
    }

    #[test]
    fn arrays_are_merged_by_id_only_when_their_items_are_objects_with_an_id() {
        let schema = Schema::from_value(&json!({
            "properties": {
                "withId": {"type": "array", "items": {"$ref": "#/definitions/WithId"}},
                "withoutId": {"type": "array", "items": {"type": "object", "properties": {"x": {}}}},
                "strings": {"type": ["array", "null"], "items": {"type": "string"}},
                "mixed": {"type": "array", "items": {"type": ["object", "null"], "properties": {"id": {}}}},
                "untyped": {"type": "array", "items": {}},
                "object": {"$ref": "#/definitions/WithId", "title": "ignored beside $ref"},
            },
            "definitions": {
                "WithId": {"type": "object", "properties": {
                    "id": {"type": "string"},
                    "tags": {"type": "array", "wholeListMerge": true, "items": {"type": "object", "properties": {"id": {}}}},
                }},
            },
        }))
        .expect("reads");
        assert_eq!(rule(&schema, "withId"), Some(Rule::MergeById));
        assert_eq!(rule(&schema, "withId.id"), Some(Rule::Value));
        assert_eq!(rule(&schema, "withId.tags"), Some(Rule::WholeListMerge));
        assert_eq!(rule(&schema, "withoutId"), Some(Rule::ReplaceArray));
        assert_eq!(rule(&schema, "strings"), Some(Rule::ReplaceArray));
        assert_eq!(rule(&schema, "mixed"), Some(Rule::ReplaceArray));
        assert_eq!(rule(&schema, "untyped"), Some(Rule::Value));
        assert_eq!(rule(&schema, "object"), Some(Rule::Object));
        assert_eq!(rule(&schema, "object.tags"), Some(Rule::WholeListMerge));
    }

    #[test]
    fn a_schema_that_cannot_be_read_is_an_error() {
        assert!(matches!(Schema::from_json("{"), Err(SchemaError::Json(_))));
        assert_eq!(
            Schema::from_value(&json!([])),
            Err(SchemaError::NoProperties)
        );
        assert_eq!(
            Schema::from_value(&json!({"properties": {"a": {"$ref": "#/definitions/Nope"}}})),
            Err(SchemaError::UnresolvedRef("#/definitions/Nope".into()))
        );
        assert_eq!(
            Schema::from_value(&json!({"properties": {"a": {"$ref": "other.json#/x"}}})),
            Err(SchemaError::ExternalRef("other.json#/x".into()))
        );
        assert_eq!(
            Schema::from_value(&json!({"properties": {"a": {"$ref": 3}}})),
            Err(SchemaError::UnresolvedRef("3".into()))
        );
        assert_eq!(
            Schema::from_value(&json!({"properties": {"a": 3}})),
            Err(SchemaError::NotAnObject("/a".into()))
        );
        assert_eq!(
            Schema::from_value(&json!({
                "properties": {"a": {"$ref": "#/definitions/A"}},
                "definitions": {"A": {"type": "object", "properties": {"b": {"$ref": "#/definitions/A"}}}},
            })),
            Err(SchemaError::CyclicRef("#/definitions/A".into()))
        );
    }

    #[test]
    fn a_definition_used_twice_side_by_side_is_no_cycle() {
        let schema = Schema::from_value(&json!({
            "properties": {"a": {"$ref": "#/definitions/V"}, "b": {"$ref": "#/definitions/V"}},
            "definitions": {"V": {"type": "object", "properties": {"amount": {}}}},
        }))
        .expect("reads");
        assert_eq!(rule(&schema, "b.amount"), Some(Rule::Value));
    }
}
