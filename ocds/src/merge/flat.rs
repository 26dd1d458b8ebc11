//! Releases as flat maps from paths to values, and back.
//!
//! A release is flattened to the values of its leaves, each at its path; an
//! item of an array of objects is named in a path by its `id`, so that the
//! same `id` in two releases is the same path and the later value replaces
//! the earlier one. Merging is then replacing values path by path, in the
//! order of the releases; unflattening builds the merged release again,
//! objects in arrays in the order their `id` first appeared. This is the
//! reference implementation's method (`ocdsmerge`), followed step by step so
//! that its output is matched exactly.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value};

use super::MergeError;
use super::schema::{Rule, Schema};

/// The identity of an object in an array: its `id` as it is (the integer 1
/// and the string "1" are two identities, as in the reference
/// implementation), or a unique one for an object without `id`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Identifier {
    Str(String),
    /// An integer, in decimals.
    Int(String),
    Null,
    /// An object without an `id`: never merged with another.
    Unique(u64),
}

impl Identifier {
    /// The `id` that an object of this identity starts with.
    fn id(&self) -> Option<Value> {
        match self {
            Identifier::Str(s) => Some(Value::String(s.clone())),
            Identifier::Int(n) => serde_json::from_str(n).ok(),
            Identifier::Null | Identifier::Unique(_) => None,
        }
    }
}

/// One step of a path: a property, or an object in an array.
#[derive(Clone, Debug)]
pub(crate) enum Part {
    Key(String),
    Item {
        /// The text the step compares by: the `id` as the reference
        /// implementation prints it (`1` and `"1"` are the same step).
        text: String,
        identifier: Identifier,
    },
}

impl Part {
    fn text(&self) -> &str {
        match self {
            Part::Key(key) => key,
            Part::Item { text, .. } => text,
        }
    }
}

impl PartialEq for Part {
    fn eq(&self, other: &Part) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Part {}

impl Hash for Part {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text().hash(state);
    }
}

pub(crate) type Path = Vec<Part>;

/// A map that keeps its keys in the order first inserted; inserting at a key
/// already there replaces the value and keeps the first key and its place.
#[derive(Debug)]
pub(crate) struct Flat<V> {
    entries: Vec<(Path, V)>,
    index: HashMap<Path, usize>,
}

impl<V> Default for Flat<V> {
    fn default() -> Self {
        Flat {
            entries: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<V> Flat<V> {
    pub(crate) fn insert(&mut self, path: Path, value: V) {
        match self.index.get(&path) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(path.clone(), self.entries.len());
                self.entries.push((path, value));
            }
        }
    }

    pub(crate) fn get_mut(&mut self, path: &Path) -> Option<&mut V> {
        let i = *self.index.get(path)?;
        Some(&mut self.entries[i].1)
    }

    pub(crate) fn remove(&mut self, path: &Path) -> Option<V> {
        let i = self.index.remove(path)?;
        let (_, value) = self.entries.remove(i);
        for j in self.index.values_mut() {
            if *j > i {
                *j -= 1;
            }
        }
        Some(value)
    }

    pub(crate) fn into_entries(self) -> Vec<(Path, V)> {
        self.entries
    }
}

/// Flattens one release (an object) into `out`.
pub(crate) struct Flattener<'s> {
    pub(crate) schema: &'s Schema,
    /// The next identity of an object without an `id`.
    pub(crate) unique: u64,
}

impl Flattener<'_> {
    /// A release's fields but `tag`.
    pub(crate) fn release(
        &mut self,
        release: &Map<String, Value>,
        out: &mut Flat<Value>,
    ) -> Result<(), MergeError> {
        let (mut path, mut rule_path) = (Vec::new(), Vec::new());
        for (key, value) in release.iter().filter(|(key, _)| *key != "tag") {
            rule_path.push(key.clone());
            path.push(Part::Key(key.clone()));
            let result = self.value(value, &mut path, &mut rule_path, out);
            path.pop();
            rule_path.pop();
            result?;
        }
        Ok(())
    }

    pub(crate) fn object(
        &mut self,
        object: &Map<String, Value>,
        path: &mut Path,
        rule_path: &mut Vec<String>,
        out: &mut Flat<Value>,
    ) -> Result<(), MergeError> {
        for (key, value) in object {
            rule_path.push(key.clone());
            path.push(Part::Key(key.clone()));
            let result = self.value(value, path, rule_path, out);
            path.pop();
            rule_path.pop();
            result?;
        }
        Ok(())
    }

    fn items(
        &mut self,
        items: &[Value],
        path: &mut Path,
        rule_path: &mut Vec<String>,
        out: &mut Flat<Value>,
    ) -> Result<(), MergeError> {
        for item in items {
            // Only called for arrays whose items are all objects.
            let Value::Object(object) = item else {
                continue;
            };
            path.push(self.item_part(object, path, rule_path)?);
            let result = self.value(item, path, rule_path, out);
            path.pop();
            result?;
        }
        Ok(())
    }

    /// A value at `path` (whose rule is at `rule_path`).
    fn value(
        &mut self,
        value: &Value,
        path: &mut Path,
        rule_path: &mut Vec<String>,
        out: &mut Flat<Value>,
    ) -> Result<(), MergeError> {
        let rule = self.schema.rule_of(rule_path);
        if rule == Some(Rule::OmitWhenMerged) {
            return Ok(());
        }
        let whole = rule.is_some_and(Rule::replaces_whole)
            || match value {
                Value::Object(_) => false,
                Value::Array(items) => items.iter().any(|item| !item.is_object()),
                _ => true,
            };
        if whole {
            out.insert(path.clone(), value.clone());
            return Ok(());
        }
        // Empty objects and arrays add nothing.
        match value {
            Value::Object(object) if !object.is_empty() => {
                self.object(object, path, rule_path, out)
            }
            Value::Array(items) if !items.is_empty() => self.items(items, path, rule_path, out),
            _ => Ok(()),
        }
    }

    fn item_part(
        &mut self,
        object: &Map<String, Value>,
        path: &Path,
        rule_path: &[String],
    ) -> Result<Part, MergeError> {
        let Some(id) = object.get("id") else {
            self.unique += 1;
            return Ok(Part::Item {
                text: format!("\u{0}unique {}", self.unique),
                identifier: Identifier::Unique(self.unique),
            });
        };
        let (text, identifier) = match id {
            Value::String(s) => (s.clone(), Identifier::Str(s.clone())),
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                (n.to_string(), Identifier::Int(n.to_string()))
            }
            // As the reference implementation prints None.
            Value::Null => ("None".to_owned(), Identifier::Null),
            _ => {
                return Err(MergeError::UnsupportedId {
                    path: display(path),
                    field: rule_path.join("."),
                    id: id.to_string(),
                });
            }
        };
        Ok(Part::Item { text, identifier })
    }
}

/// A step from a node to one inside it.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn node_at<'v>(root: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    let mut node = root;
    for step in steps {
        node = match (step, node) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key)?,
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Builds the release whose leaves are `flat`'s, in `flat`'s order: an
/// object in an array is started (with its `id`) where a path first names
/// it, and a null leaf is left out (its parents are still made).
pub(crate) fn unflatten(flat: Vec<(Path, Value)>) -> Result<Value, MergeError> {
    let mut root = Value::Object(Map::new());
    // Where each object in an array is, by the texts of its parents' path
    // and its own identity.
    let mut identifiers: HashMap<(Vec<String>, Identifier), Vec<Step>> = HashMap::new();

    for (key, value) in flat {
        let mut at: Vec<Step> = Vec::new();
        let mut value = Some(value);
        for (end, part) in key.iter().enumerate().map(|(i, p)| (i + 1, p)) {
            let inconsistent = || MergeError::InconsistentType {
                path: display(&key[..end - 1]),
                field: part.text().to_owned(),
            };
            match part {
                Part::Item { identifier, .. } => {
                    let prefix: Vec<String> =
                        key[..end - 1].iter().map(|p| p.text().to_owned()).collect();
                    let id_path = (prefix, identifier.clone());
                    at = match identifiers.get(&id_path) {
                        Some(steps) => steps.clone(),
                        None => {
                            let mut node = Map::new();
                            if let Some(id) = identifier.id() {
                                node.insert("id".to_owned(), id);
                            }
                            let Some(Value::Array(items)) = node_at(&mut root, &at) else {
                                return Err(inconsistent());
                            };
                            items.push(Value::Object(node));
                            at.push(Step::Index(items.len() - 1));
                            identifiers.insert(id_path, at.clone());
                            at
                        }
                    };
                }
                Part::Key(name) => {
                    let last = end == key.len();
                    let next_is_item = matches!(key.get(end), Some(Part::Item { .. }));
                    let Some(Value::Object(map)) = node_at(&mut root, &at) else {
                        return Err(inconsistent());
                    };
                    if map.contains_key(name) {
                        at.push(Step::Key(name.clone()));
                    } else if !last {
                        let child = if next_is_item {
                            Value::Array(Vec::new())
                        } else {
                            Value::Object(Map::new())
                        };
                        map.insert(name.clone(), child);
                        at.push(Step::Key(name.clone()));
                    } else if let Some(leaf) = value.take().filter(|v| !v.is_null()) {
                        map.insert(name.clone(), leaf);
                    }
                }
            }
        }
    }
    Ok(root)
}

/// A path as `/tender/items/1/id`.
pub(crate) fn display(path: &[Part]) -> String {
    let mut text = String::new();
    for part in path {
        text.push('/');
        text.push_str(part.text());
    }
    text
}
