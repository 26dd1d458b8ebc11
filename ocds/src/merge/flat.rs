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
use std::rc::Rc;

use serde_json::{Map, Value};

use super::MergeError;
use super::schema::{Rule, RuleTree, Schema};

/// The identity of an object in an array: its `id` as it is (the integer 1
/// and the string "1" are two identities, as in the reference
/// implementation), or a unique one for an object without `id`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Identifier {
    Str(Rc<str>),
    /// An integer, in decimals.
    Int(Rc<str>),
    Null,
    /// An object without an `id`: never merged with another.
    Unique(u64),
}

impl Identifier {
    /// The `id` that an object of this identity starts with.
    fn id(&self) -> Option<Value> {
        match self {
            Identifier::Str(s) => Some(Value::String(s.to_string())),
            Identifier::Int(n) => serde_json::from_str(n).ok(),
            Identifier::Null | Identifier::Unique(_) => None,
        }
    }
}

/// One step of a path: a property, or an object in an array.
#[derive(Clone, Debug)]
pub(crate) enum Part {
    Key(Rc<str>),
    Item {
        /// The text the step compares by: the `id` as the reference
        /// implementation prints it (`1` and `"1"` are the same step).
        text: Rc<str>,
        identifier: Identifier,
    },
}

impl Part {
    pub(crate) fn key(name: &str) -> Part {
        Part::Key(name.into())
    }

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

/// A path, shared between a map's index and its entries.
pub(crate) type Path = Rc<[Part]>;

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

    /// As [`Flat::insert`], making the shared path only when it is new.
    fn insert_slice(&mut self, path: &[Part], value: V) {
        match self.index.get(path) {
            Some(&i) => self.entries[i].1 = value,
            None => self.insert(path.into(), value),
        }
    }

    pub(crate) fn get_mut(&mut self, path: &[Part]) -> Option<&mut V> {
        let i = *self.index.get(path)?;
        Some(&mut self.entries[i].1)
    }

    pub(crate) fn remove(&mut self, path: &[Part]) -> Option<V> {
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

/// Flattens releases, one at a time.
pub(crate) struct Flattener<'s> {
    tree: &'s RuleTree,
    /// The next identity of an object without an `id`.
    unique: u64,
    /// Each text used in a path, made once.
    texts: HashMap<String, Rc<str>>,
}

impl<'s> Flattener<'s> {
    pub(crate) fn new(schema: &'s Schema) -> Self {
        Flattener {
            tree: schema.tree(),
            unique: 0,
            texts: HashMap::new(),
        }
    }

    fn text(&mut self, text: &str) -> Rc<str> {
        if let Some(shared) = self.texts.get(text) {
            return shared.clone();
        }
        let shared: Rc<str> = text.into();
        self.texts.insert(text.to_owned(), shared.clone());
        shared
    }

    /// A release's fields but `tag`, into `out`.
    pub(crate) fn release(
        &mut self,
        release: &Map<String, Value>,
        out: &mut Flat<Value>,
    ) -> Result<(), MergeError> {
        let tree = self.tree;
        let mut path = Vec::new();
        for (key, value) in release.iter().filter(|(key, _)| *key != "tag") {
            path.push(Part::Key(self.text(key)));
            let result = self.value(value, tree.child(key), &mut path, out);
            path.pop();
            result?;
        }
        Ok(())
    }

    /// A value at `path`, whose rules are `rules` (none for a field the
    /// schema does not describe).
    fn value(
        &mut self,
        value: &Value,
        rules: Option<&'s RuleTree>,
        path: &mut Vec<Part>,
        out: &mut Flat<Value>,
    ) -> Result<(), MergeError> {
        let rule = rules.and_then(|r| r.rule);
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
            out.insert_slice(path, value.clone());
            return Ok(());
        }
        // Empty objects and arrays add nothing.
        match value {
            Value::Object(object) => {
                for (key, value) in object {
                    path.push(Part::Key(self.text(key)));
                    let result = self.value(value, rules.and_then(|r| r.child(key)), path, out);
                    path.pop();
                    result?;
                }
            }
            Value::Array(items) => {
                // Items are objects (any other makes the array whole), under
                // the array's own rules: an item adds no field name.
                for item in items {
                    let Value::Object(object) = item else {
                        continue;
                    };
                    let part = self.item_part(object, path)?;
                    path.push(part);
                    let result = self.value(item, rules, path, out);
                    path.pop();
                    result?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn item_part(
        &mut self,
        object: &Map<String, Value>,
        path: &[Part],
    ) -> Result<Part, MergeError> {
        let Some(id) = object.get("id") else {
            self.unique += 1;
            return Ok(Part::Item {
                text: format!("\u{0}unique {}", self.unique).into(),
                identifier: Identifier::Unique(self.unique),
            });
        };
        let (text, identifier) = match id {
            Value::String(s) => {
                let text = self.text(s);
                (text.clone(), Identifier::Str(text))
            }
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let text = self.text(&n.to_string());
                (text.clone(), Identifier::Int(text))
            }
            // As the reference implementation prints None.
            Value::Null => (self.text("None"), Identifier::Null),
            _ => {
                return Err(MergeError::UnsupportedId {
                    path: display(path),
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
    Key(Rc<str>),
    Index(usize),
}

fn node_at<'v>(root: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    let mut node = root;
    for step in steps {
        node = match (step, node) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(&**key)?,
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
    // Where each object in an array is, by its parents' path (compared by
    // text) and its own identity.
    let mut identifiers: HashMap<(Vec<Part>, Identifier), Vec<Step>> = HashMap::new();

    for (key, value) in flat {
        let mut at: Vec<Step> = Vec::new();
        let mut value = Some(value);
        for (end, part) in key.iter().enumerate().map(|(i, p)| (i + 1, p)) {
            let inconsistent = || MergeError::InconsistentType {
                path: display(&key[..end - 1]),
                found: match part {
                    Part::Key(name) => format!("the field {name:?}"),
                    Part::Item { .. } => "an array of objects".to_owned(),
                },
            };
            match part {
                Part::Item { identifier, .. } => {
                    let id_path = (key[..end - 1].to_vec(), identifier.clone());
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
                    if map.contains_key(&**name) {
                        at.push(Step::Key(name.clone()));
                    } else if !last {
                        let child = if next_is_item {
                            Value::Array(Vec::new())
                        } else {
                            Value::Object(Map::new())
                        };
                        map.insert(name.to_string(), child);
                        at.push(Step::Key(name.clone()));
                    } else if let Some(leaf) = value.take().filter(|v| !v.is_null()) {
                        map.insert(name.to_string(), leaf);
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
