//! The OpenAPI description of the HTTP API, served at
//! `/api/2.5/openapi.json`. It is written by hand, in fragments
//! (`api/openapi/`): `common.json` holds the document's frame (info, servers,
//! security) and everything not owned by a single procedure kind (the error
//! envelope, documents, the feed, the event log, the service routes and the
//! schemas several kinds share); each procedure kind contributes one fragment
//! with its own routes and schemas. The served document is [`assemble`]d from
//! them; a test checks that every route is described.

use std::fmt;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value as Json};

use crate::error::ApiError;
use crate::server::AppState;

/// The frame of the document and what every procedure kind relies on.
pub const COMMON: &str = include_str!("../openapi/common.json");
/// priceQuotation: `/api/2.5/tenders…` and its schemas.
pub const PRICE_QUOTATION: &str = include_str!("../openapi/price_quotation.json");
/// The multi-award sale: `/api/procedures…` and its schemas.
pub const MULTI_AWARD_SALE: &str = include_str!("../openapi/multi_award_sale.json");
/// The Dutch sale: its schemas under the multi-award sale's `/api/procedures` paths.
pub const DUTCH_SALE: &str = include_str!("../openapi/dutch_sale.json");
/// belowThreshold's part.
pub const OPEN_TENDER: &str = include_str!("../openapi/open_tender.json");
/// Search and statistics over every type: `/api/2.5/search`, `/api/2.5/stats`.
pub const SEARCH: &str = include_str!("../openapi/search.json");
/// OCDS releases and records over every type: `/api/2.5/ocds/…`.
pub const OCDS: &str = include_str!("../openapi/ocds.json");

/// The HTTP methods an OpenAPI path item may describe; its other fields
/// (`parameters`, `summary`, …) are shared by its operations.
const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// What a procedure fragment may contribute. The rest of the document
/// (`openapi`, `info`, `servers`, `security`) is common's alone, so that no
/// procedure can quietly change it for the others.
const PROCEDURE_KEYS: [&str; 3] = ["paths", "components", "tags"];

/// Which fragment an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragment {
    Common,
    /// The procedure fragment at this index of the list given to
    /// [`assemble`].
    Procedure(usize),
}

impl fmt::Display for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fragment::Common => f.write_str("common"),
            Fragment::Procedure(index) => write!(f, "procedure #{index}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    #[error("OpenAPI fragment {fragment} is not JSON: {source}")]
    Parse {
        fragment: Fragment,
        source: serde_json::Error,
    },
    #[error("OpenAPI fragment {fragment}: {what} is not {expected}")]
    Shape {
        fragment: Fragment,
        what: String,
        expected: &'static str,
    },
    #[error(
        "OpenAPI fragment {fragment}: `{key}` is common's to set; a procedure fragment has only paths, components and tags"
    )]
    NotAProcedureKey { fragment: Fragment, key: String },
    #[error("OpenAPI: {} {path} is described twice (again in {fragment})", .method.to_uppercase())]
    DuplicateOperation {
        fragment: Fragment,
        path: String,
        method: String,
    },
    #[error("OpenAPI: path {path} has two different `{field}` (again in {fragment})")]
    PathFieldConflict {
        fragment: Fragment,
        path: String,
        field: String,
    },
    #[error(
        "OpenAPI: components.{section}.{name} is defined twice with different content (again in {fragment})"
    )]
    ComponentConflict {
        fragment: Fragment,
        section: String,
        name: String,
    },
    #[error("OpenAPI: tag {name:?} is declared twice with different content (again in {fragment})")]
    TagConflict { fragment: Fragment, name: String },
    #[error("OpenAPI: the assembled document could not be written: {0}")]
    Write(serde_json::Error),
}

/// The document made of [`COMMON`] and the procedure `fragments`:
///
/// - `paths`: the union. Two fragments may describe different methods of one
///   path; the same method twice is an error naming the path and method. The
///   path item's shared fields (`parameters`, …) must then be equal.
/// - `components`: the union, section by section (`schemas`, `parameters`,
///   `responses`, …). The same name twice is fine with equal content (two
///   kinds may carry a copy of what they both use), an error naming it
///   otherwise: one would silently win.
/// - `tags`: the procedures' tags in the order of `fragments`, then common's,
///   each name once at its first place (again: equal content, or an error).
///   Procedures first, so that a reader of the document meets the procedures
///   before the service routes.
/// - everything else: common's.
pub fn assemble(fragments: &[&str]) -> Result<Json, OpenApiError> {
    let mut document = parse(Fragment::Common, COMMON)?;
    let common_tags = take_tags(Fragment::Common, &mut document)?;
    let mut tags = Tags::default();
    for (index, text) in fragments.iter().enumerate() {
        let fragment = Fragment::Procedure(index);
        let mut procedure = parse(fragment, text)?;
        if let Some(key) = procedure
            .keys()
            .find(|key| !PROCEDURE_KEYS.contains(&key.as_str()))
        {
            return Err(OpenApiError::NotAProcedureKey {
                fragment,
                key: key.clone(),
            });
        }
        tags.add(fragment, take_tags(fragment, &mut procedure)?)?;
        merge_paths(fragment, &mut document, procedure.remove("paths"))?;
        merge_components(fragment, &mut document, procedure.remove("components"))?;
    }
    tags.add(Fragment::Common, common_tags)?;
    if !tags.list.is_empty() {
        document.insert("tags".to_owned(), Json::Array(tags.list));
    }
    Ok(Json::Object(document))
}

/// The served text: the [`assemble`]d document, pretty-printed as the
/// fragments are written.
pub fn document(fragments: &[&str]) -> Result<String, OpenApiError> {
    serde_json::to_string_pretty(&assemble(fragments)?).map_err(OpenApiError::Write)
}

/// `GET /api/2.5/openapi.json`: the document of the registered procedure
/// types ([`Registry::openapi`](crate::registry::Registry::openapi),
/// assembled once). Should the fragments not assemble (a programming error
/// the tests catch), every request answers 500 with the error logged, rather
/// than the server panicking.
pub async fn serve(State(app): State<AppState>) -> Response {
    match app.registry.openapi() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            text.clone(),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "the OpenAPI document does not assemble");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "url",
                "url",
                "Internal Server Error",
            )
            .into_response()
        }
    }
}

fn parse(fragment: Fragment, text: &str) -> Result<Map<String, Json>, OpenApiError> {
    match serde_json::from_str(text) {
        Ok(Json::Object(object)) => Ok(object),
        Ok(_) => Err(shape(fragment, "the fragment", "an object")),
        Err(source) => Err(OpenApiError::Parse { fragment, source }),
    }
}

fn shape(fragment: Fragment, what: impl Into<String>, expected: &'static str) -> OpenApiError {
    OpenApiError::Shape {
        fragment,
        what: what.into(),
        expected,
    }
}

/// `value` as an object (absent: empty).
fn object(
    fragment: Fragment,
    what: impl Into<String>,
    value: Option<Json>,
) -> Result<Map<String, Json>, OpenApiError> {
    match value {
        None => Ok(Map::new()),
        Some(Json::Object(object)) => Ok(object),
        Some(_) => Err(shape(fragment, what, "an object")),
    }
}

/// The object at `key` of `parent`, created empty if absent.
fn child<'a>(
    fragment: Fragment,
    parent: &'a mut Map<String, Json>,
    key: &str,
    what: impl Into<String>,
) -> Result<&'a mut Map<String, Json>, OpenApiError> {
    match parent
        .entry(key.to_owned())
        .or_insert_with(|| Json::Object(Map::new()))
    {
        Json::Object(object) => Ok(object),
        _ => Err(shape(fragment, what, "an object")),
    }
}

fn merge_paths(
    fragment: Fragment,
    document: &mut Map<String, Json>,
    paths: Option<Json>,
) -> Result<(), OpenApiError> {
    let paths = object(fragment, "paths", paths)?;
    // Blamed on common: `paths` there is what every fragment is merged into,
    // so only common's can be of the wrong shape.
    let into = child(Fragment::Common, document, "paths", "paths")?;
    for (path, item) in paths {
        let item = object(fragment, format!("paths.{path}"), Some(item))?;
        let Some(existing) = into.get_mut(&path) else {
            into.insert(path, Json::Object(item));
            continue;
        };
        let Json::Object(existing) = existing else {
            return Err(shape(
                Fragment::Common,
                format!("paths.{path}"),
                "an object",
            ));
        };
        for (field, value) in item {
            match existing.get(&field) {
                None => {
                    existing.insert(field, value);
                }
                Some(_) if METHODS.contains(&field.as_str()) => {
                    return Err(OpenApiError::DuplicateOperation {
                        fragment,
                        path,
                        method: field,
                    });
                }
                Some(theirs) if *theirs == value => {}
                Some(_) => {
                    return Err(OpenApiError::PathFieldConflict {
                        fragment,
                        path,
                        field,
                    });
                }
            }
        }
    }
    Ok(())
}

fn merge_components(
    fragment: Fragment,
    document: &mut Map<String, Json>,
    components: Option<Json>,
) -> Result<(), OpenApiError> {
    let components = object(fragment, "components", components)?;
    let into = child(Fragment::Common, document, "components", "components")?;
    for (section, entries) in components {
        let what = format!("components.{section}");
        let entries = object(fragment, what.clone(), Some(entries))?;
        let into = child(Fragment::Common, into, &section, what)?;
        for (name, value) in entries {
            match into.get(&name) {
                None => {
                    into.insert(name, value);
                }
                Some(theirs) if *theirs == value => {}
                Some(_) => {
                    return Err(OpenApiError::ComponentConflict {
                        fragment,
                        section,
                        name,
                    });
                }
            }
        }
    }
    Ok(())
}

fn take_tags(fragment: Fragment, from: &mut Map<String, Json>) -> Result<Vec<Json>, OpenApiError> {
    match from.remove("tags") {
        None => Ok(Vec::new()),
        Some(Json::Array(tags)) => Ok(tags),
        Some(_) => Err(shape(fragment, "tags", "an array")),
    }
}

/// The document's tags so far, each name once.
#[derive(Default)]
struct Tags {
    list: Vec<Json>,
}

impl Tags {
    fn add(&mut self, fragment: Fragment, tags: Vec<Json>) -> Result<(), OpenApiError> {
        for tag in tags {
            let Some(name) = tag.get("name").and_then(Json::as_str).map(str::to_owned) else {
                return Err(shape(fragment, "a tag", "an object with a `name`"));
            };
            match self.list.iter().find(|theirs| theirs["name"] == *name) {
                None => self.list.push(tag),
                Some(theirs) if *theirs == tag => {}
                Some(_) => return Err(OpenApiError::TagConflict { fragment, name }),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_served_fragments_assemble() {
        let text = document(&[PRICE_QUOTATION, MULTI_AWARD_SALE])
            .expect("the built-in fragments assemble");
        let parsed: Json = serde_json::from_str(&text).expect("the served text is JSON");
        assert_eq!(parsed["openapi"], "3.1.0");
    }

    /// A procedure fragment from its JSON.
    fn fragment(value: Json) -> String {
        value.to_string()
    }

    fn sale_path(method: &str) -> String {
        fragment(json!({
            "paths": {"/api/procedures/{id}": {
                "parameters": [{"$ref": "#/components/parameters/ProcedureId"}],
                method: {"responses": {"200": {"description": "ok"}}},
            }},
        }))
    }

    #[test]
    fn a_method_described_twice_on_a_path_is_an_error_naming_both() {
        let error = assemble(&[MULTI_AWARD_SALE, &sale_path("get")]).unwrap_err();
        assert!(
            matches!(
                &error,
                OpenApiError::DuplicateOperation { fragment: Fragment::Procedure(1), path, method }
                    if path == "/api/procedures/{id}" && method == "get"
            ),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("GET /api/procedures/{id}"), "{message}");
        // Common's own routes are guarded the same way.
        let health = fragment(json!({"paths": {"/health": {"get": {}}}}));
        let error = assemble(&[&health]).unwrap_err();
        assert!(error.to_string().contains("GET /health"), "{error}");
    }

    #[test]
    fn two_fragments_may_describe_different_methods_of_one_path() {
        let document = assemble(&[MULTI_AWARD_SALE, &sale_path("put")]).expect("assembles");
        let item = &document["paths"]["/api/procedures/{id}"];
        for method in ["get", "patch", "put"] {
            assert!(item[method].is_object(), "{method} is missing: {item}");
        }
    }

    #[test]
    fn the_fields_a_path_item_shares_must_agree() {
        let other = fragment(json!({
            "paths": {"/api/procedures/{id}": {
                "parameters": [],
                "put": {"responses": {"200": {"description": "ok"}}},
            }},
        }));
        let error = assemble(&[MULTI_AWARD_SALE, &other]).unwrap_err();
        assert!(
            matches!(
                &error,
                OpenApiError::PathFieldConflict { path, field, .. }
                    if path == "/api/procedures/{id}" && field == "parameters"
            ),
            "{error:?}"
        );
    }

    #[test]
    fn a_schema_defined_twice_differently_is_an_error_naming_it() {
        let money = fragment(json!({
            "components": {"schemas": {"Money": {"type": "string"}}},
        }));
        let error = assemble(&[&money]).unwrap_err();
        assert!(
            matches!(
                &error,
                OpenApiError::ComponentConflict { fragment: Fragment::Procedure(0), section, name }
                    if section == "schemas" && name == "Money"
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("components.schemas.Money"),
            "{error}"
        );
        // Between two procedure fragments too.
        let one = fragment(json!({"components": {"schemas": {"Lot": {"type": "object"}}}}));
        let two = fragment(json!({"components": {"schemas": {"Lot": {"type": "array"}}}}));
        let error = assemble(&[&one, &two]).unwrap_err();
        assert!(
            error.to_string().contains("components.schemas.Lot"),
            "{error}"
        );
    }

    #[test]
    fn a_schema_defined_twice_identically_is_kept_once() {
        let original = assemble(&[]).expect("common alone assembles");
        let money = &original["components"]["schemas"]["Money"];
        let copy = fragment(json!({
            "components": {"schemas": {"Money": money, "Lot": {"type": "object"}}},
        }));
        let document = assemble(&[&copy, &copy]).expect("equal copies assemble");
        let schemas = &document["components"]["schemas"];
        assert_eq!(&schemas["Money"], money);
        assert_eq!(schemas["Lot"], json!({"type": "object"}));
        let count = |document: &Json| document["components"]["schemas"].as_object().map(Map::len);
        assert_eq!(count(&document), count(&original).map(|n| n + 1));
    }

    #[test]
    fn tags_are_listed_once_procedures_first() {
        let tags = |document: &Json| -> Vec<String> {
            document["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .filter_map(|tag| tag["name"].as_str().map(str::to_owned))
                .collect()
        };
        let common = tags(&assemble(&[]).expect("common alone assembles"));
        assert_eq!(
            common,
            ["documents", "service", "feed", "contracting", "auctions"]
        );
        let one = fragment(json!({"tags": [{"name": "lots"}, {"name": "documents"}]}));
        let two = fragment(json!({"tags": [{"name": "lots"}, {"name": "rounds"}]}));
        let document = assemble(&[&one, &two]).expect("assembles");
        assert_eq!(
            tags(&document),
            [
                "lots",
                "documents",
                "rounds",
                "service",
                "feed",
                "contracting",
                "auctions"
            ]
        );
        let described = fragment(json!({"tags": [{"name": "feed", "description": "mine"}]}));
        let error = assemble(&[&described]).unwrap_err();
        assert!(
            matches!(&error, OpenApiError::TagConflict { name, .. } if name == "feed"),
            "{error:?}"
        );
    }

    #[test]
    fn a_procedure_fragment_cannot_change_the_frame() {
        let info = fragment(json!({"info": {"title": "mine", "version": "1"}}));
        let error = assemble(&[&info]).unwrap_err();
        assert!(
            matches!(&error, OpenApiError::NotAProcedureKey { key, .. } if key == "info"),
            "{error:?}"
        );
    }

    #[test]
    fn a_fragment_that_is_not_an_openapi_object_is_an_error() {
        let error = assemble(&["{"]).unwrap_err();
        assert!(
            matches!(
                error,
                OpenApiError::Parse {
                    fragment: Fragment::Procedure(0),
                    ..
                }
            ),
            "{error:?}"
        );
        for text in [
            "[]",
            r#"{"paths": []}"#,
            r#"{"components": {"schemas": 1}}"#,
            r#"{"tags": {}}"#,
        ] {
            let error = assemble(&[text]).unwrap_err();
            assert!(
                matches!(error, OpenApiError::Shape { .. }),
                "{text}: {error:?}"
            );
        }
    }
}
