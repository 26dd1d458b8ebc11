//! The multi-award sale with its auction run by the server, through HTTP on
//! both store backends, the clock frozen and moved by the test: the bidders
//! reach TV-B1's prices (120, 110, 100 per unit) by bidding in their turns
//! through their participation links, the server restarts in the middle of
//! round 1, the auction's end records the results and starts qualification,
//! and nothing of a bid leaks before its turn ends. Then the links as a
//! hostile participant would try them.

use chrono::{DateTime, TimeDelta, Utc};
use e2e::http::{StatusCode, TestServer};
use e2e::sale::{Sale, auction_view, bid, decimal, end_tendering, participation_link, publish_lot};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    tv_b1_prices_are_reached_by_bidding_in_the_auction,
    participation_links_open_only_their_own_bid,
    two_servers_never_double_a_step,
);

fn dec(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn time(value: &Json) -> DateTime<Utc> {
    domain::time::parse_timestamp(value.as_str().expect("a time")).expect("a timestamp")
}

/// The starts of the auction's turns, in order.
async fn turns(server: &TestServer, sale: &Sale) -> Vec<DateTime<Utc>> {
    let view = auction_view(server, sale).await;
    view["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter(|stage| stage["kind"] == "turn")
        .map(|stage| time(&stage["start"]))
        .collect()
}

async fn participant(server: &TestServer, sale: &Sale, query: &str) -> Json {
    let (status, _, body) = server
        .get(&format!("/api/auctions/{}?{query}", sale.id), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

async fn place(server: &TestServer, sale: &Sale, query: &str, amount: &str) -> (StatusCode, Json) {
    let (status, _, body) = server
        .post(
            &format!("/api/auctions/{}/bids?{query}", sale.id),
            None,
            Some(json!({"data": {"amount": amount}})),
        )
        .await;
    (status, body)
}

async fn tv_b1_prices_are_reached_by_bidding_in_the_auction(server: TestServer) {
    let sale = publish_lot(&server, 1000, 200, 100).await;
    let mut bids = Vec::new();
    for (edr, quantity) in [("00000010", 200), ("00000011", 300), ("00000012", 400)] {
        bids.push(bid(&server, &sale, edr, quantity, 100).await);
        server.advance(TimeDelta::minutes(1));
    }
    end_tendering(&server).await;
    let (_, _, document) = server.get(&sale.path, None, None).await;
    assert_eq!(document["data"]["status"], "active_auction");
    assert_eq!(
        document["data"]["auctionUrl"],
        json!(format!("{}/auctions/{}", server.base, sale.id))
    );
    let mut links = Vec::new();
    for bid in &bids {
        links.push(participation_link(&server, &sale, bid).await);
    }
    // U1 wants 120 per unit, U2 110; U3 stays at 100.
    let targets = [Some("120"), Some("110"), None];
    let mut done = [false, false, true];
    let mut server = server;
    let mut restarted = false;
    for at in turns(&server, &sale).await {
        server.set_time(at + TimeDelta::seconds(20));
        for (i, query) in links.iter().enumerate() {
            let view = participant(&server, &sale, query).await;
            let Some(target) = targets[i].filter(|_| !done[i]) else {
                continue;
            };
            if view["participant"]["allowed"].is_null() {
                continue;
            }
            let allowed = &view["participant"]["allowed"];
            assert_eq!(allowed["action"], "bid", "{view}");
            let (status, body) = place(&server, &sale, query, target).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(decimal(&body["data"]["participant"]["ownBid"]), dec(target));
            // Until the turn ends nobody else sees the amount.
            let public = auction_view(&server, &sale).await;
            assert!(
                !public.to_string().contains(&format!("\"{target}\"")),
                "{public}"
            );
            done[i] = true;
            if !restarted {
                // The server goes down in the middle of round 1 and comes
                // back; the auction resumes from the log.
                server = server.restart().await;
                restarted = true;
                let view = participant(&server, &sale, query).await;
                assert_eq!(
                    decimal(&view["participant"]["ownBid"]),
                    dec(target),
                    "{view}"
                );
            }
        }
        server.run_scheduler().await;
    }
    assert!(done.iter().all(|d| *d) && restarted);

    let end = auction_view(&server, &sale).await["auction"]["stages"]
        .as_array()
        .and_then(|stages| stages.last().cloned())
        .expect("stages")["end"]
        .clone();
    server.set_time(time(&end));
    assert!(server.run_scheduler().await >= 1, "the auction ended");
    server.settle().await;

    let (_, _, document) = server.get(&sale.path, None, None).await;
    let data = &document["data"];
    assert_eq!(data["status"], "active_qualification", "{document}");
    let awarded: Vec<(String, String, String)> = data["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .map(|award| {
            let bid_id = award["bidId"].as_str().expect("bidId").to_owned();
            let price = data["bids"]
                .as_array()
                .and_then(|bids| bids.iter().find(|b| b["id"] == award["bidId"]))
                .map(|b| b["value"]["amount"].to_string())
                .expect("the award's bid");
            (
                bid_id,
                award["status"].as_str().expect("status").to_owned(),
                price,
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = bids
        .iter()
        .zip(["120", "110", "100"])
        .map(|(bid, price)| (bid.id.clone(), "pending".to_owned(), price.to_owned()))
        .collect();
    assert_eq!(
        awarded
            .iter()
            .map(|(b, s, p)| (
                b.clone(),
                s.clone(),
                dec(p.trim_matches('"')).normalize().to_string()
            ))
            .collect::<Vec<_>>(),
        expected
    );

    // The protocol names the bids now that the sale has opened them.
    let (status, _, protocol) = server
        .get(&format!("/api/auctions/{}/protocol", sale.id), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{protocol}");
    let ranking = protocol["data"]["result"]["ranking"]
        .as_array()
        .expect("ranking");
    assert_eq!(ranking.len(), 3);
    assert_eq!(ranking[0]["bidId"], json!(bids[0].id));
    assert_eq!(decimal(&ranking[0]["amount"]), dec("120"));
    // … and is one of the sale's documents, as the reference's audit is.
    let documents = data["documents"].as_array().expect("documents");
    let audit = documents
        .iter()
        .find(|d| d["title"] == json!(format!("audit_{}.json", sale.id)))
        .unwrap_or_else(|| panic!("no protocol document: {document}"));
    assert_eq!(audit["format"], "application/json");
    let url = audit["url"].as_str().expect("url");
    // The link was made before the restart, on the first server's port.
    let path = &url[url.find("/api/auctions/").expect("the protocol's path")..];
    let (status, _, served) = server.get(path, None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, protocol);
    server.assert_replays().await;
}

async fn participation_links_open_only_their_own_bid(server: TestServer) {
    let sale = publish_lot(&server, 1000, 200, 100).await;
    let first = bid(&server, &sale, "00000010", 200, 100).await;
    server.advance(TimeDelta::minutes(1));
    let second = bid(&server, &sale, "00000011", 300, 100).await;
    end_tendering(&server).await;
    let good = participation_link(&server, &sale, &first).await;
    let other = participation_link(&server, &sale, &second).await;
    let auctions = format!("/api/auctions/{}", sale.id);

    // Someone else reading the bid gets no link.
    let (_, _, foreign) = server
        .get(&format!("{}/bids/{}", sale.path, first.id), None, None)
        .await;
    assert!(
        foreign["data"].get("participationUrl").is_none(),
        "{foreign}"
    );

    let swapped = good.replace(&first.id, &second.id);
    let forged = format!("bidder={}&expires=99999999999&signature=00", first.id);
    let expired = {
        let mut parts: Vec<String> = good.split('&').map(str::to_owned).collect();
        for part in parts.iter_mut() {
            if part.starts_with("expires=") {
                *part = "expires=1".to_owned();
            }
        }
        parts.join("&")
    };
    for (case, query) in [
        ("another bid's id on this link", swapped.as_str()),
        ("a forged signature", forged.as_str()),
        ("an edited expiry", expired.as_str()),
        ("a bidder without a signature", "bidder=x"),
        (
            "an expiry that is no number",
            "bidder=x&expires=soon&signature=00",
        ),
    ] {
        for (method, path) in [
            (Method::GET, format!("{auctions}?{query}")),
            (Method::GET, format!("{auctions}/events?{query}")),
            (Method::POST, format!("{auctions}/bids?{query}")),
            (Method::DELETE, format!("{auctions}/bids?{query}")),
        ] {
            let body = (method == Method::POST).then(|| json!({"data": {"amount": "150"}}));
            let head = server.head().await;
            let (status, _, answer) = server.send(method.clone(), &path, None, body).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{case}: {method} {path}: {answer}"
            );
            assert_eq!(answer["errors"][0]["name"], "signature", "{case}: {answer}");
            assert!(
                !answer.to_string().contains("Bidder"),
                "{case}: the refusal shows nothing of the auction: {answer}"
            );
            assert_eq!(server.head().await, head, "{case}: nothing written");
        }
    }
    // No link at all: read as an observer, never bid.
    let (status, _, answer) = server
        .post(
            &format!("{auctions}/bids"),
            None,
            Some(json!({"data": {"amount": "150"}})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");

    // A valid link, but not this bidder's turn, or a bad amount.
    let turns = turns(&server, &sale).await;
    server.set_time(turns[0] + TimeDelta::seconds(5));
    let first_view = participant(&server, &sale, &good).await;
    let (mover, waiter) = if first_view["participant"]["allowed"].is_null() {
        (&other, &good)
    } else {
        (&good, &other)
    };
    let (status, body) = place(&server, &sale, waiter, "150").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["errors"][0]["description"], "Not valid bidder");
    for (amount, field) in [("100.005", "amount"), ("99", "amount"), ("-5", "amount")] {
        let (status, body) = place(&server, &sale, mover, amount).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}: {body}");
        assert_eq!(body["errors"][0]["name"], field, "{amount}: {body}");
    }
    let (status, _, body) = server
        .post(
            &format!("{auctions}/bids?{mover}"),
            None,
            Some(json!({"data": {"amount": "150", "bidder": "someone"}})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The observer's live channel starts with the public view.
    let events = e2e::sse::read_events(
        &format!("{}{auctions}/events", server.base),
        None,
        1,
        std::time::Duration::from_secs(10),
    )
    .await;
    assert_eq!(events.len(), 1);
    assert!(events[0].data["auction"]["stages"].is_array());
    assert!(events[0].data["participant"].is_null());
    assert!(events[0].data["serverTime"].is_string());
    // A participant's starts with its own label and action.
    let events = e2e::sse::read_events(
        &format!("{}{auctions}/events?{mover}", server.base),
        None,
        1,
        std::time::Duration::from_secs(10),
    )
    .await;
    assert_eq!(events[0].data["participant"]["allowed"]["action"], "bid");

    // The observer's channel pushes the turn's amount once the turn ends:
    // the bid itself changes nothing anyone else sees.
    let url = format!("{}{auctions}/events", server.base);
    let following = tokio::spawn(async move {
        e2e::sse::read_events(&url, None, 2, std::time::Duration::from_secs(20)).await
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (status, body) = place(&server, &sale, mover, "123.45").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server.set_time(turns[1] + TimeDelta::seconds(1));
    server.run_scheduler().await;
    let events = following.await.expect("the observer");
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(!events[0].data.to_string().contains("123.45"));
    assert!(
        events[1].data.to_string().contains("123.45"),
        "{:?}",
        events[1]
    );

    // A procedure without an auction here has none.
    let (status, _, body) = server
        .get("/api/auctions/0123456789abcdef0123456789abcdef", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

/// Two servers on one store each run a scheduler, and both fire every
/// stage end of the auction at the same moment: each step is appended
/// once (the version check makes the loser decide again, on a state where
/// nothing is due).
async fn two_servers_never_double_a_step(server: TestServer) {
    use commands::{CommandHandler, Scheduler, UlidIds};
    let sale = publish_lot(&server, 1000, 200, 100).await;
    for edr in ["00000010", "00000011"] {
        bid(&server, &sale, edr, 300, 100).await;
        server.advance(TimeDelta::minutes(1));
    }
    end_tendering(&server).await;
    let second = CommandHandler::new(
        server.store.clone(),
        server.clock.clone(),
        std::sync::Arc::new(UlidIds::default()),
    );
    let mut other = Scheduler::new(second);
    server.registry.schedule(&mut other, &Default::default());
    let view = auction_view(&server, &sale).await;
    let mut boundaries: Vec<DateTime<Utc>> = view["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|stage| time(&stage["end"]))
        .collect();
    boundaries.dedup();
    for at in boundaries {
        server.set_time(at);
        let (one, two) = tokio::join!(server.scheduler.run_due(), other.run_due());
        one.expect("the first scheduler");
        two.expect("the second scheduler");
    }
    let log = server
        .store
        .read_procedure(&sale.id)
        .await
        .expect("the log");
    let count = |kind: &str| log.iter().filter(|e| e.event_type == kind).count();
    // Two bidders: 3 rounds of 2 turns.
    assert_eq!(count("TurnClosed"), 6);
    assert_eq!(count("TurnOrderSet"), 3);
    assert_eq!(count("AuctionFinished"), 1);
    assert_eq!(count("AuctionResultsRecorded"), 1);
    server.settle().await;
    let (_, _, document) = server.get(&sale.path, None, None).await;
    assert_eq!(document["data"]["status"], "active_qualification");
    server.assert_replays().await;
}
