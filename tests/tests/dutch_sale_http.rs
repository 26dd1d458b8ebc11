//! The Dutch-auction sale (`sellingMethod` `basicSell-dutch`) end to end,
//! through the real HTTP server on both store backends, on a frozen clock
//! the test moves (to a stage, then a scheduler pass): the CDB sets the
//! auction's date at publication and runs the Dutch auction itself (terms,
//! a stop in round 1, a sealed bid in round 2, the Dutch winner's last word
//! in round 3); its ranking becomes the awards, qualified or disqualified
//! by the Organizer or refused by the winner, and the signed contract
//! completes the sale. The ways it fails (nobody stops round 1, nobody
//! takes part), a lone participant (round 1 only, AD-7), a bid joining the
//! running auction (AD-3), and bad input answered 4xx naming the field
//! with nothing written.

use chrono::{NaiveDate, TimeDelta, Timelike};
use e2e::dutch::{
    self, MINIMAL_STEP, STARTING_PRICE, STEPS, accept_terms, act, amount, award_id, award_of,
    award_statuses, contract_of, document, inside, link, own_bid, place, refused, run_at,
    stage_start, start_auction, status, stop, time, view,
};
use e2e::http::{BROKER_KEY, OTHER_KEY, STRANGER_KEY, StatusCode, TestServer};
use e2e::sale::{PROCEDURES, Sale, SaleBid, decimal};
use reqwest::Method;
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    the_highest_bid_buys_the_lot,
    nobody_stopping_round_1_leaves_the_sale_unsuccessful,
    a_lone_participant_wins_in_round_1,
    an_auction_the_server_comes_to_late_starts_when_it_can,
    no_participants_leave_the_sale_unsuccessful,
    a_disqualified_winner_passes_the_award_on,
    a_refusing_winner_passes_the_award_on,
    a_bid_placed_during_round_1_joins_the_running_auction,
    a_lone_stopper_meets_a_latecomer_in_round_2,
    a_participant_through_two_brokers_keeps_its_first_bid,
    a_winner_disqualified_at_the_contract_stage,
    cancelling_during_the_auction_cancels_it,
    publication_refuses_what_the_cdb_sets,
    bad_applications_change_nothing,
    bad_auction_bids_change_nothing,
    wrong_party_or_status_changes_nothing,
);

/// The amount of a money or amount field, as a decimal.
fn money(value: &Json) -> rust_decimal::Decimal {
    decimal(if value.is_object() {
        &value["amount"]
    } else {
        value
    })
}

/// A participant: its bid as its owner knows it and its link's query.
struct Participant {
    bid: SaleBid,
    link: String,
}

/// Publishes the default sale and places an application per EDR code.
async fn published_with(server: &TestServer, edrs: &[&str]) -> (Sale, Vec<SaleBid>) {
    let sale = dutch::publish(server).await;
    let mut bids = Vec::new();
    for edr in edrs {
        server.advance(TimeDelta::minutes(1));
        bids.push(dutch::bid(server, &sale, edr).await);
    }
    (sale, bids)
}

/// The auction started and every participant has accepted its terms.
async fn started(server: &TestServer, sale: &Sale, bids: Vec<SaleBid>) -> Vec<Participant> {
    start_auction(server, sale).await;
    let mut participants = Vec::new();
    for bid in bids {
        let link = link(server, sale, &bid).await;
        accept_terms(server, sale, &link).await;
        participants.push(Participant { bid, link });
    }
    participants
}

/// Round 1 stopped by `stopper` at step `step`.
async fn stopped_at(server: &TestServer, sale: &Sale, stopper: &Participant, step: u64) -> Json {
    server.set_time(inside(stage_start(server, sale, "step", Some(step)).await));
    stop(server, sale, &stopper.link).await
}

/// Two participants: P1 stops round 1 at step 21 (1200.00), P2 bids
/// 1400.00 sealed, P1 says nothing in round 3: P2 wins at 1400.00 and P1
/// waits at its stop, 1200.00. The sale in `active_qualification`.
async fn p2_wins_p1_waits(server: &TestServer) -> (Sale, Participant, Participant) {
    let (sale, bids) = published_with(server, &["10000001", "10000002"]).await;
    let mut participants = started(server, &sale, bids).await.into_iter();
    let (p1, p2) = (
        participants.next().expect("P1"),
        participants.next().expect("P2"),
    );
    stopped_at(server, &sale, &p1, 21).await;
    server.set_time(inside(dutch::round1_end(server, &sale).await));
    place(server, &sale, &p2.link, "1400.00").await;
    let document = dutch::end_auction(server, &sale).await;
    assert_eq!(document["status"], "active_qualification", "{document}");
    assert_eq!(
        award_statuses(server, &sale, &[&p2.bid, &p1.bid]).await,
        ["pending", "pending_waiting"]
    );
    let p1_award = award_of(server, &sale, &p1.bid).await.expect("P1's award");
    assert_eq!(money(&p1_award["value"]), amount("1200.00"));
    (sale, p1, p2)
}

async fn the_highest_bid_buys_the_lot(server: TestServer) {
    let published = server.now();
    let (sale, bids) = published_with(&server, &["10000001", "10000002", "10000003"]).await;
    let data = &sale.created["data"];
    assert_eq!(data["status"], "active_tendering", "{data}");
    assert_eq!(data["sellingMethod"], "basicSell-dutch");
    let auction_id = data["auctionId"].as_str().expect("auctionId");
    assert!(
        auction_id.starts_with("BSD001-UA-20230920-"),
        "{auction_id}"
    );
    assert_eq!(
        data["auctionParameters"],
        json!({"type": "dutch", "dutchStepQuantity": STEPS})
    );
    assert_eq!(money(&data["value"]), amount(STARTING_PRICE));
    assert_eq!(money(&data["minimalStep"]), amount(MINIMAL_STEP));
    // The CDB set the auction's start: five working days after Wednesday
    // 2023-09-20 is Wednesday 2023-09-27, between 09:30 and 10:00 Kyiv;
    // bids are taken until round 1 ends (30 s + 6 h 45 min later).
    let start = time(&data["auctionPeriod"]["startDate"]);
    let kyiv = start.with_timezone(&chrono_tz::Europe::Kyiv);
    assert_eq!(
        kyiv.date_naive(),
        NaiveDate::from_ymd_opt(2023, 9, 27).expect("a date")
    );
    assert!(
        kyiv.hour() == 9 && kyiv.minute() >= 30,
        "{kyiv} is not in 09:30–10:00"
    );
    assert_eq!(time(&data["tenderPeriod"]["startDate"]), published);
    assert_eq!(
        time(&data["tenderPeriod"]["endDate"]),
        start + TimeDelta::seconds(30) + TimeDelta::minutes(6 * 60 + 45)
    );
    // Before the start there is no auction to watch, and a second early
    // nothing happens.
    let (status_code, _, body) = server
        .get(&format!("/api/auctions/{}", sale.id), None, None)
        .await;
    assert_eq!(status_code, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(run_at(&server, start - TimeDelta::seconds(1)).await, 0);
    assert_eq!(status(&server, &sale).await, "active_tendering");

    // At the start the scheduler starts the auction; each bid's owner
    // reads its participation link on its bid.
    let document = start_auction(&server, &sale).await;
    let auction_url = document["auctionUrl"].as_str().expect("auctionUrl");
    assert!(
        auction_url.ends_with(&format!("/auctions/{}", sale.id)),
        "{auction_url}"
    );
    for bid in &bids {
        let own = own_bid(&server, &sale, bid).await;
        assert!(own["participationUrl"].is_string(), "{own}");
        assert!(own.get("value").is_none(), "{own}");
    }
    let participants = started_links(&server, &sale, bids).await;
    let [p1, p2, p3] = &participants[..] else {
        panic!("three participants");
    };
    for (n, p) in participants.iter().enumerate() {
        let seen = view(&server, &sale, &p.link).await;
        assert_eq!(seen["participant"]["label"], format!("Bidder {}", n + 1));
        assert_eq!(seen["participant"]["terms"], "pending", "{seen}");
        accept_terms(&server, &sale, &p.link).await;
    }
    let public = view(&server, &sale, "").await;
    assert_eq!(public["auction"]["status"], "running", "{public}");
    assert_eq!(
        public["auction"]["participants"],
        json!(["Bidder 1", "Bidder 2", "Bidder 3"])
    );

    // Round 1, step 21: 1500.00 × (1 − 0.01 × 20) = 1200.00; P1 stops.
    server.set_time(inside(stage_start(&server, &sale, "step", Some(21)).await));
    let offer = view(&server, &sale, &p1.link).await;
    assert_eq!(
        offer["participant"]["allowed"]["action"], "accept",
        "{offer}"
    );
    assert_eq!(
        money(&offer["participant"]["allowed"]["min"]),
        amount("1200.00")
    );
    assert_eq!(money(&offer["auction"]["currentPrice"]), amount("1200.00"));
    let stopped = stop(&server, &sale, &p1.link).await;
    assert_eq!(stopped["auction"]["stop"]["label"], "Bidder 1", "{stopped}");
    assert_eq!(stopped["auction"]["stop"]["step"], 21, "{stopped}");
    assert_eq!(
        money(&stopped["auction"]["stop"]["amount"]),
        amount("1200.00")
    );
    let late = act(&server, &sale, "bids", &p2.link, json!({})).await;
    refused(
        &late,
        StatusCode::FORBIDDEN,
        "data",
        "The auction has already been stopped",
    );

    // Round 2: P2's sealed bid, seen by nobody else until the round ends.
    server.set_time(inside(dutch::round1_end(&server, &sale).await));
    let mine = place(&server, &sale, &p2.link, "1400.00").await;
    assert_eq!(money(&mine["participant"]["ownBid"]), amount("1400.00"));
    for query in ["", p1.link.as_str(), p3.link.as_str()] {
        let seen = view(&server, &sale, query).await;
        assert_eq!(seen["auction"]["sealedBids"], json!([]), "{seen}");
        assert!(!seen.to_string().contains("1400."), "{query}: {seen}");
    }
    // Nor anywhere else anyone may read: the procedure, its feed, the
    // public event log.
    server.settle().await;
    for path in [
        sale.path.clone(),
        format!("{PROCEDURES}?feed=changes&opt_fields=status,bids,awards"),
        "/api/2.5/events?limit=1000".to_owned(),
    ] {
        let (status_code, _, bytes) = server.get_bytes_as(&path, Some(STRANGER_KEY)).await;
        assert_eq!(status_code, StatusCode::OK, "{path}");
        let body = String::from_utf8_lossy(&bytes);
        assert!(body.contains(&sale.id), "{path} does not show the sale");
        assert!(!body.contains("1400."), "{path} shows the sealed bid");
    }
    let own = view(&server, &sale, &p2.link).await;
    assert_eq!(money(&own["participant"]["ownBid"]), amount("1400.00"));

    // Round 3: the sealed bid is public; P1 must add minimalStep to it.
    let last = stage_start(&server, &sale, "finalBid", None).await;
    run_at(&server, inside(last)).await;
    let public = view(&server, &sale, "").await;
    let sealed = &public["auction"]["sealedBids"];
    assert_eq!(sealed[0]["label"], "Bidder 2", "{public}");
    assert_eq!(money(&sealed[0]["amount"]), amount("1400.00"));
    let offer = view(&server, &sale, &p1.link).await;
    assert_eq!(
        money(&offer["participant"]["allowed"]["min"]),
        amount("1500.00")
    );
    let short = act(
        &server,
        &sale,
        "bids",
        &p1.link,
        json!({"amount": "1499.99"}),
    )
    .await;
    refused(
        &short,
        StatusCode::UNPROCESSABLE_ENTITY,
        "amount",
        "Too low value",
    );
    place(&server, &sale, &p1.link, "1500.00").await;

    // The end: P1 wins at 1500.00, P2 waits at 1400.00, P3 never bid.
    let document = dutch::end_auction(&server, &sale).await;
    assert_eq!(document["status"], "active_qualification", "{document}");
    assert!(
        document["auctionPeriod"]["endDate"].is_string(),
        "{document}"
    );
    assert_eq!(
        award_statuses(&server, &sale, &[&p1.bid, &p2.bid, &p3.bid]).await,
        ["pending", "pending_waiting", "-"]
    );
    let award = award_of(&server, &sale, &p1.bid).await.expect("P1's award");
    assert_eq!(money(&award["value"]), amount("1500.00"));
    assert_eq!(award["buyers"][0]["identifier"]["id"], "10000001");
    assert!(
        award["verificationPeriod"]["startDate"].is_string(),
        "{award}"
    );
    assert!(award["signingPeriod"]["startDate"].is_string(), "{award}");
    let waiting = award_of(&server, &sale, &p2.bid).await.expect("P2's award");
    assert_eq!(money(&waiting["value"]), amount("1400.00"));
    assert!(waiting.get("verificationPeriod").is_none(), "{waiting}");
    // The bids are public now, with the amounts the results give them.
    let (status_code, _, listed) = server.get(&format!("{}/bids", sale.path), None, None).await;
    assert_eq!(status_code, StatusCode::OK, "{listed}");
    let public_bids = listed["data"].as_array().expect("bids");
    let value_of = |bid: &SaleBid| {
        public_bids
            .iter()
            .find(|b| b["id"] == json!(bid.id))
            .map(|b| b["value"].clone())
            .unwrap_or_else(|| panic!("bid {} is not public: {listed}", bid.id))
    };
    assert_eq!(money(&value_of(&p1.bid)), amount("1500.00"));
    assert_eq!(money(&value_of(&p2.bid)), amount("1400.00"));
    assert!(value_of(&p3.bid).is_null(), "P3 never bid: {listed}");
    let (status_code, _, protocol) = server
        .get(&format!("/api/auctions/{}/protocol", sale.id), None, None)
        .await;
    assert_eq!(status_code, StatusCode::OK, "{protocol}");

    // The Organizer qualifies P1 with the auction's protocol.
    let award_id = award["id"].as_str().expect("award id").to_owned();
    let qualified = dutch::qualify(&server, &sale, &award_id).await;
    assert_eq!(qualified["status"], "active", "{qualified}");
    assert_eq!(status(&server, &sale).await, "active_awarded");
    let contract = contract_of(&server, &sale, &award_id)
        .await
        .expect("a contract");
    assert_eq!(contract["status"], "pending", "{contract}");
    assert_eq!(money(&contract["value"]), amount("1500.00"));
    let contract_id = contract["id"].as_str().expect("contract id").to_owned();
    // The signed contract completes the sale.
    let signed = dutch::sign(&server, &sale, &contract_id).await;
    assert_eq!(signed["status"], "active", "{signed}");
    assert!(signed["dateSigned"].is_string(), "{signed}");
    assert_eq!(status(&server, &sale).await, "complete");
    // A complete sale decides every award: the waiting one is cancelled.
    assert_eq!(
        award_statuses(&server, &sale, &[&p1.bid, &p2.bid, &p3.bid]).await,
        ["active", "cancelled", "-"]
    );
    server.assert_replays().await;
}

/// Each bid's participant with its link (terms not yet answered).
async fn started_links(server: &TestServer, sale: &Sale, bids: Vec<SaleBid>) -> Vec<Participant> {
    let mut participants = Vec::new();
    for bid in bids {
        let link = link(server, sale, &bid).await;
        participants.push(Participant { bid, link });
    }
    participants
}

async fn nobody_stopping_round_1_leaves_the_sale_unsuccessful(server: TestServer) {
    let (sale, bids) = published_with(&server, &["10000001", "10000002"]).await;
    let participants = started(&server, &sale, bids).await;
    // The last step passes with nobody accepting its price.
    let last = stage_start(&server, &sale, "step", Some(u64::from(STEPS))).await;
    server.set_time(inside(last));
    assert_eq!(run_at(&server, inside(last)).await, 0, "nothing due yet");
    assert_eq!(status(&server, &sale).await, "active_auction");
    let end = dutch::round1_end(&server, &sale).await;
    assert!(run_at(&server, end).await >= 1, "round 1 ended");
    let document = document(&server, &sale).await;
    assert_eq!(document["status"], "unsuccessful", "{document}");
    assert!(
        document["auctionPeriod"]["endDate"].is_string(),
        "{document}"
    );
    assert!(document.get("awards").is_none(), "{document}");
    let public = view(&server, &sale, "").await;
    assert_eq!(public["auction"]["status"], "unsuccessful", "{public}");
    assert_eq!(
        public["auction"]["unsuccessful"], "Аукціон не відбувся",
        "{public}"
    );
    // Too late to stop; the bids stay sealed for ever.
    let late = act(&server, &sale, "bids", &participants[0].link, json!({})).await;
    assert_eq!(late.0, StatusCode::FORBIDDEN, "{}", late.1);
    let (status_code, _, body) = server.get(&format!("{}/bids", sale.path), None, None).await;
    assert_eq!(status_code, StatusCode::FORBIDDEN, "{body}");
    assert!(!document.to_string().contains("10000001"), "{document}");
    server.assert_replays().await;
}

async fn a_lone_participant_wins_in_round_1(server: TestServer) {
    let (sale, bids) = published_with(&server, &["10000001"]).await;
    let participants = started(&server, &sale, bids).await;
    let p1 = &participants[0];
    // Step 5: 1500.00 × 0.96 = 1440.00.
    let stopped = stopped_at(&server, &sale, p1, 5).await;
    assert_eq!(
        money(&stopped["auction"]["stop"]["amount"]),
        amount("1440.00")
    );
    // AD-7: no rounds 2 and 3 with a single participant.
    let kinds: Vec<Json> = stopped["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|stage| stage["kind"].clone())
        .collect();
    assert!(!kinds.contains(&json!("sealedBids")), "{kinds:?}");
    assert!(!kinds.contains(&json!("finalBid")), "{kinds:?}");
    assert_eq!(kinds.len(), 1 + STEPS as usize, "{kinds:?}");
    // Until round 1 ends nothing is decided; then the lone stopper wins.
    let end = dutch::round1_end(&server, &sale).await;
    assert_eq!(run_at(&server, end - TimeDelta::seconds(1)).await, 0);
    assert_eq!(status(&server, &sale).await, "active_auction");
    assert!(run_at(&server, end).await >= 1, "the auction ended");
    assert_eq!(status(&server, &sale).await, "active_qualification");
    let award = award_of(&server, &sale, &p1.bid).await.expect("an award");
    assert_eq!(award["status"], "pending", "{award}");
    assert_eq!(money(&award["value"]), amount("1440.00"));
    let document = document(&server, &sale).await;
    assert_eq!(
        document["awards"].as_array().map(Vec::len),
        Some(1),
        "{document}"
    );
    assert_eq!(
        view(&server, &sale, "").await["auction"]["status"],
        "finished"
    );
    server.assert_replays().await;
}

async fn no_participants_leave_the_sale_unsuccessful(server: TestServer) {
    let sale = dutch::publish(&server).await;
    // A draft and a withdrawn bid take no part.
    let (status_code, draft) = dutch::try_bid_as(
        &server,
        &sale,
        OTHER_KEY,
        dutch::bid_request("10000001", "draft"),
    )
    .await;
    assert_eq!(status_code, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["data"]["status"], "draft", "{draft}");
    let withdrawn = dutch::bid(&server, &sale, "10000002").await;
    let (status_code, _, body) = server
        .delete(&dutch::owned_bid(&sale, &withdrawn), Some(OTHER_KEY), None)
        .await;
    assert_eq!(status_code, StatusCode::OK, "{body}");
    let start = dutch::auction_start(&server, &sale).await;
    assert!(run_at(&server, start).await >= 1, "the start came");
    let document = document(&server, &sale).await;
    assert_eq!(document["status"], "unsuccessful", "{document}");
    assert!(document.get("awards").is_none(), "{document}");
    let public = view(&server, &sale, "").await;
    assert_eq!(public["auction"]["status"], "unsuccessful", "{public}");
    assert_eq!(
        public["auction"]["unsuccessful"], "Учасники відсутні. Аукціон не відбувся",
        "{public}"
    );
    assert_eq!(public["auction"]["participants"], json!([]), "{public}");
    // The draft can't be submitted any more.
    let draft = SaleBid {
        id: draft["data"]["id"].as_str().expect("id").to_owned(),
        token: draft["access"]["token"].as_str().expect("token").to_owned(),
        edr: "10000001".to_owned(),
    };
    let head = server.head().await;
    let (status_code, _, body) = server
        .patch(
            &dutch::owned_bid(&sale, &draft),
            Some(OTHER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status_code, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(server.head().await, head);
    server.assert_replays().await;
}

async fn a_disqualified_winner_passes_the_award_on(server: TestServer) {
    let (sale, p1, p2) = p2_wins_p1_waits(&server).await;
    let winner = award_id(&server, &sale, &p2.bid).await;
    let disqualified = dutch::disqualify(&server, &sale, &winner).await;
    assert_eq!(disqualified["status"], "unsuccessful", "{disqualified}");
    assert_eq!(disqualified["terminationReason"], "requirementsNotMet");
    assert_eq!(
        award_statuses(&server, &sale, &[&p2.bid, &p1.bid]).await,
        ["unsuccessful", "pending"]
    );
    let promoted = award_of(&server, &sale, &p1.bid).await.expect("P1's award");
    assert!(
        promoted["verificationPeriod"]["startDate"].is_string(),
        "{promoted}"
    );
    assert!(
        promoted["signingPeriod"]["startDate"].is_string(),
        "{promoted}"
    );
    assert_eq!(status(&server, &sale).await, "active_qualification");
    // Nobody waits behind P1: its disqualification ends the sale.
    let second = award_id(&server, &sale, &p1.bid).await;
    dutch::disqualify(&server, &sale, &second).await;
    assert_eq!(
        award_statuses(&server, &sale, &[&p2.bid, &p1.bid]).await,
        ["unsuccessful", "unsuccessful"]
    );
    assert_eq!(status(&server, &sale).await, "unsuccessful");
    server.assert_replays().await;
}

async fn a_refusing_winner_passes_the_award_on(server: TestServer) {
    let (sale, p1, p2) = p2_wins_p1_waits(&server).await;
    let winner = award_id(&server, &sale, &p2.bid).await;
    // P1's token is not the winner's: it can't refuse P2's award.
    let head = server.head().await;
    let (status_code, body) = dutch::patch_award(
        &server,
        &sale,
        &winner,
        (OTHER_KEY, &p1.bid.token),
        json!({"status": "cancelled"}),
    )
    .await;
    assert_eq!(status_code, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(server.head().await, head);
    let refused_award = dutch::refuse(&server, &sale, &winner, &p2.bid).await;
    assert_eq!(refused_award["status"], "cancelled", "{refused_award}");
    assert_eq!(
        award_statuses(&server, &sale, &[&p2.bid, &p1.bid]).await,
        ["cancelled", "pending"]
    );
    // The award passed on is qualified and its contract signed.
    let second = award_id(&server, &sale, &p1.bid).await;
    dutch::qualify(&server, &sale, &second).await;
    let contract = contract_of(&server, &sale, &second)
        .await
        .expect("a contract");
    assert_eq!(money(&contract["value"]), amount("1200.00"));
    assert_eq!(contract["buyers"][0]["identifier"]["id"], "10000001");
    dutch::sign(&server, &sale, contract["id"].as_str().expect("id")).await;
    assert_eq!(status(&server, &sale).await, "complete");
    server.assert_replays().await;
}

async fn a_bid_placed_during_round_1_joins_the_running_auction(server: TestServer) {
    let sale = dutch::publish(&server).await;
    let p1 = dutch::bid(&server, &sale, "10000001").await;
    let (status_code, draft) = dutch::try_bid_as(
        &server,
        &sale,
        OTHER_KEY,
        dutch::bid_request("10000003", "draft"),
    )
    .await;
    assert_eq!(status_code, StatusCode::CREATED, "{draft}");
    let draft = SaleBid {
        id: draft["data"]["id"].as_str().expect("id").to_owned(),
        token: draft["access"]["token"].as_str().expect("token").to_owned(),
        edr: "10000003".to_owned(),
    };
    let participants = started(&server, &sale, vec![p1]).await;
    let p1 = &participants[0];
    assert!(
        own_bid(&server, &sale, &draft)
            .await
            .get("participationUrl")
            .is_none(),
        "a draft takes no part"
    );
    // Step 2 runs: a new bid joins, and the draft activated joins too.
    server.set_time(inside(stage_start(&server, &sale, "step", Some(2)).await));
    let p2 = dutch::bid(&server, &sale, "10000002").await;
    let (status_code, _, body) = server
        .patch(
            &dutch::owned_bid(&sale, &draft),
            Some(OTHER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status_code, StatusCode::OK, "{body}");
    assert_eq!(status(&server, &sale).await, "active_auction");
    let public = view(&server, &sale, "").await;
    assert_eq!(
        public["auction"]["participants"],
        json!(["Bidder 1", "Bidder 2", "Bidder 3"]),
        "{public}"
    );
    // The newcomer's link works: it sees itself, accepts, and stops at
    // step 3 (1500.00 × 0.98 = 1470.00).
    let p2 = Participant {
        link: link(&server, &sale, &p2).await,
        bid: p2,
    };
    let seen = view(&server, &sale, &p2.link).await;
    assert_eq!(seen["participant"]["label"], "Bidder 2", "{seen}");
    accept_terms(&server, &sale, &p2.link).await;
    let stopped = stopped_at(&server, &sale, &p2, 3).await;
    assert_eq!(stopped["auction"]["stop"]["label"], "Bidder 2", "{stopped}");
    assert_eq!(
        money(&stopped["auction"]["stop"]["amount"]),
        amount("1470.00")
    );
    // After the stop, still in round 1 (step 10), a fourth bid joins; it
    // may bid sealed in round 2.
    server.set_time(inside(stage_start(&server, &sale, "step", Some(10)).await));
    let p4 = dutch::bid(&server, &sale, "10000004").await;
    let p4 = Participant {
        link: link(&server, &sale, &p4).await,
        bid: p4,
    };
    assert_eq!(
        view(&server, &sale, &p4.link).await["participant"]["label"],
        "Bidder 4"
    );
    accept_terms(&server, &sale, &p4.link).await;
    // Bids close when round 1 ends, not a moment later.
    let end = dutch::round1_end(&server, &sale).await;
    server.set_time(end);
    let head = server.head().await;
    let (status_code, body) = dutch::try_bid_as(
        &server,
        &sale,
        OTHER_KEY,
        dutch::bid_request("10000005", "active"),
    )
    .await;
    assert_eq!(status_code, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(server.head().await, head);
    // Round 2: P1 and P4 bid sealed, the activated draft never bids.
    server.set_time(inside(end));
    place(&server, &sale, &p1.link, "1550.00").await;
    place(&server, &sale, &p4.link, "1600.00").await;
    // A restart in between: the scheduler and the links carry on.
    let server = server.restart().await;
    let last = stage_start(&server, &sale, "finalBid", None).await;
    assert!(run_at(&server, inside(last)).await >= 1, "round 2 closed");
    let offer = view(&server, &sale, &p2.link).await;
    assert_eq!(
        money(&offer["participant"]["allowed"]["min"]),
        amount("1700.00")
    );
    place(&server, &sale, &p2.link, "1700.00").await;
    let document = dutch::end_auction(&server, &sale).await;
    assert_eq!(document["status"], "active_qualification", "{document}");
    assert_eq!(
        award_statuses(&server, &sale, &[&p2.bid, &p4.bid, &p1.bid, &draft]).await,
        ["pending", "pending_waiting", "-", "-"]
    );
    let award = award_of(&server, &sale, &p2.bid).await.expect("an award");
    assert_eq!(money(&award["value"]), amount("1700.00"));
    server.assert_replays().await;
}

async fn a_lone_stopper_meets_a_latecomer_in_round_2(server: TestServer) {
    let (sale, bids) = published_with(&server, &["10000001"]).await;
    let participants = started(&server, &sale, bids).await;
    let p1 = &participants[0];
    // Step 2: 1500.00 × 0.99 = 1485.00.
    let stopped = stopped_at(&server, &sale, p1, 2).await;
    assert_eq!(
        money(&stopped["auction"]["stop"]["amount"]),
        amount("1485.00")
    );
    let kinds = |view: &Json| -> Vec<String> {
        view["auction"]["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .filter_map(|stage| stage["kind"].as_str().map(str::to_owned))
            .filter(|kind| kind != "step")
            .collect()
    };
    assert_eq!(kinds(&stopped), ["pause"], "alone: round 1 only");
    // Someone joins before round 1 ends: rounds 2 and 3 are held.
    server.set_time(inside(stage_start(&server, &sale, "step", Some(10)).await));
    let p2 = dutch::bid(&server, &sale, "10000002").await;
    let p2 = Participant {
        link: link(&server, &sale, &p2).await,
        bid: p2,
    };
    accept_terms(&server, &sale, &p2.link).await;
    assert_eq!(
        kinds(&view(&server, &sale, "").await),
        ["pause", "sealedBids", "finalBid"]
    );
    let end = dutch::round1_end(&server, &sale).await;
    assert_eq!(run_at(&server, end).await, 0, "round 2 follows");
    assert_eq!(status(&server, &sale).await, "active_auction");
    server.set_time(inside(end));
    place(&server, &sale, &p2.link, "1500.00").await;
    let last = stage_start(&server, &sale, "finalBid", None).await;
    run_at(&server, inside(last)).await;
    place(&server, &sale, &p1.link, "1600.00").await;
    dutch::end_auction(&server, &sale).await;
    assert_eq!(
        award_statuses(&server, &sale, &[&p1.bid, &p2.bid]).await,
        ["pending", "pending_waiting"]
    );
    let award = award_of(&server, &sale, &p1.bid).await.expect("an award");
    assert_eq!(money(&award["value"]), amount("1600.00"));
    server.assert_replays().await;
}

async fn a_participant_through_two_brokers_keeps_its_first_bid(server: TestServer) {
    let sale = dutch::publish(&server).await;
    let first = dutch::bid(&server, &sale, "10000001").await;
    let other = dutch::bid(&server, &sale, "10000002").await;
    // The same participant again, through another broker: accepted, and
    // nothing during the auction tells it bid twice.
    let again = dutch::bid_as(&server, &sale, STRANGER_KEY, "10000001").await;
    let participants = started(&server, &sale, vec![first, other, again]).await;
    let [first, other, again] = &participants[..] else {
        panic!("three bids");
    };
    assert_eq!(
        view(&server, &sale, "").await["auction"]["participants"],
        json!(["Bidder 1", "Bidder 2", "Bidder 3"])
    );
    // The later bid stops round 1 and outbids everyone in round 3 …
    stopped_at(&server, &sale, again, 21).await;
    server.set_time(inside(dutch::round1_end(&server, &sale).await));
    place(&server, &sale, &first.link, "1300.00").await;
    place(&server, &sale, &other.link, "1400.00").await;
    let last = stage_start(&server, &sale, "finalBid", None).await;
    run_at(&server, inside(last)).await;
    place(&server, &sale, &again.link, "1500.00").await;
    // … but leaves the results: the participant's first bid keeps its
    // place, behind the other participant.
    let document = dutch::end_auction(&server, &sale).await;
    assert_eq!(document["status"], "active_qualification", "{document}");
    assert_eq!(
        award_statuses(&server, &sale, &[&other.bid, &first.bid, &again.bid]).await,
        ["pending", "pending_waiting", "-"]
    );
    let award = award_of(&server, &sale, &other.bid).await.expect("award");
    assert_eq!(money(&award["value"]), amount("1400.00"));
    let (status_code, _, listed) = server.get(&format!("{}/bids", sale.path), None, None).await;
    assert_eq!(status_code, StatusCode::OK, "{listed}");
    let mut shown: Vec<String> = listed["data"]
        .as_array()
        .expect("bids")
        .iter()
        .filter_map(|bid| bid["id"].as_str().map(str::to_owned))
        .collect();
    shown.sort();
    let mut expected = vec![first.bid.id.clone(), other.bid.id.clone()];
    expected.sort();
    assert_eq!(shown, expected, "the later bid is not disclosed");
    server.assert_replays().await;
}

async fn a_winner_disqualified_at_the_contract_stage(server: TestServer) {
    let (sale, p1, p2) = p2_wins_p1_waits(&server).await;
    let winner = award_id(&server, &sale, &p2.bid).await;
    dutch::qualify(&server, &sale, &winner).await;
    assert_eq!(status(&server, &sale).await, "active_awarded");
    let contract = contract_of(&server, &sale, &winner)
        .await
        .expect("a contract");
    assert_eq!(contract["status"], "pending", "{contract}");
    // The winner does not sign: disqualified, its contract cancelled, the
    // award passes on.
    dutch::disqualify(&server, &sale, &winner).await;
    assert_eq!(
        contract_of(&server, &sale, &winner)
            .await
            .expect("contract")["status"],
        "cancelled"
    );
    assert_eq!(
        award_statuses(&server, &sale, &[&p2.bid, &p1.bid]).await,
        ["unsuccessful", "pending"]
    );
    assert_eq!(status(&server, &sale).await, "active_qualification");
    let second = award_id(&server, &sale, &p1.bid).await;
    dutch::qualify(&server, &sale, &second).await;
    let contract = contract_of(&server, &sale, &second)
        .await
        .expect("a contract");
    let contract_id = contract["id"].as_str().expect("id").to_owned();
    dutch::sign(&server, &sale, &contract_id).await;
    assert_eq!(status(&server, &sale).await, "complete");
    // A signed contract's award is not disqualified.
    let head = server.head().await;
    let (status_code, body) = dutch::patch_award(
        &server,
        &sale,
        &second,
        (BROKER_KEY, &sale.token),
        json!({"status": "unsuccessful", "terminationReason": "contractNotSigned"}),
    )
    .await;
    assert_eq!(status_code, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(server.head().await, head);
    server.assert_replays().await;
}

async fn cancelling_during_the_auction_cancels_it(server: TestServer) {
    let (sale, bids) = published_with(&server, &["10000001", "10000002"]).await;
    let participants = started(&server, &sale, bids).await;
    server.set_time(inside(stage_start(&server, &sale, "step", Some(4)).await));
    let (status_code, body) = dutch::try_cancel(&server, &sale).await;
    assert_eq!(status_code, StatusCode::CREATED, "{body}");
    let document = document(&server, &sale).await;
    assert_eq!(document["status"], "cancelled", "{document}");
    assert_eq!(
        document["cancellations"][0]["documents"][0]["documentType"],
        "cancellationDetails"
    );
    assert_eq!(
        view(&server, &sale, "").await["auction"]["status"],
        "cancelled"
    );
    let head = server.head().await;
    let late = act(&server, &sale, "bids", &participants[0].link, json!({})).await;
    assert_eq!(late.0, StatusCode::FORBIDDEN, "{}", late.1);
    assert_eq!(server.head().await, head);
    // Nothing is due any more, not even round 1's end.
    let end = dutch::round1_end(&server, &sale).await;
    assert_eq!(run_at(&server, end).await, 0);
    assert_eq!(status(&server, &sale).await, "cancelled");
    server.assert_replays().await;
}

/// A write that must be refused with `status`, naming `field`, writing
/// nothing.
struct Refused {
    case: &'static str,
    method: Method,
    path: String,
    key: Option<&'static str>,
    body: Json,
    status: StatusCode,
    field: &'static str,
}

fn refusal(
    case: &'static str,
    method: Method,
    path: &str,
    key: Option<&'static str>,
    body: Json,
    (status, field): (StatusCode, &'static str),
) -> Refused {
    Refused {
        case,
        method,
        path: path.to_owned(),
        key,
        body,
        status,
        field,
    }
}

/// Sends each write and checks it is refused with its status, its first
/// error naming its field, and that nothing was written (the log's head
/// and the procedure's `dateModified`, when there is one).
async fn all_refused(server: &TestServer, sale: Option<&Sale>, cases: Vec<Refused>) {
    for Refused {
        case,
        method,
        path,
        key,
        body,
        status,
        field,
    } in cases
    {
        let head = server.head().await;
        let modified = match sale {
            Some(sale) => document(server, sale).await["dateModified"].clone(),
            None => Json::Null,
        };
        let body = (!body.is_null()).then_some(body);
        let (got, _, answer) = server.send(method.clone(), &path, key, body).await;
        assert_eq!(got, status, "{case}: {method} {path}: {answer}");
        assert_eq!(answer["status"], "error", "{case}: {answer}");
        assert_eq!(
            answer["errors"][0]["name"], field,
            "{case}: expected an error naming {field}: {answer}"
        );
        assert!(
            answer["errors"][0]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{case}: {answer}"
        );
        assert_eq!(server.head().await, head, "{case}: something was written");
        if let Some(sale) = sale {
            assert_eq!(
                document(server, sale).await["dateModified"],
                modified,
                "{case}: the procedure changed"
            );
        }
    }
}

const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;

fn publication(edit: impl FnOnce(&mut Json)) -> Json {
    let mut request = dutch::procedure_request(STEPS);
    edit(&mut request["data"]);
    request
}

async fn publication_refuses_what_the_cdb_sets(server: TestServer) {
    let post = |case, body| {
        refusal(
            case,
            Method::POST,
            PROCEDURES,
            Some(BROKER_KEY),
            body,
            (INVALID, "data"),
        )
    };
    let named = |refused: Refused, field| Refused { field, ..refused };
    let period =
        json!({"startDate": "2023-09-21T10:00:00+03:00", "endDate": "2023-09-22T10:00:00+03:00"});
    all_refused(
        &server,
        None,
        vec![
            named(
                post(
                    "a tender period",
                    publication(|d| d["tenderPeriod"] = period.clone()),
                ),
                "tenderPeriod",
            ),
            named(
                post(
                    "an auction period",
                    publication(|d| d["auctionPeriod"] = period.clone()),
                ),
                "auctionPeriod",
            ),
            named(
                post("a rogue field", publication(|d| d["colour"] = json!("red"))),
                "colour",
            ),
            named(
                post(
                    "100 steps",
                    publication(|d| d["auctionParameters"]["dutchStepQuantity"] = json!(100)),
                ),
                "auctionParameters.dutchStepQuantity",
            ),
            named(
                post(
                    "a step as large as the price",
                    publication(|d| d["minimalStep"]["amount"] = dutch::number(STARTING_PRICE)),
                ),
                "minimalStep.amount",
            ),
            named(
                post("no items", publication(|d| d["items"] = json!([]))),
                "items",
            ),
            named(
                post("lengths set by a broker", {
                    let mut request = publication(|_| {});
                    request["config"] = json!({"dutchRoundSeconds": 60});
                    request
                }),
                "config",
            ),
        ],
    )
    .await;
    // The description says why.
    let (status_code, _, body) = server
        .post(
            PROCEDURES,
            Some(BROKER_KEY),
            Some(publication(|d| {
                d["auctionPeriod"] = json!({"startDate": "2023-09-21T10:00:00+03:00"})
            })),
        )
        .await;
    assert_eq!(status_code, INVALID, "{body}");
    assert!(
        body["errors"][0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("Set by the CDB")),
        "{body}"
    );
    // The same body without them is published.
    let sale = dutch::publish(&server).await;
    assert_eq!(sale.created["data"]["status"], "active_tendering");
}

async fn bad_applications_change_nothing(server: TestServer) {
    let (sale, bids) = published_with(&server, &["10000001", "10000002"]).await;
    let bids_path = format!("{}/bids", sale.path);
    let post =
        |case, key, body, answer| refusal(case, Method::POST, &bids_path, Some(key), body, answer);
    let patch_sale = |case, data: Json, answer| {
        refusal(
            case,
            Method::PATCH,
            &sale.owned(""),
            Some(BROKER_KEY),
            json!({ "data": data }),
            answer,
        )
    };
    let with_value = {
        let mut request = dutch::bid_request("10000009", "active");
        request["data"]["value"] = json!({"amount": 1500, "currency": "UAH"});
        request
    };
    let two_bidders = json!({"data": {
        "bidders": [e2e::sale::organization("10000008"), e2e::sale::organization("10000009")]
    }});
    all_refused(
        &server,
        Some(&sale),
        vec![
            post(
                "a bid with a price",
                OTHER_KEY,
                with_value,
                (INVALID, "value"),
            ),
            post(
                "a second bid for the same participant through the same broker",
                OTHER_KEY,
                dutch::bid_request("10000001", "active"),
                (INVALID, "bidders"),
            ),
            post("two bidders", OTHER_KEY, two_bidders, (INVALID, "bidders")),
            patch_sale(
                "the starting price",
                json!({"value": {"amount": 1000, "currency": "UAH"}}),
                (INVALID, "value"),
            ),
            patch_sale(
                "the number of steps",
                json!({"auctionParameters": {"dutchStepQuantity": 10}}),
                (INVALID, "auctionParameters"),
            ),
            patch_sale(
                "the auction's date",
                json!({"auctionPeriod": {"startDate": "2023-09-28T09:30:00+03:00"}}),
                (INVALID, "auctionPeriod"),
            ),
            refusal(
                "another broker's edit",
                Method::PATCH,
                &sale.owned(""),
                Some(STRANGER_KEY),
                json!({"data": {"lotId": "LOT-X"}}),
                (FORBIDDEN, "permission"),
            ),
        ],
    )
    .await;
    // The texts may change while bids are taken.
    let (status_code, _, body) = server
        .patch(
            &sale.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"lotId": "LOT-D2"}})),
        )
        .await;
    assert_eq!(status_code, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["lotId"], "LOT-D2", "{body}");

    // During the auction a bid is only placed or activated.
    start_auction(&server, &sale).await;
    let first = &bids[0];
    let owned = dutch::owned_bid(&sale, first);
    all_refused(
        &server,
        Some(&sale),
        vec![
            refusal(
                "a withdrawal during the auction",
                Method::DELETE,
                &owned,
                Some(OTHER_KEY),
                Json::Null,
                (FORBIDDEN, "data"),
            ),
            refusal(
                "a bid's bidder changed during the auction",
                Method::PATCH,
                &owned,
                Some(OTHER_KEY),
                json!({"data": {"bidders": [e2e::sale::organization("10000007")]}}),
                (FORBIDDEN, "data"),
            ),
            post(
                "a draft during the auction",
                OTHER_KEY,
                dutch::bid_request("10000005", "draft"),
                (INVALID, "status"),
            ),
            patch_sale(
                "an edit during the auction",
                json!({"lotId": "LOT-D3"}),
                (FORBIDDEN, "data"),
            ),
        ],
    )
    .await;

    // After round 1 no bid is taken.
    let participants = started_links(&server, &sale, bids).await;
    accept_terms(&server, &sale, &participants[0].link).await;
    stopped_at(&server, &sale, &participants[0], 2).await;
    server.set_time(inside(dutch::round1_end(&server, &sale).await));
    all_refused(
        &server,
        Some(&sale),
        vec![post(
            "a bid after round 1 ended",
            OTHER_KEY,
            dutch::bid_request("10000006", "active"),
            (FORBIDDEN, "data"),
        )],
    )
    .await;
}

async fn bad_auction_bids_change_nothing(server: TestServer) {
    let (sale, bids) = published_with(&server, &["10000001", "10000002", "10000003"]).await;
    start_auction(&server, &sale).await;
    let participants = started_links(&server, &sale, bids).await;
    let [p1, p2, p3] = &participants[..] else {
        panic!("three participants");
    };
    let auction = |what: &str, query: &str| format!("/api/auctions/{}/{what}?{query}", sale.id);
    let bid = |case, participant: &Participant, data: Json, answer| {
        refusal(
            case,
            Method::POST,
            &auction("bids", &participant.link),
            None,
            json!({ "data": data }),
            answer,
        )
    };
    // In the pause, before the terms.
    server.set_time(inside(stage_start(&server, &sale, "pause", None).await));
    all_refused(
        &server,
        Some(&sale),
        vec![
            bid(
                "a stop before the terms",
                p1,
                json!({}),
                (FORBIDDEN, "data"),
            ),
            refusal(
                "a bid without a link",
                Method::POST,
                &auction("bids", ""),
                None,
                json!({"data": {}}),
                (FORBIDDEN, "signature"),
            ),
            refusal(
                "a forged link",
                Method::POST,
                &auction("bids", &p1.link.replace("signature=", "signature=0")),
                None,
                json!({"data": {}}),
                (FORBIDDEN, "signature"),
            ),
        ],
    )
    .await;
    for p in &participants {
        accept_terms(&server, &sale, &p.link).await;
    }
    all_refused(
        &server,
        Some(&sale),
        vec![bid(
            "a stop in the pause",
            p1,
            json!({}),
            (FORBIDDEN, "data"),
        )],
    )
    .await;
    // Round 1, step 21 (1200.00).
    server.set_time(inside(stage_start(&server, &sale, "step", Some(21)).await));
    all_refused(
        &server,
        Some(&sale),
        vec![bid(
            "a stop at another price than the step's",
            p1,
            json!({"amount": "1300.00"}),
            (INVALID, "amount"),
        )],
    )
    .await;
    stop(&server, &sale, &p1.link).await;
    all_refused(
        &server,
        Some(&sale),
        vec![bid("a second stop", p2, json!({}), (FORBIDDEN, "data"))],
    )
    .await;
    // Round 2.
    server.set_time(inside(dutch::round1_end(&server, &sale).await));
    all_refused(
        &server,
        Some(&sale),
        vec![
            bid(
                "the Dutch winner in round 2",
                p1,
                json!({"amount": "1700.00"}),
                (FORBIDDEN, "data"),
            ),
            bid(
                "a sealed bid at the stop amount",
                p2,
                json!({"amount": "1200.00"}),
                (INVALID, "amount"),
            ),
            bid(
                "a sealed bid in tenths of a kopiyka",
                p2,
                json!({"amount": "1300.001"}),
                (INVALID, "amount"),
            ),
            bid(
                "a sealed bid without an amount",
                p2,
                json!({}),
                (INVALID, "amount"),
            ),
        ],
    )
    .await;
    place(&server, &sale, &p2.link, "1400.00").await;
    place(&server, &sale, &p3.link, "1250.00").await;
    // Round 3.
    let last = stage_start(&server, &sale, "finalBid", None).await;
    run_at(&server, inside(last)).await;
    all_refused(
        &server,
        Some(&sale),
        vec![
            bid(
                "a round-3 bid by someone other than the Dutch winner",
                p2,
                json!({"amount": "1600.00"}),
                (FORBIDDEN, "data"),
            ),
            bid(
                "a raise below minimalStep",
                p1,
                json!({"amount": "1499.99"}),
                (INVALID, "amount"),
            ),
        ],
    )
    .await;
    // In words, as the reference auction module says them.
    let other = act(
        &server,
        &sale,
        "bids",
        &p2.link,
        json!({"amount": "1600.00"}),
    )
    .await;
    refused(&other, FORBIDDEN, "data", "Not valid bidder");
    let short = act(
        &server,
        &sale,
        "bids",
        &p1.link,
        json!({"amount": "1499.99"}),
    )
    .await;
    refused(&short, INVALID, "amount", "Too low value");
    // Nobody raised in round 3: P2 wins at its sealed bid, P1 waits at its
    // stop, P3 has no award.
    let document = dutch::end_auction(&server, &sale).await;
    assert_eq!(document["status"], "active_qualification", "{document}");
    assert_eq!(
        award_statuses(&server, &sale, &[&p2.bid, &p3.bid, &p1.bid]).await,
        ["pending", "pending_waiting", "-"]
    );
}

async fn wrong_party_or_status_changes_nothing(server: TestServer) {
    let (sale, p1, p2) = p2_wins_p1_waits(&server).await;
    let winner = award_id(&server, &sale, &p2.bid).await;
    let waiting = award_id(&server, &sale, &p1.bid).await;
    let award_path =
        |award: &str, token: &str| format!("{}/awards/{award}?acc_token={token}", sale.path);
    let patch = |case, path: &str, key, data: Json, answer| {
        refusal(
            case,
            Method::PATCH,
            path,
            Some(key),
            json!({ "data": data }),
            answer,
        )
    };
    let qualify = json!({"status": "active"});
    all_refused(
        &server,
        Some(&sale),
        vec![
            patch(
                "a stranger qualifying",
                &award_path(&winner, &sale.token),
                STRANGER_KEY,
                qualify.clone(),
                (FORBIDDEN, "permission"),
            ),
            patch(
                "the Organizer before the protocol",
                &award_path(&winner, &sale.token),
                BROKER_KEY,
                qualify.clone(),
                (INVALID, "documents"),
            ),
            patch(
                "the Organizer disqualifying before the protocol",
                &award_path(&winner, &sale.token),
                BROKER_KEY,
                json!({"status": "unsuccessful", "terminationReason": "requirementsNotMet"}),
                (INVALID, "documents"),
            ),
            patch(
                "a disqualification without a reason",
                &award_path(&winner, &sale.token),
                BROKER_KEY,
                json!({"status": "unsuccessful"}),
                (INVALID, "terminationReason"),
            ),
            patch(
                "a reason outside the dictionary",
                &award_path(&winner, &sale.token),
                BROKER_KEY,
                json!({"status": "unsuccessful", "terminationReason": "didNotLikeThem"}),
                (INVALID, "terminationReason"),
            ),
            patch(
                "the Organizer refusing for the winner",
                &award_path(&winner, &sale.token),
                BROKER_KEY,
                json!({"status": "cancelled"}),
                (INVALID, "status"),
            ),
            patch(
                "the winner qualifying itself",
                &award_path(&winner, &p2.bid.token),
                OTHER_KEY,
                qualify.clone(),
                (INVALID, "status"),
            ),
            patch(
                "the waiting one refusing",
                &award_path(&waiting, &p1.bid.token),
                OTHER_KEY,
                json!({"status": "cancelled"}),
                (FORBIDDEN, "data"),
            ),
            patch(
                "qualifying the waiting award",
                &award_path(&waiting, &sale.token),
                BROKER_KEY,
                qualify.clone(),
                (FORBIDDEN, "data"),
            ),
            patch(
                "an edit after the auction",
                &sale.owned(""),
                BROKER_KEY,
                json!({"lotId": "LOT-X"}),
                (FORBIDDEN, "data"),
            ),
            refusal(
                "a cancellation without cancellationDetails",
                Method::POST,
                &sale.owned("/cancellations"),
                Some(BROKER_KEY),
                json!({"data": {"reason": {"uk_UA": "Рішення організатора"}, "documents": []}}),
                (INVALID, "documents"),
            ),
        ],
    )
    .await;
    // Qualified and signed: the sale is complete, and then nothing moves.
    dutch::qualify(&server, &sale, &winner).await;
    let contract = contract_of(&server, &sale, &winner)
        .await
        .expect("a contract");
    let contract_id = contract["id"].as_str().expect("id").to_owned();
    all_refused(
        &server,
        Some(&sale),
        vec![patch(
            "signing without contractSigned",
            &sale.owned(&format!("/contracts/{contract_id}")),
            BROKER_KEY,
            json!({"status": "active"}),
            (INVALID, "documents"),
        )],
    )
    .await;
    dutch::sign(&server, &sale, &contract_id).await;
    assert_eq!(status(&server, &sale).await, "complete");
    let cancellation = dutch::cancellation_request(&server).await;
    all_refused(
        &server,
        Some(&sale),
        vec![
            refusal(
                "cancelling a complete sale",
                Method::POST,
                &sale.owned("/cancellations"),
                Some(BROKER_KEY),
                cancellation,
                (FORBIDDEN, "data"),
            ),
            patch(
                "disqualifying after the sale is complete",
                &award_path(&winner, &sale.token),
                BROKER_KEY,
                json!({"status": "unsuccessful", "terminationReason": "requirementsNotMet"}),
                (FORBIDDEN, "data"),
            ),
            refusal(
                "a bid after the sale",
                Method::POST,
                &format!("{}/bids", sale.path),
                Some(OTHER_KEY),
                dutch::bid_request("10000009", "active"),
                (FORBIDDEN, "data"),
            ),
        ],
    )
    .await;
    assert_eq!(
        award_statuses(&server, &sale, &[&p2.bid, &p1.bid]).await,
        ["active", "cancelled"]
    );
}

/// The server was down at the auction's date: the first scheduler pass
/// after the familiarisation pause starts the auction then, with the end of
/// round 1 (and so of bidding) moved with it, rather than a round whose
/// steps passed unseen or a sale stuck in tendering.
async fn an_auction_the_server_comes_to_late_starts_when_it_can(server: TestServer) {
    let (sale, bids) = published_with(&server, &["10000001", "10000002"]).await;
    let planned = dutch::auction_start(&server, &sale).await;
    let late = planned + TimeDelta::hours(2);
    assert!(run_at(&server, late).await >= 1, "the auction starts late");
    let document = document(&server, &sale).await;
    assert_eq!(document["status"], "active_auction", "{document}");
    assert_eq!(time(&document["auctionPeriod"]["startDate"]), late);
    let stages = view(&server, &sale, "").await["auction"]["stages"].clone();
    assert_eq!(time(&stages[0]["start"]), late, "{stages}");
    let end = dutch::round1_end(&server, &sale).await;
    assert_eq!(
        time(&document["tenderPeriod"]["endDate"]),
        end,
        "{document}"
    );
    assert!(end > late, "round 1 lies ahead");
    let participants = started_links(&server, &sale, bids).await;
    accept_terms(&server, &sale, &participants[0].link).await;
    let stopped = stopped_at(&server, &sale, &participants[0], 2).await;
    assert!(stopped["auction"]["stop"].is_object(), "{stopped}");
    server.assert_replays().await;
}
