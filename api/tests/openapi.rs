//! The OpenAPI document (served at `/api/2.5/openapi.json`) is written by
//! hand, in fragments (`api/openapi/`) that `api::openapi` assembles. These
//! tests keep it honest: it must be OpenAPI 3.1, and every route the server
//! registers must be described there with each of its methods, and nothing
//! else. The routes come from the router itself, so adding a route anywhere
//! without documenting it fails here.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

/// The HTTP methods an OpenAPI path item may describe.
const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// The procedure types `cdb serve` serves.
fn builtin() -> api::registry::Registry {
    api::registry::Registry::builtin(Default::default())
}

/// The same with the sale's auction run by an outside module.
fn external() -> api::registry::Registry {
    api::registry::Registry::builtin(api::registry::Builtin {
        sale_auction: api::registry::AuctionRunner::External,
        ..Default::default()
    })
}

/// The document as served: the text `serve` answers, read back.
fn document() -> Json {
    document_of(&builtin())
}

fn document_of(registry: &api::registry::Registry) -> Json {
    let text = registry
        .openapi()
        .as_ref()
        .unwrap_or_else(|error| panic!("the OpenAPI fragments do not assemble: {error}"));
    serde_json::from_str(text).expect("the served document is JSON")
}

/// Every route the server's router registers, from the router itself
/// (`api::server::routes()`): path → lowercase methods.
fn registered_routes() -> BTreeMap<String, BTreeSet<String>> {
    routes_of(&builtin())
}

fn routes_of(registry: &api::registry::Registry) -> BTreeMap<String, BTreeSet<String>> {
    let mut routes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for route in api::server::routes(registry).entries() {
        routes
            .entry(route.path.to_owned())
            .or_default()
            .insert(route.method.as_str().to_ascii_lowercase());
    }
    routes
}

fn documented_routes(document: &Json) -> BTreeMap<String, BTreeSet<String>> {
    let paths = document["paths"].as_object().expect("`paths` is an object");
    paths
        .iter()
        .map(|(path, item)| {
            let item = item.as_object().expect("a path item is an object");
            let methods = item
                .keys()
                .filter(|key| METHODS.contains(&key.as_str()))
                .cloned()
                .collect();
            (path.clone(), methods)
        })
        .collect()
}

#[test]
fn is_openapi_3_1() {
    let document = document();
    let version = document["openapi"].as_str().expect("`openapi` is a string");
    assert!(
        version.starts_with("3.1."),
        "openapi is {version:?}, expected 3.1.x"
    );
    assert!(document["info"]["title"].is_string());
    assert!(document["info"]["version"].is_string());
    assert!(document["paths"].is_object());
}

#[test]
fn the_route_list_comes_from_the_router() {
    let routes = registered_routes();
    let methods = |path: &str| -> Vec<&str> { routes[path].iter().map(String::as_str).collect() };
    assert_eq!(methods("/api/2.5/tenders/{id}"), ["get", "patch"]);
    assert_eq!(
        methods("/api/2.5/tenders/{id}/bids/{bid_id}"),
        ["delete", "get", "patch"]
    );
    assert_eq!(methods("/api/procedures"), ["get", "post"]);
    // The sale's auction runs here: no hand-off to an outside module.
    assert!(!routes.contains_key("/api/procedures/{id}/auction"));
    assert_eq!(methods("/api/auctions/{id}"), ["get"]);
    assert_eq!(methods("/api/auctions/{id}/bids"), ["delete", "post"]);
    let handoff = routes_of(&external());
    let handoff: Vec<&str> = handoff["/api/procedures/{id}/auction"]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(handoff, ["get", "post"]);
    assert_eq!(
        methods("/api/procedures/{id}/bids/{bid_id}"),
        ["delete", "get", "patch"]
    );
    assert_eq!(methods("/health"), ["get"]);
    assert_eq!(methods("/api/2.5/openapi.json"), ["get"]);
    assert!(routes.len() >= 20, "only {} routes found", routes.len());
}

#[test]
fn every_registered_route_is_documented() {
    for registry in [builtin(), external()] {
        every_route_of_is_documented(&registry);
    }
}

fn every_route_of_is_documented(registry: &api::registry::Registry) {
    let documented = documented_routes(&document_of(registry));
    let mut missing = Vec::new();
    for (path, methods) in routes_of(registry) {
        for method in methods {
            let found = documented.get(&path).is_some_and(|m| m.contains(&method));
            if !found {
                missing.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes registered but not described in the OpenAPI fragments (api/openapi/):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn every_documented_route_exists() {
    for registry in [builtin(), external()] {
        every_documented_route_of_exists(&registry);
    }
}

fn every_documented_route_of_exists(registry: &api::registry::Registry) {
    let registered = routes_of(registry);
    let mut stale = Vec::new();
    for (path, methods) in documented_routes(&document_of(registry)) {
        for method in methods {
            let found = registered.get(&path).is_some_and(|m| m.contains(&method));
            if !found {
                stale.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "described in the OpenAPI fragments (api/openapi/) but not registered:\n  {}",
        stale.join("\n  ")
    );
}

/// Collects every `$ref` in `value`.
fn refs<'a>(value: &'a Json, found: &mut Vec<&'a str>) {
    match value {
        Json::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("$ref", Json::String(target)) => found.push(target),
                    _ => refs(value, found),
                }
            }
        }
        Json::Array(values) => values.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

/// The `$ref`s of `document` that do not point into it.
fn unresolved(document: &Json) -> Vec<String> {
    let mut found = Vec::new();
    refs(document, &mut found);
    assert!(!found.is_empty());
    found
        .into_iter()
        .filter(|target| {
            target
                .strip_prefix('#')
                .is_none_or(|pointer| document.pointer(pointer).is_none())
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_reference_resolves() {
    let unresolved = unresolved(&document());
    assert!(
        unresolved.is_empty(),
        "references that are not local or do not resolve: {unresolved:?}"
    );
}

/// Each procedure's fragment is whole with common alone: it refers only to
/// its own components and common's, never to another procedure's, so that
/// a procedure kind can be added or dropped on its own.
#[test]
fn each_procedure_fragment_assembles_alone_with_common() {
    use api::openapi::{MULTI_AWARD_SALE, PRICE_QUOTATION, assemble};
    for (name, fragments) in [
        ("common", &[][..]),
        ("priceQuotation", &[PRICE_QUOTATION][..]),
        ("multi-award sale", &[MULTI_AWARD_SALE][..]),
    ] {
        let document = assemble(fragments)
            .unwrap_or_else(|error| panic!("{name}: does not assemble: {error}"));
        let unresolved = unresolved(&document);
        assert!(
            unresolved.is_empty(),
            "{name} with common alone: unresolved references {unresolved:?}"
        );
    }
}

#[test]
fn operation_ids_are_unique() {
    let document = document();
    let mut seen = BTreeMap::new();
    for (method, path, operation) in operations(&document) {
        let where_ = format!("{} {path}", method.to_uppercase());
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{where_}: no operationId"));
        if let Some(first) = seen.insert(id.to_owned(), where_.clone()) {
            panic!("operationId {id:?} of {where_} is also {first}'s");
        }
    }
}

/// Every tag an operation uses is declared in the document's `tags`, once.
#[test]
fn every_tag_used_is_declared() {
    let document = document();
    let declared: Vec<&str> = document["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|tag| tag["name"].as_str().expect("a tag has a name"))
        .collect();
    let unique: BTreeSet<&str> = declared.iter().copied().collect();
    assert_eq!(unique.len(), declared.len(), "a tag twice: {declared:?}");
    for (method, path, operation) in operations(&document) {
        for tag in operation["tags"].as_array().into_iter().flatten() {
            let tag = tag.as_str().expect("a tag is a name");
            assert!(
                unique.contains(tag),
                "{} {path}: tag {tag:?} is not declared",
                method.to_uppercase()
            );
        }
    }
}

/// Resolves a `{"$ref": "#/…"}` object, or returns the value itself.
fn resolve<'a>(document: &'a Json, value: &'a Json) -> &'a Json {
    match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

#[test]
fn path_parameters_are_declared_and_operations_answer() {
    let document = document();
    for (path, item) in document["paths"].as_object().expect("paths") {
        let templated: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split('}').next())
            .collect();
        let shared = item["parameters"].as_array().cloned().unwrap_or_default();
        for (method, operation) in item.as_object().expect("path item") {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let own = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let declared: BTreeSet<String> = shared
                .iter()
                .chain(own.iter())
                .map(|p| resolve(&document, p))
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            let expected: BTreeSet<String> = templated.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(declared, expected, "{method} {path}: path parameters");
            let responses = operation["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path}: no responses"));
            assert!(
                responses.keys().any(|code| code.starts_with('2')),
                "{method} {path}: no success response"
            );
        }
    }
}

#[test]
fn the_schemas_the_api_speaks_are_described() {
    let document = document();
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    for name in [
        "Tender",
        "TenderInput",
        "TenderEdit",
        "Config",
        "Bid",
        "BidInput",
        "BidEdit",
        "Award",
        "AwardEdit",
        "Contract",
        "ContractEdit",
        "Cancellation",
        "CancellationInput",
        "CancellationEdit",
        "Document",
        "DocumentInput",
        "Organization",
        "Money",
        "Item",
        "Criterion",
        "Error",
        "SaleProcedure",
        "SaleProcedureInput",
        "SaleProcedureEdit",
        "SaleConfig",
        "SaleBid",
        "SaleBidInput",
        "SaleBidEdit",
        "SaleAward",
        "SaleAwardEdit",
        "SaleContract",
        "SaleContractEdit",
        "SaleCancellation",
        "SaleCancellationInput",
        "SaleAuctionView",
        "AuctionResults",
    ] {
        assert!(
            schemas.contains_key(name),
            "components.schemas.{name} is missing"
        );
    }
    let scheme = &document["components"]["securitySchemes"]["broker"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
}

/// The operations of the document: (method, path, operation).
fn operations(document: &Json) -> Vec<(String, String, &Json)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if METHODS.contains(&method.as_str()) {
                found.push((method.clone(), path.clone(), operation));
            }
        }
    }
    found
}

/// Whether the operation, as documented, needs a broker key: its own
/// `security`, or the document's when it has none.
fn needs_key(document: &Json, operation: &Json) -> bool {
    let security = operation.get("security").unwrap_or(&document["security"]);
    security.as_array().is_some_and(|s| !s.is_empty())
}

/// Every read is anonymous except the auction module's view of a sale (its
/// handler is the only GET that calls `access::broker…`); every write needs a
/// key but a participant's bid, which its participation link authorises.
#[test]
fn anonymous_reads_are_documented_as_anonymous() {
    let document = document_of(&external());
    // The one read that needs a key: the auction module's view of a sale.
    let keyed_reads = [("get", "/api/procedures/{id}/auction")];
    let link_writes = [
        ("post", "/api/auctions/{id}/bids"),
        ("delete", "/api/auctions/{id}/bids"),
        ("post", "/api/auctions/{id}/terms"),
    ];
    for (method, path, operation) in operations(&document) {
        let here = (method.as_str(), path.as_str());
        let keyed =
            (method != "get" && !link_writes.contains(&here)) || keyed_reads.contains(&here);
        assert_eq!(
            needs_key(&document, operation),
            keyed,
            "{} {path}: documented as {}",
            method.to_uppercase(),
            if keyed { "anonymous" } else { "needing a key" }
        );
        if keyed {
            assert!(
                operation["responses"].get("401").is_some(),
                "{} {path} needs a key but documents no 401",
                method.to_uppercase()
            );
        }
    }
}

#[test]
fn every_error_response_is_the_error_envelope() {
    let document = document();
    let envelope = &document["components"]["schemas"]["Error"];
    assert_eq!(
        envelope["required"],
        serde_json::json!(["status", "errors"])
    );
    assert_eq!(envelope["properties"]["status"]["const"], "error");
    let item = resolve(&document, &envelope["properties"]["errors"]["items"]);
    assert_eq!(
        item["required"],
        serde_json::json!(["location", "name", "description"])
    );
    for (method, path, operation) in operations(&document) {
        // The health check answers its own document, 503 included: what a
        // load balancer reads to take the instance out.
        if path == "/health" {
            continue;
        }
        for (code, response) in operation["responses"].as_object().expect("responses") {
            if code.starts_with('2') {
                continue;
            }
            let response = resolve(&document, response);
            let content = response["content"].as_object();
            let schema = content
                .and_then(|c| c.get("application/json"))
                .map(|media| &media["schema"]);
            assert_eq!(
                schema.and_then(|s| s.get("$ref")).and_then(Json::as_str),
                Some("#/components/schemas/Error"),
                "{} {path} {code}: not the error envelope",
                method.to_uppercase()
            );
            assert_eq!(
                content.map(|c| c.len()),
                Some(1),
                "{} {path} {code}: only JSON",
                method.to_uppercase()
            );
        }
    }
}

#[test]
fn the_constraints_the_server_enforces_are_described() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    let not_blank = |schema: &Json, what: &str| {
        let schema = resolve(&document, schema);
        assert!(
            schema["minLength"].as_u64().is_some_and(|n| n >= 1)
                && schema["pattern"].as_str() == Some("\\S"),
            "{what} must be described as not blank: {schema}"
        );
    };
    not_blank(
        &schemas["TenderInput"]["properties"]["title"],
        "TenderInput.title",
    );
    not_blank(
        &schemas["TenderEdit"]["properties"]["title"],
        "TenderEdit.title",
    );
    not_blank(
        &schemas["CancellationInput"]["properties"]["reason"],
        "CancellationInput.reason",
    );
    // A sale's texts are multiLang (spec §7): the reason is the shared
    // `MultiLang` object, whose every text is not blank.
    let reason = &schemas["SaleCancellationInput"]["properties"]["reason"];
    assert_eq!(
        reason["allOf"][0]["$ref"], "#/components/schemas/MultiLang",
        "SaleCancellationInput.reason: {reason}"
    );
    for language in ["uk_UA", "en_US", "ru_RU"] {
        not_blank(
            &schemas["MultiLang"]["properties"][language],
            &format!("MultiLang.{language}"),
        );
    }
    assert_eq!(schemas["MultiLang"]["additionalProperties"], false);
    not_blank(
        &schemas["Identifier"]["properties"]["scheme"],
        "Identifier.scheme",
    );
    not_blank(
        &schemas["DocumentInput"]["properties"]["title"],
        "DocumentInput.title",
    );
    // Amounts: at most 15 significant digits, so at most 15 integer digits.
    let amount = &schemas["Amount"];
    assert_eq!(amount["maximum"], serde_json::json!(999999999999999_u64));
    assert!(
        amount["description"]
            .as_str()
            .is_some_and(|d| d.contains("15 significant digits")),
        "{amount}"
    );
    // What must be greater than zero says so.
    let positive = |schema: &Json, what: &str| {
        let text = schema.to_string();
        assert!(
            schema.get("exclusiveMinimum") == Some(&serde_json::json!(0))
                || text.contains("PositiveAmount"),
            "{what} must be described as greater than 0: {schema}"
        );
    };
    positive(&schemas["PositiveAmount"], "PositiveAmount");
    positive(&schemas["Money"]["properties"]["amount"], "Money.amount");
    positive(&schemas["Item"]["properties"]["quantity"], "Item.quantity");
    positive(
        &schemas["SaleValue"]["properties"]["amount"],
        "SaleValue.amount",
    );
    positive(
        &schemas["SaleBidInput"]["properties"]["quantity"],
        "SaleBidInput.quantity",
    );
    positive(
        &schemas["SaleProcedureInput"]["properties"]["minimalPart"],
        "minimalPart",
    );
    // Documents: http(s) URLs of this server's document service.
    let url = &schemas["DocumentInput"]["properties"]["url"];
    assert!(
        url["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("/api/2\\.5/documents/[0-9a-f]{64}")),
        "{url}"
    );
    assert!(
        url["description"]
            .as_str()
            .is_some_and(|d| d.contains("hash") && d.contains("http")),
        "{url}"
    );
}
