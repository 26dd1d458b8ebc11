//! The open tender (belowThreshold) end to end through HTTP on both
//! backends, on the test server's clock: publication, a question and its
//! answer, an edit during enquiries and its refusal after, three sealed
//! bids, the reverse auction run by the server with bidding through its
//! API, awards in the auction's order (the lowest disqualified, the next
//! qualified), the contract reported signed, `complete`; and the short
//! lives: one bid (no auction), no bids, cancellation during tendering.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use e2e::http::{
    AUCTION_KEY, BROKER_KEY, CONTRACTING_KEY, OTHER_KEY, STRANGER_KEY, StatusCode, TestServer,
};
use e2e::ot::{self, Bid, OpenTender};
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    whole_life,
    one_bid_skips_the_auction,
    no_bids_is_unsuccessful,
    cancelled_during_tendering_keeps_bids_sealed,
    an_outside_auction_module_hands_off_per_lot,
    the_lot_is_changed_by_its_owner_only_and_alone,
);

async fn link(server: &TestServer, bid: &Bid) -> String {
    e2e::sale::link_query(server, &bid.path, &bid.token).await
}

/// The amount of `bid` in a disclosed bids list.
fn amount_of(bids: &Json, bid: &Bid) -> String {
    let found = bids
        .as_array()
        .and_then(|bids| bids.iter().find(|b| b["id"] == json!(bid.id)))
        .unwrap_or_else(|| panic!("bid {} not listed: {bids}", bid.id));
    found["lotValues"][0]["value"]["amount"].to_string()
}

/// Every bid is sealed: not listed, not readable without its token, and
/// its amount nowhere in the public document.
async fn assert_sealed(server: &TestServer, tender: &OpenTender, bids: &[(&Bid, u32)]) {
    let document = ot::read(server, tender).await;
    let text = document.to_string();
    assert!(
        document.get("bids").is_none_or(|bids| bids
            .as_array()
            .is_some_and(|bids| bids.iter().all(|b| b.get("lotValues").is_none()))),
        "{document}"
    );
    let (status, _, body) = server
        .get(&format!("{}/bids", tender.path), None, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    for (bid, amount) in bids {
        let (status, _, body) = server.get(&bid.path, None, None).await;
        assert_ne!(status, StatusCode::OK, "{body}");
        assert!(!body.to_string().contains(&format!("{amount}")), "{body}");
        assert!(!text.contains(&bid.id), "bid id in {text}");
    }
    for n in 1..=3 {
        let code = ot::supplier(n)["identifier"]["id"]
            .as_str()
            .expect("code")
            .to_owned();
        assert!(!text.contains(&code), "tenderer {code} in {text}");
    }
}

async fn whole_life(server: TestServer) {
    let tender = ot::published(&server).await;
    let document = ot::read(&server, &tender).await;
    assert_eq!(document["procurementMethodType"], "belowThreshold");
    assert_eq!(
        document["lots"][0]["id"],
        json!(tender.lot_id),
        "{document}"
    );
    assert_eq!(document["items"][0]["relatedLot"], json!(tender.lot_id));

    // A supplier asks through another broker; only the author's hash is
    // shown. The owner answers.
    let (status, _, body) = server
        .post(
            &format!("{}/questions", tender.path),
            Some(OTHER_KEY),
            Some(json!({"data": {
                "author": ot::supplier(9),
                "title": "Калорійність",
                "description": "Просимо додати таблицю"
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let question = body["data"]["id"].as_str().expect("question id").to_owned();
    assert_eq!(body["data"]["questionOf"], "tender", "{body}");
    assert!(body["data"]["author"]["hash"].is_string(), "{body}");
    assert!(body["data"]["author"].get("name").is_none(), "{body}");
    let (status, _, body) = server
        .patch(
            &format!("{}/questions/{question}", tender.path),
            Some(OTHER_KEY),
            Some(json!({"data": {"answer": "Не мені відповідати"}})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the owner answers: {body}"
    );
    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/questions/{question}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"answer": "Таблицю додано до документації"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["answer"], "Таблицю додано до документації");
    let (_, _, listed) = server
        .get(&format!("{}/questions", tender.path), None, None)
        .await;
    assert_eq!(listed["data"][0]["id"], json!(question), "{listed}");

    // Edits while enquiries run; refused once tendering started.
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "Футляри з логотипом"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["description"], "Футляри з логотипом");
    let document = ot::at(&server, &tender, ot::enquiry_end(&document)).await;
    assert_eq!(document["status"], "active.tendering", "{document}");
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "Запізно"}})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Three sealed bids.
    let a = ot::bid(&server, &tender, OTHER_KEY, 1, 480).await;
    let b = ot::bid(&server, &tender, STRANGER_KEY, 2, 490).await;
    let c = ot::bid(&server, &tender, OTHER_KEY, 3, 500).await;
    let (status, _, body) = server
        .post(
            &format!("{}/bids", tender.path),
            Some(OTHER_KEY),
            Some(json!({"data": {
                "tenderers": [ot::supplier(1)],
                "lotValues": [{"value": {"amount": 470}, "relatedLot": tender.lot_id}],
                "items": [ot::bid_item(&tender, "470")]
            }})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one bid per tenderer: {body}"
    );
    assert_eq!(body["errors"][0]["name"], "tenderers", "{body}");
    assert_sealed(&server, &tender, &[(&a, 480), (&b, 490), (&c, 500)]).await;

    // The reverse auction, run by the server.
    let document = ot::at(&server, &tender, ot::tender_end(&document)).await;
    assert_eq!(document["status"], "active.auction", "{document}");
    // Where the reference puts them: the auction on the lot, each
    // bidder's link on its lot value (read with its token).
    let auction_url = document["lots"][0]["auctionUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("no lot auctionUrl: {document}"));
    assert!(
        auction_url.ends_with(&format!("/auctions/{}", tender.id)),
        "{auction_url}"
    );
    assert!(document.get("auctionUrl").is_none(), "{document}");
    assert_sealed(&server, &tender, &[(&a, 480), (&b, 490), (&c, 500)]).await;
    let bidders = [&a, &b, &c];
    let mut links = Vec::new();
    for bid in bidders {
        links.push(link(&server, bid).await);
    }
    // C lowers twice, A once, B keeps its bid (step 15).
    let plans: BTreeMap<(usize, u64), &str> =
        [((2, 1), "465"), ((0, 2), "450"), ((2, 3), "435")].into();
    let auction = format!("/api/auctions/{}", tender.id);
    // Before it starts the auction shows its opening only.
    let (_, _, view) = server.get(&auction, None, None).await;
    assert_eq!(view["data"]["auction"]["status"], "scheduled", "{view}");
    assert_eq!(view["data"]["auction"]["initialBids"], json!([]), "{view}");
    let opening = ot::time(&view["data"]["auction"]["stages"][0]["start"]);
    assert_eq!(
        opening,
        ot::time(&document["lots"][0]["auctionPeriod"]["startDate"]),
        "{document}"
    );
    server.set_time(opening);
    server.run_scheduler().await;
    let (_, _, view) = server.get(&auction, None, None).await;
    let stages = view["data"]["auction"]["stages"]
        .as_array()
        .unwrap_or_else(|| panic!("no stages: {view}"))
        .clone();
    let turns: Vec<(DateTime<Utc>, u64)> = stages
        .iter()
        .filter(|stage| stage["kind"] == "turn")
        .map(|stage| {
            (
                ot::time(&stage["start"]),
                stage["round"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut placed = 0;
    for (at, round) in turns {
        server.set_time(at + TimeDelta::seconds(10));
        for (bidder, query) in links.iter().enumerate() {
            let (_, _, mine) = server.get(&format!("{auction}?{query}"), None, None).await;
            if mine["data"]["participant"]["allowed"].is_null() {
                continue;
            }
            let Some(amount) = plans.get(&(bidder, round)) else {
                continue;
            };
            let (status, _, answer) = server
                .post(
                    &format!("{auction}/bids?{query}"),
                    None,
                    Some(json!({"data": {"amount": amount}})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            placed += 1;
        }
        server.run_scheduler().await;
    }
    assert_eq!(placed, plans.len(), "every planned bid was placed");
    let last = stages
        .last()
        .map(|stage| ot::time(&stage["end"]))
        .expect("the last stage");
    let document = ot::at(&server, &tender, last).await;
    assert_eq!(document["status"], "active.qualification", "{document}");

    // Bids are open now, at their final prices.
    let (status, _, bids) = server
        .get(&format!("{}/bids", tender.path), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{bids}");
    assert_eq!(amount_of(&bids["data"], &c), "435.0", "{bids}");
    assert_eq!(amount_of(&bids["data"], &a), "450.0", "{bids}");
    assert_eq!(amount_of(&bids["data"], &b), "490.0", "{bids}");

    // Qualification from the lowest up: C disqualified, A qualified.
    let first = &document["awards"][0];
    assert_eq!(first["bid_id"], json!(c.id), "{document}");
    assert_eq!(first["status"], "pending", "{document}");
    let first_id = first["id"].as_str().expect("award id").to_owned();
    let award = format!("/awards/{first_id}");
    let (status, _, body) = server
        .patch(
            &tender.owned(&award),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "unsuccessful", "qualified": false}})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a decision needs its notice: {body}"
    );
    e2e::pq::sign(&server, &tender, &award).await;
    let (status, headers, body) = server
        .patch(
            &tender.owned(&award),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "unsuccessful", "qualified": false}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let next_location = headers
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let document = ot::read(&server, &tender).await;
    let second = document["awards"]
        .as_array()
        .and_then(|awards| awards.iter().find(|a| a["status"] == "pending"))
        .unwrap_or_else(|| panic!("no next award: {document}"))
        .clone();
    assert_eq!(second["bid_id"], json!(a.id), "{document}");
    let second_id = second["id"].as_str().expect("award id").to_owned();
    assert!(next_location.ends_with(&second_id), "{next_location}");
    let (status, body) = e2e::pq::decide_award(
        &server,
        &tender,
        &second_id,
        json!({"status": "active", "qualified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The contract: a broker cannot sign it here, contracting reports it.
    let document = ot::read(&server, &tender).await;
    assert_eq!(document["status"], "active.awarded", "{document}");
    let contract = document["contracts"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no contract: {document}"))
        .to_owned();
    let path = tender.owned(&format!("/contracts/{contract}"));
    let (status, _, body) = server
        .patch(
            &path,
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert!(status.is_client_error(), "{status} {body}");
    // Signed a while after the award (`dateSigned` defaults to now).
    server.advance(TimeDelta::minutes(30));
    let (status, _, body) = server
        .patch(
            &format!("{}/contracts/{contract}", tender.path),
            Some(CONTRACTING_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = ot::read(&server, &tender).await;
    assert_eq!(document["status"], "complete", "{document}");
    assert_eq!(document["contracts"][0]["status"], "active", "{document}");
    server.assert_replays().await;
}

async fn one_bid_skips_the_auction(server: TestServer) {
    let tender = ot::published(&server).await;
    let document = ot::read(&server, &tender).await;
    ot::at(&server, &tender, ot::enquiry_end(&document)).await;
    let only = ot::bid(&server, &tender, OTHER_KEY, 1, 480).await;
    let document = ot::at(&server, &tender, ot::tender_end(&document)).await;
    assert_eq!(document["status"], "active.qualification", "{document}");
    assert_eq!(
        document["awards"][0]["bid_id"],
        json!(only.id),
        "{document}"
    );
    let (_, _, view) = server
        .get(&format!("/api/auctions/{}", tender.id), None, None)
        .await;
    assert!(view["data"]["auction"].get("stages").is_none(), "{view}");
    server.assert_replays().await;
}

async fn no_bids_is_unsuccessful(server: TestServer) {
    let tender = ot::published(&server).await;
    let document = ot::read(&server, &tender).await;
    ot::at(&server, &tender, ot::enquiry_end(&document)).await;
    let document = ot::at(&server, &tender, ot::tender_end(&document)).await;
    assert_eq!(document["status"], "unsuccessful", "{document}");
    server.assert_replays().await;
}

async fn cancelled_during_tendering_keeps_bids_sealed(server: TestServer) {
    let tender = ot::published(&server).await;
    let document = ot::read(&server, &tender).await;
    ot::at(&server, &tender, ot::enquiry_end(&document)).await;
    let a = ot::bid(&server, &tender, OTHER_KEY, 1, 480).await;
    let b = ot::bid(&server, &tender, STRANGER_KEY, 2, 490).await;
    let (status, _, body) = server
        .post(
            &tender.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": "Зникла потреба", "reasonType": "noDemand"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let cancellation = body["data"]["id"]
        .as_str()
        .expect("cancellation")
        .to_owned();
    let holder = format!("/cancellations/{cancellation}");
    ot::attach(
        &server,
        &tender,
        &holder,
        "sign.p7s",
        "application/pkcs7-signature",
        "cancellationReport",
    )
    .await;
    let (status, _, body) = server
        .patch(
            &tender.owned(&holder),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = ot::read(&server, &tender).await;
    assert_eq!(document["status"], "cancelled", "{document}");
    assert_sealed(&server, &tender, &[(&a, 480), (&b, 490)]).await;
    // Still sealed once the tender period would have ended.
    let document = ot::at(&server, &tender, ot::tender_end(&document)).await;
    assert_eq!(document["status"], "cancelled", "{document}");
    assert_sealed(&server, &tender, &[(&a, 480), (&b, 490)]).await;
    server.assert_replays().await;
}

/// With `--tender-auction external` the auction is an outside module's:
/// it reads the lot and the sealed bids, sets the URLs and reports the
/// results per lot, as the reference's auction module does.
async fn an_outside_auction_module_hands_off_per_lot(server: TestServer) {
    let server = server.with_external_auction().await;
    let tender = ot::published(&server).await;
    let document = ot::read(&server, &tender).await;
    ot::at(&server, &tender, ot::enquiry_end(&document)).await;
    let a = ot::bid(&server, &tender, OTHER_KEY, 1, 480).await;
    let b = ot::bid(&server, &tender, STRANGER_KEY, 2, 490).await;
    let document = ot::at(&server, &tender, ot::tender_end(&document)).await;
    assert_eq!(document["status"], "active.auction", "{document}");
    let auction = format!("{}/auction", tender.path);
    let (status, _, body) = server.get(&auction, Some(BROKER_KEY), None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the auction role: {body}"
    );
    let (status, _, view) = server.get(&auction, Some(AUCTION_KEY), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(
        view["data"]["bids"].as_array().map(Vec::len),
        Some(2),
        "{view}"
    );

    let lot = &tender.lot_id;
    let page = format!("http://auction.example/tenders/{}_{lot}", tender.id);
    let bids: Vec<Json> = [&a, &b]
        .iter()
        .map(|bid| {
            json!({
                "id": bid.id,
                "lotValues": [{"relatedLot": lot, "participationUrl": format!("{page}?key_for_bid={}", bid.id)}]
            })
        })
        .collect();
    let (status, _, body) = server
        .patch(
            &format!("{auction}/{lot}"),
            Some(AUCTION_KEY),
            Some(json!({"data": {"lots": [{"id": lot, "auctionUrl": page}], "bids": bids}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = ot::read(&server, &tender).await;
    assert_eq!(document["lots"][0]["auctionUrl"], json!(page), "{document}");
    let (_, _, mine) = server.get(&a.owned(""), Some(OTHER_KEY), None).await;
    assert_eq!(
        mine["data"]["lotValues"][0]["participationUrl"],
        json!(format!("{page}?key_for_bid={}", a.id)),
        "{mine}"
    );

    let (status, _, body) = server
        .post(
            &format!("{auction}/{lot}"),
            Some(AUCTION_KEY),
            Some(json!({"data": {"bids": [
                {"id": a.id, "lotValues": [{"relatedLot": lot, "value": {"amount": 470}}]},
                {"id": b.id, "lotValues": [{"relatedLot": lot, "value": {"amount": 460}}]}
            ]}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = ot::read(&server, &tender).await;
    assert_eq!(document["status"], "active.qualification", "{document}");
    assert_eq!(document["awards"][0]["bid_id"], json!(b.id), "{document}");
    server.assert_replays().await;
}

/// `…/lots`: the owner changes its lot; a second lot, a stranger, an
/// unknown lot or a malformed body is refused and changes nothing.
async fn the_lot_is_changed_by_its_owner_only_and_alone(server: TestServer) {
    let tender = ot::prepared(&server).await;
    let lot = format!("/lots/{}", tender.lot_id);
    let (status, _, body) = server
        .patch(
            &tender.owned(&lot),
            Some(BROKER_KEY),
            Some(json!({"data": {"title": "Лот 1: футляри", "minimalStep": {"amount": 10, "currency": "UAH"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["title"], "Лот 1: футляри", "{body}");
    assert_eq!(body["data"]["minimalStep"]["amount"], json!(10.0), "{body}");
    assert_eq!(
        body["data"]["value"]["amount"],
        json!(500.0),
        "kept: {body}"
    );

    let head = server.head().await;
    let refusals = [
        (
            server
                .post(
                    &tender.owned("/lots"),
                    Some(BROKER_KEY),
                    Some(json!({"data": {"title": "Лот 2", "value": {"amount": 100}}})),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            server
                .patch(
                    &format!("{}{lot}", tender.path),
                    Some(OTHER_KEY),
                    Some(json!({"data": {"title": "Чужий"}})),
                )
                .await,
            StatusCode::FORBIDDEN,
        ),
        (
            server
                .patch(
                    &tender.owned("/lots/0123456789abcdef0123456789abcdef"),
                    Some(BROKER_KEY),
                    Some(json!({"data": {"title": "Нема"}})),
                )
                .await,
            StatusCode::NOT_FOUND,
        ),
        (
            server
                .patch(
                    &tender.owned(&lot),
                    Some(BROKER_KEY),
                    Some(json!({"data": {"value": {"amount": "many"}}})),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            server
                .patch(
                    &tender.owned(&lot),
                    Some(BROKER_KEY),
                    Some(json!({"data": {"colour": "red"}})),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (n, ((status, _, body), expected)) in refusals.into_iter().enumerate() {
        assert_eq!(status, expected, "{body}");
        assert_eq!(body["status"], "error", "{body}");
        if n == 0 {
            // A second lot is refused saying it is deferred, not dropped.
            let text = body["errors"][0]["description"].to_string();
            assert!(text.contains("deferred"), "{body}");
        }
    }
    assert_eq!(
        server.head().await,
        head,
        "a refused request appends nothing"
    );
    let (_, _, lots) = server
        .get(&format!("{}/lots", tender.path), None, None)
        .await;
    assert_eq!(lots["data"].as_array().map(Vec::len), Some(1), "{lots}");
    assert_eq!(lots["data"][0]["title"], "Лот 1: футляри", "{lots}");
}
