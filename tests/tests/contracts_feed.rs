//! The read side's wire fidelity on both store backends: contracts of every
//! procedure type as resources of their own (`GET /api/2.5/contracts/{id}`)
//! with their change feed (pages both ways, server-sent events), drafts
//! left out of the procedures' feeds until published, and `mode=test` /
//! `mode=_all_`. Each scenario ends with `cdb replay rebuild` reproducing
//! every read model byte for byte.

use std::time::Duration;

use e2e::http::{BROKER_KEY, OTHER_KEY, StatusCode, TestServer, shteker};
use e2e::pq::{Tender, activate, activated, create, end_tendering, submit_bid};
use e2e::sale::{PROCEDURES, Scenario};
use e2e::sse::read_events;
use projections::{ChangeBatch, ContractRow, DocumentRow, FeedQuery, FeedRow, ReadStore};
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    contracts_of_every_type_are_resources_with_a_feed,
    drafts_join_the_feed_when_published,
    test_mode_is_empty_and_all_mode_is_the_feed,
    a_contracts_page_never_splits_a_position,
);

const CONTRACTS: &str = "/api/2.5/contracts";
const TENDERS: &str = "/api/2.5/tenders";
const NO_ID: &str = "0123456789abcdef0123456789abcdef";

/// Q = 1000, minimal part 200, minimal price 100 (the spec's §5.2 lot).
const LOT: (i64, i64, i64) = (1000, 200, 100);

fn ids(items: &[Json]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["id"].as_str().expect("item id").to_owned())
        .collect()
}

/// Every item from `first` on, following `next_page` until a page is
/// empty; also answers how many pages were read.
async fn follow(server: &TestServer, first: &str) -> (Vec<Json>, usize) {
    let mut items = Vec::new();
    let mut path = first.to_owned();
    for pages in 1.. {
        let (status, _, page) = server.get(&path, None, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {page}");
        let data = page["data"].as_array().cloned().unwrap_or_default();
        if data.is_empty() {
            return (items, pages);
        }
        items.extend(data);
        path = page["next_page"]["path"]
            .as_str()
            .unwrap_or_else(|| panic!("next_page.path in {page}"))
            .to_owned();
        assert!(pages < 1000, "the feed does not end");
    }
    unreachable!()
}

/// The contracts feed's ids, read forward one contract a page.
async fn contracts_in_order(server: &TestServer) -> Vec<String> {
    ids(
        &follow(server, &format!("{CONTRACTS}?feed=changes&limit=1"))
            .await
            .0,
    )
}

/// `GET /api/2.5/contracts/{id}` is the contract as its procedure shows it
/// (`{procedure}/contracts/{id}`), with the procedure's id in `field` and a
/// `dateModified`. Answers the contract.
async fn assert_served(
    server: &TestServer,
    procedure: &str,
    procedure_id: &str,
    field: &str,
    contract_id: &str,
) -> Json {
    let (status, _, own) = server
        .get(&format!("{CONTRACTS}/{contract_id}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let (status, _, inner) = server
        .get(&format!("{procedure}/contracts/{contract_id}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{inner}");
    let mut expected = inner["data"].clone();
    expected[field] = json!(procedure_id);
    if expected.get("dateModified").is_none() {
        // priceQuotation's contracts take the tender's date of their change.
        let date = own["data"]["dateModified"].as_str().unwrap_or_default();
        assert!(
            domain::time::parse_timestamp(date).is_ok(),
            "dateModified {date:?} in {own}"
        );
        expected["dateModified"] = json!(date);
    }
    assert_eq!(own["data"], expected);
    let other = if field == "tender_id" {
        "procedure_id"
    } else {
        "tender_id"
    };
    assert!(own["data"].get(other).is_none(), "{own}");
    own["data"].clone()
}

/// Rebuilds the read models from the log: identical to the live ones. So
/// is a projection of one event a batch, each batch by a fresh projection,
/// which folds every procedure again and reads its document and contract
/// rows back from the store: the rows do not depend on what was cached.
async fn rebuild_is_identical(server: &TestServer, contracts: u64) {
    server.settle().await;
    let dir = tempfile::tempdir().expect("dir");
    let one_by_one =
        projections::read_store::sqlite::SqliteReadStore::open(&dir.path().join("read.sqlite3"))
            .expect("open");
    let log = server.store.read_all(0, 100_000).await.expect("the log");
    let mut from = 0;
    for event in &log {
        let batch = projections::Projection::new(server.registry.published().clone())
            .batch(
                server.store.as_ref(),
                &one_by_one,
                from,
                std::slice::from_ref(event),
            )
            .await
            .expect("project one event");
        from = batch.to;
        one_by_one.apply(batch).await.expect("apply");
    }
    assert_eq!(
        one_by_one.snapshot().await.expect("snapshot").digests(),
        server
            .projector
            .read_store()
            .snapshot()
            .await
            .expect("snapshot")
            .digests(),
        "one event a batch, folded afresh each time"
    );
    let report = server.assert_replays().await;
    assert_eq!(report.live[2].read_model, "contracts");
    assert_eq!(report.live[2].rows, contracts, "{report:?}");
    assert_eq!(report.position, server.head().await);
}

async fn contracts_of_every_type_are_resources_with_a_feed(server: TestServer) {
    // A sale sold in three parts: a contract per qualified award, in the
    // order they were qualified.
    let s = Scenario::qualification(&server, LOT, &[(200, 120), (300, 110), (400, 100)]).await;
    let (status, _, empty) = server
        .get(&format!("{CONTRACTS}?feed=changes"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{empty}");
    assert_eq!(empty["data"], json!([]), "no contract before qualification");
    for u in 1..=3 {
        s.qualify(u).await;
    }
    let mut c = Vec::new();
    for u in 1..=3 {
        let contract = s.contract(u).await.expect("a contract per qualified award");
        c.push(contract["id"].as_str().expect("contract id").to_owned());
    }
    assert_eq!(
        contracts_in_order(&server).await,
        [c[0].as_str(), c[1].as_str(), c[2].as_str()]
    );
    for id in &c {
        let served = assert_served(&server, &s.sale.path, &s.sale.id, "procedure_id", id).await;
        assert_eq!(served["status"], "pending");
    }

    // A later change moves a contract to the end of the feed.
    s.sign(1).await;
    assert_eq!(
        contracts_in_order(&server).await,
        [c[1].as_str(), c[2].as_str(), c[0].as_str()]
    );
    s.sign(3).await;
    assert_eq!(
        contracts_in_order(&server).await,
        [c[1].as_str(), c[0].as_str(), c[2].as_str()]
    );
    s.sign(2).await;
    assert_eq!(
        contracts_in_order(&server).await,
        [c[0].as_str(), c[2].as_str(), c[1].as_str()]
    );
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for id in &c {
        let served = assert_served(&server, &s.sale.path, &s.sale.id, "procedure_id", id).await;
        assert_eq!(served["status"], "active");
    }

    // A priceQuotation tender carried to a signed contract.
    let tender = activated(&server).await;
    submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    assert_eq!(end_tendering(&server).await, 1);
    let document = e2e::pq::get_tender(&server, &tender).await;
    let award = document["data"]["awards"][0]["id"]
        .as_str()
        .expect("award")
        .to_owned();
    let (status, body) = e2e::pq::decide_award(
        &server,
        &tender,
        &award,
        json!({"status": "active", "qualified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = e2e::pq::get_tender(&server, &tender).await;
    let p = document["data"]["contracts"][0]["id"]
        .as_str()
        .expect("contract")
        .to_owned();
    let pending = assert_served(&server, &tender.path, &tender.id, "tender_id", &p).await;
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["dateModified"], document["data"]["dateModified"]);
    assert_eq!(
        contracts_in_order(&server).await,
        [c[0].as_str(), c[2].as_str(), c[1].as_str(), p.as_str()]
    );
    let offset_before = last_offset(&server).await;
    server.advance(chrono::TimeDelta::minutes(5));
    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/contracts/{p}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = e2e::pq::get_tender(&server, &tender).await;
    let signed = assert_served(&server, &tender.path, &tender.id, "tender_id", &p).await;
    assert_eq!(signed["status"], "active");
    assert_ne!(
        signed["dateModified"], pending["dateModified"],
        "signed later"
    );
    assert_eq!(signed["dateModified"], document["data"]["dateModified"]);
    assert!(
        last_offset(&server).await > offset_before,
        "the signed contract moved"
    );
    let order = [c[0].as_str(), c[2].as_str(), c[1].as_str(), p.as_str()];
    assert_eq!(contracts_in_order(&server).await, order);

    // Unknown contracts are 404 naming `contract_id`; a procedure's id is
    // not a contract's.
    for unknown in [NO_ID, tender.id.as_str(), s.sale.id.as_str()] {
        let (status, _, body) = server
            .get(&format!("{CONTRACTS}/{unknown}"), None, None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(
            body["errors"],
            json!([{"location": "url", "name": "contract_id", "description": "Not Found"}])
        );
    }
    // opt_pretty indents the same contract.
    let (_, _, pretty) = server
        .get_bytes(&format!("{CONTRACTS}/{p}?opt_pretty=1"))
        .await;
    let pretty = String::from_utf8(pretty).expect("UTF-8");
    assert!(pretty.contains("\n  \"data\": {"), "{pretty}");
    assert_eq!(
        serde_json::from_str::<Json>(&pretty).expect("JSON")["data"],
        signed
    );

    // Paging: items carry id and dateModified, opt_fields the contract's
    // own fields; next_page and prev_page link both ways.
    let (_, _, first) = server
        .get(
            &format!("{CONTRACTS}?feed=changes&limit=2&opt_fields=status,tender_id,procedure_id"),
            None,
            None,
        )
        .await;
    assert!(first.get("prev_page").is_none(), "{first}");
    let page = first["data"].as_array().expect("data");
    assert_eq!(ids(page), [order[0], order[1]]);
    for item in page {
        assert_eq!(item["procedure_id"], s.sale.id.as_str(), "{item}");
        assert_eq!(item["status"], "active", "{item}");
        assert!(item.get("tender_id").is_none(), "{item}");
        assert!(item["dateModified"].is_string(), "{item}");
    }
    let next = first["next_page"]["path"].as_str().expect("next");
    assert!(next.starts_with("/api/2.5/contracts?"), "{next}");
    assert!(next.contains("opt_fields="), "{next}");
    assert_eq!(
        first["next_page"]["uri"],
        format!("{}{next}", server.base).as_str()
    );
    let (_, _, second) = server.get(next, None, None).await;
    let page = second["data"].as_array().expect("data");
    assert_eq!(ids(page), [order[2], order[3]]);
    assert_eq!(page[1]["tender_id"], tender.id.as_str(), "{second}");
    assert!(page[1].get("procedure_id").is_none(), "{second}");
    let prev = second["prev_page"]["path"].as_str().expect("prev");
    assert!(prev.contains("descending=1"), "{prev}");
    let (_, _, back) = server.get(prev, None, None).await;
    assert_eq!(
        ids(back["data"].as_array().expect("data")),
        [order[1], order[0]]
    );
    // Backward from the top, one a page: every contract once, newest first.
    let (backward, pages) = follow(
        &server,
        &format!("{CONTRACTS}?feed=changes&descending=1&limit=1"),
    )
    .await;
    assert_eq!(pages, 5, "four pages and an empty one");
    let mut reversed = order.to_vec();
    reversed.reverse();
    assert_eq!(ids(&backward), reversed);
    // Forward without `feed=changes` is the same listing.
    assert_eq!(ids(&follow(&server, CONTRACTS).await.0), order);

    // The live form: every contract, each event's id its offset; resumed
    // with Last-Event-ID.
    let url = format!(
        "{}{CONTRACTS}?feed=changes&mode=stream&opt_fields=status",
        server.base
    );
    let streamed = read_events(&url, None, 4, Duration::from_secs(10)).await;
    assert_eq!(
        streamed
            .iter()
            .map(|e| e.data["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        order
    );
    assert!(streamed.iter().all(|e| e.data["status"] == "active"));
    let resumed = read_events(&url, Some(&streamed[1].id), 2, Duration::from_secs(10)).await;
    assert_eq!(
        resumed
            .iter()
            .map(|e| e.data["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        [order[2], order[3]]
    );
    // The procedures' feeds still list procedures.
    let (_, _, tenders) = server
        .get(&format!("{TENDERS}?feed=changes"), None, None)
        .await;
    assert_eq!(
        ids(tenders["data"].as_array().expect("data")),
        [tender.id.as_str()]
    );

    rebuild_is_identical(&server, 4).await;
    // The rebuilt contracts are served byte for byte as before.
    let (_, _, after) = server.get_bytes(&format!("{CONTRACTS}/{p}")).await;
    assert_eq!(
        serde_json::from_slice::<Json>(&after).expect("JSON")["data"],
        signed
    );
}

/// The offset after the whole contracts feed.
async fn last_offset(server: &TestServer) -> u64 {
    let (_, _, page) = server
        .get(
            &format!("{CONTRACTS}?feed=changes&descending=1&limit=1"),
            None,
            None,
        )
        .await;
    page["data"][0]["id"].as_str().expect("a contract");
    page["next_page"]["offset"]
        .as_str()
        .and_then(|offset| offset.parse().ok())
        .expect("offset")
}

async fn feed_ids(server: &TestServer, path: &str) -> Vec<String> {
    ids(&follow(server, path).await.0)
}

async fn drafts_join_the_feed_when_published(server: TestServer) {
    let early: Tender = create(&server).await;
    let published = activated(&server).await;
    let never = create(&server).await;
    let sale = e2e::sale::publish_lot(&server, LOT.0, LOT.1, LOT.2).await;
    // The drafts are readable by id, listed nowhere.
    for draft in [&early, &never] {
        let (status, _, body) = server.get(&draft.path, None, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["status"], "draft");
    }
    for path in [
        format!("{TENDERS}?feed=changes&limit=1"),
        format!("{TENDERS}?feed=changes&descending=1&limit=1"),
        format!("{TENDERS}?limit=1"),
    ] {
        let mut listed = feed_ids(&server, &path).await;
        listed.sort();
        assert_eq!(listed, [published.id.as_str()], "{path}");
    }
    let stream = format!("{}{TENDERS}?feed=changes&mode=stream", server.base);
    let live = read_events(&stream, None, 2, Duration::from_secs(2)).await;
    assert_eq!(
        live.iter()
            .map(|e| e.data["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        [published.id.as_str()],
        "the stream leaves drafts out too"
    );
    let (_, _, sales) = server
        .get(&format!("{PROCEDURES}?feed=changes"), None, None)
        .await;
    assert_eq!(
        ids(sales["data"].as_array().expect("data")),
        [sale.id.as_str()]
    );

    // Published, the early draft appears at its publishing change: after
    // the tender published before it, and to a stream already listening.
    let listening = {
        let stream = stream.clone();
        let from = live[0].id.clone();
        tokio::spawn(
            async move { read_events(&stream, Some(&from), 1, Duration::from_secs(20)).await },
        )
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = activate(&server, &early).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let heard = listening.await.expect("stream reader");
    assert_eq!(
        heard
            .iter()
            .map(|e| e.data["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        [early.id.as_str()]
    );
    assert_eq!(
        feed_ids(&server, &format!("{TENDERS}?feed=changes&limit=1")).await,
        [published.id.as_str(), early.id.as_str()]
    );
    let all = read_events(&stream, None, 3, Duration::from_secs(2)).await;
    assert_eq!(
        all.iter()
            .map(|e| e.data["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        [published.id.as_str(), early.id.as_str()]
    );
    // Its offset is that of the publication, after everything before it.
    let publication = server
        .store
        .read_procedure(&early.id)
        .await
        .expect("read")
        .iter()
        .find(|e| e.event_type == "TenderActivated")
        .map(|e| e.position)
        .expect("activated");
    assert_eq!(all[1].id, publication.to_string());
    rebuild_is_identical(&server, 0).await;
}

async fn test_mode_is_empty_and_all_mode_is_the_feed(server: TestServer) {
    let mut tenders = Vec::new();
    for _ in 0..3 {
        tenders.push(activated(&server).await.id);
    }
    e2e::sale::publish_lot(&server, LOT.0, LOT.1, LOT.2).await;
    for feed in [TENDERS, PROCEDURES, CONTRACTS] {
        // mode=test: an empty page whose next_page keeps the offset and mode.
        for (query, offset) in [("", "0"), ("&offset=2", "2")] {
            let (status, _, page) = server
                .get(&format!("{feed}?feed=changes&mode=test{query}"), None, None)
                .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_eq!(page["data"], json!([]), "{feed}{query}: {page}");
            assert_eq!(page["next_page"]["offset"], offset, "{page}");
            let next = page["next_page"]["path"].as_str().expect("next");
            assert!(next.starts_with(&format!("{feed}?")), "{next}");
            assert!(next.contains("mode=test"), "{next}");
            assert!(next.contains(&format!("offset={offset}")), "{next}");
            if !query.is_empty() {
                let prev = page["prev_page"]["path"].as_str().expect("prev");
                assert!(prev.contains("mode=test"), "{prev}");
            }
        }
        let (_, _, page) = server
            .get(
                &format!("{feed}?feed=changes&mode=test&descending=1"),
                None,
                None,
            )
            .await;
        assert_eq!(page["data"], json!([]), "{page}");
        assert!(
            page["prev_page"]["path"]
                .as_str()
                .is_some_and(|p| p.contains("mode=test")),
            "{page}"
        );
    }
    // mode=_all_: the normal feed, page by page, its links keeping the mode.
    let normal = feed_ids(&server, &format!("{TENDERS}?feed=changes")).await;
    assert_eq!(normal, tenders);
    let (_, _, first) = server
        .get(
            &format!("{TENDERS}?feed=changes&mode=_all_&limit=2"),
            None,
            None,
        )
        .await;
    assert_eq!(ids(first["data"].as_array().expect("data")), tenders[..2]);
    let next = first["next_page"]["path"].as_str().expect("next");
    assert!(next.contains("mode=_all_"), "{next}");
    let (_, _, second) = server.get(next, None, None).await;
    assert_eq!(ids(second["data"].as_array().expect("data")), tenders[2..]);
    let prev = second["prev_page"]["path"].as_str().expect("prev");
    assert!(
        prev.contains("mode=_all_") && prev.contains("descending=1"),
        "{prev}"
    );
    let (_, _, back) = server.get(prev, None, None).await;
    assert_eq!(
        ids(back["data"].as_array().expect("data")),
        [tenders[1].as_str(), tenders[0].as_str()]
    );
    assert_eq!(
        feed_ids(
            &server,
            &format!("{TENDERS}?feed=changes&mode=_all_&limit=1")
        )
        .await,
        tenders
    );
    // mode=stream is still the live form.
    let live = read_events(
        &format!("{}{TENDERS}?feed=changes&mode=stream", server.base),
        None,
        3,
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(
        live.iter()
            .map(|e| e.data["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        tenders
    );
    rebuild_is_identical(&server, 0).await;
}

/// A read store next to the server's, on the same backend.
enum Scratch {
    Embedded(std::path::PathBuf),
    Postgres(String),
}

impl Scratch {
    async fn new(server: &TestServer, dir: &std::path::Path) -> Scratch {
        match &server.backend {
            e2e::http::Backend::Embedded => Scratch::Embedded(dir.join("read.sqlite3")),
            e2e::http::Backend::Postgres(_) => {
                Scratch::Postgres(e2e::pg::fresh_database().await.expect("a second database"))
            }
        }
    }

    async fn open(&self) -> Box<dyn ReadStore> {
        match self {
            Scratch::Embedded(path) => Box::new(
                projections::read_store::sqlite::SqliteReadStore::open(path).expect("open"),
            ),
            Scratch::Postgres(url) => Box::new(
                projections::read_store::postgres::PostgresReadStore::connect(url)
                    .await
                    .expect("connect"),
            ),
        }
    }

    /// Makes the store look written by a build without the contracts model.
    async fn without_contracts(&self) {
        let sql = "DELETE FROM read_positions WHERE name = 'contracts'; DROP TABLE read_contracts;";
        match self {
            Scratch::Embedded(path) => rusqlite::Connection::open(path)
                .and_then(|connection| connection.execute_batch(sql))
                .expect("downgrade"),
            Scratch::Postgres(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(connection);
                client.batch_execute(sql).await.expect("downgrade");
            }
        }
    }
}

/// Several contracts can change at one position (one event of their
/// procedure) while an offset is a position: on either store a page never
/// ends inside such a group, whichever the direction. And a store written
/// before the contracts model existed starts over on open.
async fn a_contracts_page_never_splits_a_position(server: TestServer) {
    let dir = tempfile::tempdir().expect("dir");
    let scratch = Scratch::new(&server, dir.path()).await;
    let read = scratch.open().await;
    let contract = |procedure: &str, id: &str, position: u64| ContractRow {
        procedure_id: procedure.into(),
        contract_id: id.into(),
        kind: "priceQuotation".into(),
        revision: 1,
        position,
        date_modified: String::new(),
        status: "pending".into(),
        body: format!(r#"{{"id":"{id}"}}"#),
    };
    let document = |id: &str, position: u64| DocumentRow {
        procedure_id: id.into(),
        kind: "priceQuotation".into(),
        revision: 1,
        position,
        body: "{}".into(),
    };
    let feed = |id: &str, position: u64| FeedRow {
        procedure_id: id.into(),
        kind: "priceQuotation".into(),
        position,
        date_modified: String::new(),
        status: "active.tendering".into(),
        procurement_method_type: "priceQuotation".into(),
        owner: "broker".into(),
        bids_disclosed: false,
    };
    read.apply(ChangeBatch {
        from: 0,
        to: 9,
        documents: vec![document("p1", 2), document("p2", 9)],
        feed: vec![feed("p1", 2), feed("p2", 9)],
        contracts: vec![
            contract("p1", "a", 2),
            contract("p1", "d", 5),
            contract("p1", "c", 5),
            contract("p1", "b", 5),
            contract("p2", "e", 9),
        ],
        revisions: vec![],
        events: vec![],
    })
    .await
    .expect("apply");
    let page = |offset: Option<u64>, limit: usize, descending: bool| {
        let read = &read;
        async move {
            let query = FeedQuery {
                kinds: vec!["priceQuotation".into()],
                offset,
                limit,
                descending,
                with_body: false,
            };
            read.contracts_feed(&query)
                .await
                .expect("page")
                .into_iter()
                .map(|row| row.contract_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(page(None, 2, false).await, ["a", "b", "c", "d"]);
    assert_eq!(page(Some(2), 1, false).await, ["b", "c", "d"]);
    assert_eq!(page(Some(5), 1, false).await, ["e"]);
    assert!(page(Some(9), 1, false).await.is_empty());
    assert_eq!(page(None, 2, true).await, ["e", "d", "c", "b"]);
    assert_eq!(page(Some(5), 1, true).await, ["a"]);
    assert_eq!(page(None, 10, false).await, ["a", "b", "c", "d", "e"]);
    let other_kind = FeedQuery {
        kinds: vec!["basicSell-multiAwards".into()],
        offset: None,
        limit: 10,
        descending: false,
        with_body: false,
    };
    assert!(
        read.contracts_feed(&other_kind)
            .await
            .expect("page")
            .is_empty()
    );
    let snapshot = read.snapshot().await.expect("snapshot");
    assert_eq!(snapshot.position(), 9);
    assert_eq!(
        snapshot
            .contracts
            .iter()
            .map(|row| row.contract_id.as_str())
            .collect::<Vec<_>>(),
        ["a", "b", "c", "d", "e"]
    );
    assert_eq!(
        read.contract("c")
            .await
            .expect("read")
            .map(|row| row.position),
        Some(5)
    );

    // A store written before the contracts model existed starts over: its
    // positions disagree, so every model is projected again from the log.
    drop(read);
    scratch.without_contracts().await;
    let read = scratch.open().await;
    let positions = read.positions().await.expect("positions");
    assert_eq!(
        positions,
        [("documents", 0), ("feed", 0), ("contracts", 0)],
        "everything starts over"
    );
    assert!(read.document("p1").await.expect("read").is_none());
    assert!(read.snapshot().await.expect("snapshot").feed.is_empty());
}
