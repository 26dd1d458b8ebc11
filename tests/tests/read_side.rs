//! The read side through the real HTTP server on both store backends: the
//! change feed and the public event log follow the commit order exactly
//! under concurrent writers (pages, server-sent events, resumption across a
//! restart), drafts stay out of the feed, and no read endpoint shows a
//! sealed bid before disclosure.

use std::sync::Arc;
use std::time::Duration;

use e2e::http::{BROKER_KEY, OTHER_KEY, StatusCode, TestServer, pixeli, shteker, tenderer};
use e2e::pq::{Tender, activated, bid_request, create, end_tendering, submit_bid};
use e2e::sse::read_events;
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    feed_and_event_log_follow_the_commit_order,
    sealed_bids_stay_sealed_until_disclosure,
    feed_pages_link_both_ways,
);

const WRITERS: usize = 8;
const TENDERS_PER_WRITER: usize = 15;

/// Follows `first` through `next_page` links until a page comes back empty
/// after `done` says the writers have finished. Answers every item seen.
async fn follow_pages(
    server: &TestServer,
    first: String,
    done: &tokio::sync::watch::Receiver<bool>,
) -> (Vec<Json>, String) {
    let mut items = Vec::new();
    let mut path = first;
    loop {
        let finished = *done.borrow();
        let (status, _, body) = server.get(&path, None, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        let page = body["data"].as_array().cloned().unwrap_or_default();
        let next = body["next_page"]["path"]
            .as_str()
            .unwrap_or_else(|| panic!("next_page.path in {body}"))
            .to_owned();
        if page.is_empty() {
            if finished {
                return (items, next);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        items.extend(page);
        path = next;
    }
}

async fn feed_and_event_log_follow_the_commit_order(server: TestServer) {
    let server = Arc::new(server);
    let (done_tx, done) = tokio::sync::watch::channel(false);

    let feed_reader = {
        let server = Arc::clone(&server);
        let done = done.clone();
        tokio::spawn(async move {
            follow_pages(
                &server,
                "/api/2.5/tenders?feed=changes&limit=7".into(),
                &done,
            )
            .await
        })
    };
    let event_reader = {
        let server = Arc::clone(&server);
        let done = done.clone();
        tokio::spawn(async move {
            follow_pages(&server, "/api/2.5/events?limit=13".into(), &done).await
        })
    };
    // Every third tender stays a draft, which the feed leaves out.
    let mut writers = Vec::new();
    for _ in 0..WRITERS {
        let server = Arc::clone(&server);
        writers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..TENDERS_PER_WRITER {
                let tender = if n % 3 == 0 {
                    create(&server).await
                } else {
                    activated(&server).await
                };
                ids.push(tender.id);
            }
            ids
        }));
    }
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.expect("writer"));
    }
    server.settle().await;
    done_tx.send(true).expect("readers listen");
    let (feed, feed_end) = feed_reader.await.expect("feed reader");
    let (events, _) = event_reader.await.expect("event reader");

    // What was committed, in commit order.
    let log = server
        .store
        .read_all(0, 100_000)
        .await
        .expect("read the log");
    let all_created: Vec<String> = log
        .iter()
        .filter(|e| e.event_type == "TenderCreated")
        .map(|e| e.procedure_id.clone())
        .collect();
    assert_eq!(all_created.len(), WRITERS * TENDERS_PER_WRITER);
    let mut sorted = acknowledged.clone();
    sorted.sort();
    let mut created_sorted = all_created.clone();
    created_sorted.sort();
    assert_eq!(
        sorted, created_sorted,
        "every acknowledged tender is in the log"
    );
    // What the feed lists: each published tender at its publication (its
    // last change), in commit order; drafts not at all.
    let created: Vec<String> = log
        .iter()
        .filter(|e| e.event_type == "TenderActivated")
        .map(|e| e.procedure_id.clone())
        .collect();
    assert_eq!(created.len(), WRITERS * (TENDERS_PER_WRITER * 2 / 3));

    // The paging feed reader saw every published tender once, in commit order.
    let feed_ids: Vec<String> = feed
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(
        feed_ids, created,
        "feed = commit order, no gap, no duplicate"
    );
    for item in &feed {
        assert!(item["dateModified"].as_str().is_some(), "{item}");
    }

    // The paging event reader saw exactly the log.
    let event_ids: Vec<&str> = events
        .iter()
        .map(|e| e["id"].as_str().expect("event id"))
        .collect();
    let log_ids: Vec<&str> = log.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(
        event_ids, log_ids,
        "event log = commit order, no gap, no duplicate"
    );
    let positions: Vec<u64> = events
        .iter()
        .map(|e| e["position"].as_u64().expect("position"))
        .collect();
    assert_eq!(positions, (1..=log.len() as u64).collect::<Vec<_>>());

    // The same sequences as server-sent events, and resumed with Last-Event-ID.
    let total = created.len();
    let streamed = read_events(
        &format!("{}/api/2.5/tenders?feed=changes&mode=stream", server.base),
        None,
        total,
        Duration::from_secs(20),
    )
    .await;
    let streamed_ids: Vec<&str> = streamed
        .iter()
        .map(|e| e.data["id"].as_str().expect("id"))
        .collect();
    assert_eq!(streamed_ids, created);
    let middle = &streamed[total / 2 - 1].id;
    let resumed = read_events(
        &format!("{}/api/2.5/tenders?feed=changes&mode=stream", server.base),
        Some(middle),
        total - total / 2,
        Duration::from_secs(20),
    )
    .await;
    let resumed_ids: Vec<&str> = resumed
        .iter()
        .map(|e| e.data["id"].as_str().expect("id"))
        .collect();
    assert_eq!(resumed_ids, created[total / 2..]);
    let streamed_events = read_events(
        &format!("{}/api/2.5/events?mode=stream&offset=3", server.base),
        None,
        log.len() - 3,
        Duration::from_secs(20),
    )
    .await;
    let streamed_event_ids: Vec<&str> = streamed_events
        .iter()
        .map(|e| e.data["id"].as_str().expect("id"))
        .collect();
    assert_eq!(streamed_event_ids, log_ids[3..]);

    // Health: every read model has applied the whole log.
    let (_, _, health) = server.get("/health", None, None).await;
    for model in ["documents", "feed", "contracts"] {
        assert_eq!(health["projections"][model]["lag"], 0, "{health}");
        assert_eq!(
            health["projections"][model]["position"],
            log.len() as u64,
            "{health}"
        );
    }

    // Offsets stay valid across a restart: the last one gives nothing new,
    // a middle one the rest, in the same order.
    let middle_offset = positions_of(&server, &created[total / 2 - 1]).await;
    drop((feed, events));
    let server = Arc::into_inner(server).expect("readers are done");
    let server = server.restart().await;
    let (_, _, after) = server.get(&feed_end, None, None).await;
    assert_eq!(after["data"], json!([]), "{after}");
    let (items, _) = follow_pages(
        &server,
        format!("/api/2.5/tenders?feed=changes&limit=9&offset={middle_offset}"),
        &tokio::sync::watch::channel(true).1,
    )
    .await;
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, created[total / 2..]);
}

/// The feed offset that resumes right after `id`: the `next_page.offset`
/// of the page that ends with it.
async fn positions_of(server: &TestServer, id: &str) -> u64 {
    let (_, _, page) = server
        .get("/api/2.5/tenders?feed=changes&limit=1000", None, None)
        .await;
    let items = page["data"].as_array().expect("items");
    let index = items
        .iter()
        .position(|i| i["id"] == id)
        .expect("tender in the feed");
    let (_, _, upto) = server
        .get(
            &format!("/api/2.5/tenders?feed=changes&limit={}", index + 1),
            None,
            None,
        )
        .await;
    assert_eq!(upto["data"][index]["id"], id);
    upto["next_page"]["offset"]
        .as_str()
        .and_then(|o| o.parse().ok())
        .expect("offset")
}

async fn feed_pages_link_both_ways(server: TestServer) {
    let mut tenders: Vec<Tender> = Vec::new();
    for _ in 0..5 {
        tenders.push(activated(&server).await);
    }
    let ids: Vec<String> = tenders.iter().map(|t| t.id.clone()).collect();
    let (status, _, first) = server
        .get(
            "/api/2.5/tenders?feed=changes&limit=2&opt_fields=status,procurementMethodType,owner,tenderID",
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page: Vec<&Json> = first["data"].as_array().expect("data").iter().collect();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0]["id"], ids[0].as_str());
    for item in &page {
        assert_eq!(item["status"], "active.tendering");
        assert_eq!(item["procurementMethodType"], "priceQuotation");
        assert_eq!(item["owner"], "broker");
        assert!(
            item["tenderID"]
                .as_str()
                .is_some_and(|t| t.starts_with("UA-"))
        );
    }
    assert!(
        first.get("prev_page").is_none(),
        "no prev_page on the first page"
    );
    let next = first["next_page"]["path"].as_str().expect("next path");
    assert!(next.contains("opt_fields="), "{next}");
    let uri = first["next_page"]["uri"].as_str().expect("next uri");
    assert_eq!(uri, format!("{}{next}", server.base));
    let (_, _, second) = server.get(next, None, None).await;
    let second_ids: Vec<&str> = second["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(second_ids, [ids[2].as_str(), ids[3].as_str()]);
    // prev_page goes back (descending) from the page's first item.
    let prev = second["prev_page"]["path"].as_str().expect("prev path");
    assert!(prev.contains("descending=1"), "{prev}");
    let (_, _, back) = server.get(prev, None, None).await;
    let back_ids: Vec<&str> = back["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(back_ids, [ids[1].as_str(), ids[0].as_str()]);
    // Descending from the top.
    let (_, _, newest) = server
        .get(
            "/api/2.5/tenders?feed=changes&descending=1&limit=3",
            None,
            None,
        )
        .await;
    assert_eq!(newest["data"][0]["id"], ids[4].as_str());
    // A changed tender (a bid a minute later moves its dateModified) moves
    // to the end of the feed.
    server.advance(chrono::TimeDelta::minutes(1));
    submit_bid(&server, &tenders[0], OTHER_KEY, &shteker(), 100).await;
    let (_, _, all) = server
        .get("/api/2.5/tenders?feed=changes&limit=100", None, None)
        .await;
    let order: Vec<&str> = all["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(order, [&ids[1], &ids[2], &ids[3], &ids[4], &ids[0]]);
    // Bad parameters are client errors naming the parameter.
    for (query, status, name) in [
        ("offset=yesterday", StatusCode::NOT_FOUND, "offset"),
        ("limit=0", StatusCode::UNPROCESSABLE_ENTITY, "limit"),
        ("limit=many", StatusCode::UNPROCESSABLE_ENTITY, "limit"),
    ] {
        for base in ["/api/2.5/tenders?feed=changes&", "/api/2.5/events?"] {
            let (got, _, body) = server.get(&format!("{base}{query}"), None, None).await;
            assert_eq!(got, status, "{base}{query}: {body}");
            assert_eq!(body["errors"][0]["name"], name, "{body}");
        }
    }
}

/// Every read a party that owns no bid can make: anonymous and as another
/// broker, with `foreign_token` (the buyer's token, which is not a bid's)
/// where a token is accepted; the feed and event log in both forms; and the
/// error answer to a refused bid change. Each GET must answer its status
/// (200; 403 for the bids and their documents while `sealed`), so a path
/// that stopped existing (404) or broke cannot pass the scan with an empty
/// body.
async fn public_reads(
    server: &TestServer,
    tender: &Tender,
    bids: &[&str],
    foreign_token: &str,
    sealed: bool,
) -> Vec<(String, String)> {
    let bid_read = if sealed {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    let mut paths = vec![
        (tender.path.clone(), StatusCode::OK),
        (format!("{}?opt_pretty=1", tender.path), StatusCode::OK),
        (format!("{}/bids", tender.path), bid_read),
        (format!("{}/awards", tender.path), StatusCode::OK),
        (
            "/api/2.5/tenders?feed=changes&opt_fields=bids,status,value,awards,documents"
                .to_owned(),
            StatusCode::OK,
        ),
        (
            "/api/2.5/tenders?feed=changes&descending=1&opt_fields=bids".to_owned(),
            StatusCode::OK,
        ),
        ("/api/2.5/events?limit=1000".to_owned(), StatusCode::OK),
    ];
    for bid in bids {
        paths.push((format!("{}/bids/{bid}", tender.path), bid_read));
        paths.push((
            format!("{}/bids/{bid}?acc_token={foreign_token}", tender.path),
            bid_read,
        ));
        paths.push((format!("{}/bids/{bid}/documents", tender.path), bid_read));
    }
    let mut bodies = Vec::new();
    for (path, want) in paths {
        for key in [None, Some(OTHER_KEY)] {
            let (status, _, bytes) = server.get_bytes_as(&path, key).await;
            let body = String::from_utf8_lossy(&bytes).into_owned();
            assert_eq!(status, want, "GET {path} as {key:?}: {body}");
            bodies.push((path.clone(), body));
        }
    }
    // A refused write's error message must not leak either.
    for bid in bids {
        let (status, _, body) = server
            .patch(
                &format!("{}/bids/{bid}?acc_token={foreign_token}", tender.path),
                Some(OTHER_KEY),
                Some(json!({"data": {"value": {"amount": 1}}})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "PATCH bid {bid}: {body}");
        bodies.push((format!("PATCH bid {bid}"), body.to_string()));
    }
    let head = server.head().await as usize;
    for (url, want) in [
        ("/api/2.5/tenders?feed=changes&mode=stream".to_owned(), 1),
        ("/api/2.5/events?mode=stream".to_owned(), head),
    ] {
        let events = read_events(
            &format!("{}{url}", server.base),
            None,
            want,
            Duration::from_secs(10),
        )
        .await;
        assert_eq!(events.len(), want, "{url}");
        for event in events {
            bodies.push((url.clone(), event.data.to_string()));
        }
    }
    bodies
}

/// The body without the public lists of firms qualified on the agreement
/// (the tender's `shortlistedFirms`, and the catalogue facts recorded at
/// activation), which name every firm that may bid, bidder or not.
fn without_shortlist(body: &str) -> String {
    fn strip(value: &mut Json) {
        match value {
            Json::Object(object) => {
                for list in ["shortlistedFirms", "shortlisted_firms", "catalogue"] {
                    object.remove(list);
                }
                object.values_mut().for_each(strip);
            }
            Json::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    match serde_json::from_str::<Json>(body) {
        Ok(mut json) => {
            strip(&mut json);
            json.to_string()
        }
        Err(_) => body.to_owned(),
    }
}

async fn sealed_bids_stay_sealed_until_disclosure(server: TestServer) {
    let tender = activated(&server).await;
    let mut bids = Vec::new();
    for (key, firm, amount, email) in [
        (BROKER_KEY, pixeli(), 287, "sealed-a@bidder.example"),
        (OTHER_KEY, shteker(), 293, "sealed-b@bidder.example"),
    ] {
        let mut request = bid_request(&tender, &firm, amount);
        let mut bidder = tenderer(&firm);
        bidder["contactPoint"]["email"] = json!(email);
        request["data"]["tenderers"] = json!([bidder]);
        let (status, _, body) = server
            .post(&format!("{}/bids", tender.path), Some(key), Some(request))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["data"]["id"].as_str().expect("bid id").to_owned();
        let token = body["access"]["token"].as_str().expect("token").to_owned();
        bids.push((id, token, key));
    }
    server.settle().await;
    let secrets = [
        "287.0",
        "293.0",
        "sealed-a@bidder.example",
        "sealed-b@bidder.example",
    ];
    // (Pikseli shares its EDR code with the fixture's buyer, so only Shteker's is a needle.)
    let identities = ["87654321"];
    let bid_ids: Vec<&str> = bids.iter().map(|(id, _, _)| id.as_str()).collect();

    // During active.tendering: nobody but the owner sees a bid.
    let sealed = public_reads(&server, &tender, &bid_ids, &tender.token, true).await;
    assert!(sealed.len() > 30, "scanned {} bodies", sealed.len());
    for (path, body) in &sealed {
        for secret in secrets {
            assert!(!body.contains(secret), "{path} shows {secret}: {body}");
        }
        let body = without_shortlist(body);
        for identity in identities {
            assert!(
                !body.contains(identity),
                "{path} shows bidder {identity}: {body}"
            );
        }
    }
    // The owner, with its token, sees its own bid whole.
    let (status, _, own) = server
        .get(
            &format!("{}/bids/{}?acc_token={}", tender.path, bids[0].0, bids[0].1),
            Some(BROKER_KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["data"]["value"]["amount"], json!(287.0));

    // After the tender period the bids are disclosed to everyone.
    assert_eq!(end_tendering(&server).await, 1);
    let open = public_reads(&server, &tender, &bid_ids, &tender.token, false).await;
    let shown = |path: &str, secret: &str| {
        open.iter()
            .any(|(p, body)| p.starts_with(path) && body.contains(secret))
    };
    for secret in secrets {
        assert!(
            shown(&tender.path, secret),
            "tender shows {secret} after disclosure"
        );
        assert!(
            shown("/api/2.5/events", secret),
            "event log shows {secret} after disclosure"
        );
        assert!(
            shown("/api/2.5/tenders?feed=changes&opt_fields", secret),
            "feed shows {secret} after disclosure"
        );
    }
    for (id, _, _) in &bids {
        let (status, _, bid) = server
            .get(&format!("{}/bids/{id}", tender.path), None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{bid}");
        assert!(bid["data"]["value"]["amount"].is_number(), "{bid}");
    }
    // Token hashes are never shown, disclosed or not.
    for (path, body) in open.iter().chain(&sealed) {
        assert!(!body.contains("token_hash"), "{path}: {body}");
    }
}
