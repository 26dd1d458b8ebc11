//! A procedure type plugs in through the registry alone. The test-only type
//! `sealedOffer` is three files, all in this folder, and nothing else in
//! opencdb knows it:
//! - `sealed_offer.rs`: its rulebook (commands, events, decider, what is
//!   public, its automatic transition);
//! - `adapter.rs`: its HTTP adapter (collection, selector, resources,
//!   request → command, OpenAPI fragment);
//! - `main.rs`: this test, which registers it next to the built-in types.
//!
//! Registered, it is created next to priceQuotation under
//! `/api/2.5/tenders`, read, listed in the change feed, shown (redacted) in
//! the event log, run by the scheduler, rebuilt by replay and covered by the
//! secrecy scan, on both backends.

mod adapter;
mod sealed_offer;

use std::path::Path;

use api::registry::Registry;
use axum::http::StatusCode;
use chrono::TimeDelta;
use e2e::http::{BROKER_KEY, OTHER_KEY, TestServer};
use e2e::secrecy::{Known, check, collect, viewers};
use serde_json::{Value as Json, json};

use adapter::SealedOfferAdapter;

/// The files the type needed, all below this folder.
const FILES: [&str; 3] = [
    "tests/plug_in_procedure/main.rs",
    "tests/plug_in_procedure/sealed_offer.rs",
    "tests/plug_in_procedure/adapter.rs",
];

const PRICES: [&str; 2] = ["31337.17", "27182.81"];

fn registry() -> Registry {
    Registry::builtin(Default::default()).with(SealedOfferAdapter)
}

#[test]
fn the_type_needs_only_its_own_files() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = here.join("tests/plug_in_procedure");
    let mut present: Vec<String> = std::fs::read_dir(&folder)
        .expect("the test's folder")
        .map(|entry| {
            let name = entry.expect("an entry").file_name();
            format!("tests/plug_in_procedure/{}", name.to_string_lossy())
        })
        .collect();
    present.sort();
    let mut named = FILES.map(str::to_owned).to_vec();
    named.sort();
    assert_eq!(present, named, "the folder holds exactly the files named");
    // The registry takes the new type with the built-in ones, and the
    // OpenAPI document still assembles.
    let registry = registry();
    assert!(registry.kind(sealed_offer::KIND).is_some());
    assert!(registry.published().knows(sealed_offer::KIND));
    assert!(
        registry.openapi().is_ok(),
        "{:?}",
        registry.openapi().as_ref().err()
    );
}

async fn start(postgres: bool) -> Option<TestServer> {
    let backend = if postgres {
        let url = e2e::backends::postgres_database("plug_in_procedure::postgres").await?;
        e2e::http::Backend::Postgres(url)
    } else {
        e2e::http::Backend::Embedded
    };
    Some(TestServer::with_registry(backend, registry()).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_test_only_type_is_served_everywhere_embedded() {
    let server = start(false).await.expect("embedded server");
    served_everywhere(server).await;
    e2e::backends::ran("embedded", "plug_in_procedure::embedded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_test_only_type_is_served_everywhere_postgres() {
    let Some(server) = start(true).await else {
        return;
    };
    served_everywhere(server).await;
    e2e::backends::ran("postgres", "plug_in_procedure::postgres");
}

async fn served_everywhere(server: TestServer) {
    // Created by its procurementMethodType, next to a priceQuotation tender.
    let tender = e2e::pq::activated(&server).await;
    let end = domain::time::format_kyiv(server.now() + TimeDelta::days(1));
    let (status, headers, created) = server
        .post(
            "/api/2.5/tenders",
            Some(BROKER_KEY),
            Some(json!({"data": {
                "procurementMethodType": "sealedOffer",
                "title": "Запечатана пропозиція",
                "tenderPeriod": {"endDate": end},
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/2.5/tenders/{id}");
    assert_eq!(
        headers["location"].to_str().expect("Location"),
        format!("{}{path}", server.base)
    );
    let owner_token = created["access"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(created["data"]["status"], "active.tendering");

    // Read back, the same document; listed in the collection's feed with
    // the priceQuotation tender.
    server.settle().await;
    let (status, _, read) = server.get(&path, None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["data"], created["data"]);
    let (_, _, feed) = server
        .get(
            "/api/2.5/tenders?feed=changes&opt_fields=procurementMethodType",
            None,
            None,
        )
        .await;
    let listed: Vec<(&str, &str)> = feed["data"]
        .as_array()
        .expect("feed data")
        .iter()
        .map(|item| {
            (
                item["id"].as_str().unwrap_or_default(),
                item["procurementMethodType"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(listed.contains(&(id.as_str(), "sealedOffer")), "{feed}");
    assert!(
        listed.contains(&(tender.id.as_str(), "priceQuotation")),
        "{feed}"
    );
    // Resources it does not have are not there, though priceQuotation's are.
    for missing in ["awards", "contracts", "cancellations"] {
        let (status, _, body) = server.get(&format!("{path}/{missing}"), None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {body}");
    }
    let (status, _, _) = server
        .get(&format!("{}/awards", tender.path), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);

    // Two sealed bids.
    let mut bids = Vec::new();
    for price in PRICES {
        let (status, headers, bid) = server
            .post(
                &format!("{path}/bids"),
                Some(OTHER_KEY),
                Some(json!({"data": {"value": {"amount": serde_json::from_str::<Json>(price).expect("amount")}}})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{bid}");
        let bid_id = bid["data"]["id"].as_str().expect("bid id").to_owned();
        assert!(
            headers["location"]
                .to_str()
                .expect("Location")
                .ends_with(&format!("{path}/bids/{bid_id}"))
        );
        let token = bid["access"]["token"]
            .as_str()
            .expect("bid token")
            .to_owned();
        bids.push((bid_id, token));
    }
    let (status, _, body) = server.get(&format!("{path}/bids"), None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (bid_id, token) = &bids[0];
    let (status, _, own) = server
        .get(
            &format!("{path}/bids/{bid_id}?acc_token={token}"),
            Some(OTHER_KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["data"]["value"]["amount"].to_string(), PRICES[0]);

    // The secrecy scan walks every GET route, this type's included.
    let mut known = Known::default();
    for parameter in [
        "id",
        "bid_id",
        "award_id",
        "contract_id",
        "cancellation_id",
        "document_id",
        "key",
    ] {
        known.add(parameter, "0123456789abcdef0123456789abcdef");
    }
    known.add("id", &id);
    known.add("id", &tender.id);
    for (bid_id, _) in &bids {
        known.add("bid_id", bid_id);
    }
    let markers: Vec<String> = PRICES.map(str::to_owned).to_vec();
    let scan = collect(&server, &known, &viewers(&owner_token), &[]).await;
    check(&scan, "sealedOffer while bidding", &markers, &[]);

    // The event log shows its events, a bid's contents withheld.
    let (_, _, events) = server.get("/api/2.5/events?limit=1000", None, None).await;
    let ours: Vec<&Json> = events["data"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["procedureId"] == json!(id))
        .collect();
    let types: Vec<&str> = ours.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        types,
        ["OfferPublished", "BidPlaced", "BidPlaced"],
        "{events}"
    );
    assert!(ours.iter().all(|e| e["procedureType"] == "sealedOffer"));
    assert!(!events.to_string().contains("ownerTokenHash"));

    // At the closing time the scheduler opens the bids.
    server.advance(TimeDelta::days(1) + TimeDelta::minutes(1));
    assert!(server.run_scheduler().await >= 1);
    let (_, _, opened) = server.get(&path, None, None).await;
    assert_eq!(opened["data"]["status"], "complete", "{opened}");
    let scan = collect(&server, &known, &viewers(&owner_token), &[]).await;
    check(&scan, "sealedOffer once opened", &[], &markers);
    let (status, _, listed) = server.get(&format!("{path}/bids"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2));

    // Replay verifies the log and rebuilds identical read models.
    server.assert_replays().await;
    let shown = replay::show(
        server.store.as_ref(),
        server.registry.published(),
        &id,
        None,
    )
    .await
    .expect("show");
    assert_eq!(serde_json::from_str::<Json>(&shown).expect("JSON"), opened);
}
