//! The multi-award sale end to end, through the real HTTP server on both
//! store backends, with the scheduler on a frozen clock: the spec's four
//! normative examples (TV-B1…B4, `shared/spec/multi-award-sale.md` §5.2,
//! every price reached by bidding in the auction the server runs)
//! checking every award's and contract's status after every step and the
//! final allocation; bid secrecy through every read endpoint; bad input
//! answered 4xx naming the field, with nothing written.

use chrono::TimeDelta;
use e2e::http::{AUCTION_KEY, BROKER_KEY, OTHER_KEY, StatusCode, TestServer, UNKNOWN_KEY};
use e2e::sale::{
    PROCEDURES, Sale, Scenario, auction_unraised, bid, bid_request, end_tendering,
    procedure_request, publish, publish_lot, try_bid,
};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    publication_answers_the_document,
    tv_b1_everything_fits,
    tv_b2_remainder_below_minimal_part,
    tv_b3_conditional_winner_accepts,
    tv_b3_conditional_winner_refuses,
    tv_b3_silent_refusal_after_a_restart,
    tv_b4_promotion_then_contract_stage_disqualification,
    one_bid_goes_to_qualification_without_an_auction,
    bids_stay_sealed_until_the_auction_results,
    bad_input_names_the_field_and_changes_nothing,
    wrong_party_or_status_changes_nothing,
    auction_results_are_checked_then_rank_the_bids,
    sale_feed_lists_sales_only,
    multilang_texts_are_returned_as_sent,
    multilang_texts_are_checked_naming_the_field,
    an_award_document_is_described_anew_and_versioned,
);

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

/// Q = 1000, minimal price 100, minimal part 200 (spec §5.2).
const B_LOT: (i64, i64, i64) = (1000, 200, 100);

async fn publication_answers_the_document(server: TestServer) {
    let sale = publish_lot(&server, 1000, 200, 100).await;
    let data = &sale.created["data"];
    assert_eq!(data["status"], "active_tendering");
    assert_eq!(data["sellingMethod"], "basicSell-multiAwards");
    let auction_id = data["auctionId"].as_str().expect("auctionId");
    assert!(
        auction_id.starts_with("BSM001-UA-20230920-"),
        "{auction_id}"
    );
    assert_eq!(sale.created["config"]["qualificationPeriodDays"], 20);
    assert_eq!(sale.created["config"]["admissionPeriodDays"], 5);
    assert!(sale.created["access"]["token"].is_string());
    assert!(data.get("owner_token_hash").is_none());
    // A second sale the same day gets the next number.
    let second = publish_lot(&server, 10, 1, 1).await;
    assert_ne!(second.created["data"]["auctionId"], data["auctionId"]);
    // GET serves the same document (from the read model).
    let (status, _, read) = server.get(&sale.path, None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["data"], sale.created["data"]);
    // Unknown ids and tender ids are not sales.
    let (status, _, body) = server
        .get(
            &format!("{PROCEDURES}/0123456789abcdef0123456789abcdef"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["errors"][0]["name"], "procedure_id");
    let (status, _, _) = server
        .get(&format!("{PROCEDURES}/not-an-id"), None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn tv_b1_everything_fits(server: TestServer) {
    let s = Scenario::qualification(&server, B_LOT, &[(200, 120), (300, 110), (400, 100)]).await;
    assert_eq!(s.status().await, "active_qualification");
    s.expect(&["pending", "pending", "pending"], &["-", "-", "-"])
        .await;
    // 1. Qualify U1
    s.qualify(1).await;
    s.expect(&["active", "pending", "pending"], &["pending", "-", "-"])
        .await;
    assert_eq!(s.status().await, "active_awarded");
    // 2. Qualify U2
    s.qualify(2).await;
    s.expect(
        &["active", "active", "pending"],
        &["pending", "pending", "-"],
    )
    .await;
    // 3. Qualify U3
    s.qualify(3).await;
    s.expect(
        &["active", "active", "active"],
        &["pending", "pending", "pending"],
    )
    .await;
    // 4. Sign C1, C2, C3; completing before the last is refused.
    s.sign(1).await;
    s.expect(
        &["active", "active", "active"],
        &["active", "pending", "pending"],
    )
    .await;
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    s.sign(2).await;
    s.expect(
        &["active", "active", "active"],
        &["active", "active", "pending"],
    )
    .await;
    s.sign(3).await;
    s.expect(
        &["active", "active", "active"],
        &["active", "active", "active"],
    )
    .await;
    // 5. Complete
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(s.status().await, "complete");
    assert_eq!(s.allocation().await, [d(200), d(300), d(400)]);
    // 100 remains with the Organizer; the contract prices per unit.
    let c3 = s.contract(3).await.expect("C3");
    assert_eq!(e2e::sale::decimal(&c3["value"]["amount"]), d(100));
    assert_eq!(
        e2e::sale::decimal(&c3["contractTotalValue"]["amount"]),
        d(40000)
    );
    assert!(c3["dateSigned"].is_string());
    // The contract carries the lot's and the buyer's texts as multiLang.
    assert_eq!(
        c3["items"][0]["description"],
        json!({"uk_UA": "Пшениця", "en_US": "Wheat"})
    );
    assert_eq!(
        c3["buyers"][0]["address"]["countryName"],
        json!({"uk_UA": "Україна", "en_US": "Ukraine"})
    );
}

async fn tv_b2_remainder_below_minimal_part(server: TestServer) {
    let s = Scenario::qualification(&server, B_LOT, &[(500, 120), (400, 110), (800, 100)]).await;
    // 0. After allocation
    s.expect(&["pending", "pending", "pending_waiting"], &["-", "-", "-"])
        .await;
    // 1. Qualify U1
    s.qualify(1).await;
    s.expect(
        &["active", "pending", "pending_waiting"],
        &["pending", "-", "-"],
    )
    .await;
    assert_eq!(s.status().await, "active_awarded");
    // 2. Qualify U2
    s.qualify(2).await;
    s.expect(
        &["active", "active", "pending_waiting"],
        &["pending", "pending", "-"],
    )
    .await;
    // 3. Sign C1: T2 not ready (C2 pending)
    s.sign(1).await;
    s.expect(
        &["active", "active", "pending_waiting"],
        &["active", "pending", "-"],
    )
    .await;
    // 4. Sign C2: T2 ready, R = 100 < 200 → U3 cancelled
    s.sign(2).await;
    s.expect(
        &["active", "active", "cancelled"],
        &["active", "active", "-"],
    )
    .await;
    assert_eq!(s.allocation().await, [d(500), d(400), d(0)]);
    // A cancelled award does not show a quantity.
    assert!(s.award(3).await["items"][0].get("quantity").is_none());
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(s.status().await, "complete");
}

/// TV-B3 steps 0…3: U2 disqualified without promotion, then U3 offered 500.
async fn b3_until_conditional_winner(server: &TestServer) -> Scenario<'_> {
    let s = Scenario::qualification(server, B_LOT, &[(500, 120), (400, 110), (800, 100)]).await;
    s.expect(&["pending", "pending", "pending_waiting"], &["-", "-", "-"])
        .await;
    // The waiting award hides its quantity.
    assert!(s.award(3).await["items"][0].get("quantity").is_none());
    // 1. Qualify U1
    s.qualify(1).await;
    s.expect(
        &["active", "pending", "pending_waiting"],
        &["pending", "-", "-"],
    )
    .await;
    // 2. Disqualify U2: R = 500, U3 wants 800 → stays waiting
    s.disqualify(2).await;
    s.expect(
        &["active", "unsuccessful", "pending_waiting"],
        &["pending", "-", "-"],
    )
    .await;
    // 3. Sign C1: T2 ready, R = 500 ≥ 200 → U3 offered 500
    s.sign(1).await;
    s.expect(
        &["active", "unsuccessful", "pending_admission"],
        &["active", "-", "-"],
    )
    .await;
    assert_eq!(s.status().await, "active_qualification");
    // The offer is the remainder (500); the award still shows the bid's
    // own quantity, as the spec's display rule says (copied from the bid).
    let u3 = s.award(3).await;
    assert_eq!(e2e::sale::decimal(&u3["items"][0]["quantity"]), d(800));
    assert!(u3["admissionPeriod"]["endDate"].is_string(), "{u3}");
    s
}

async fn tv_b3_conditional_winner_accepts(server: TestServer) {
    let s = b3_until_conditional_winner(&server).await;
    // The range is 200…500: 199 and 501 are refused and change nothing.
    for quantity in [199, 501] {
        let head = server.head().await;
        let (status, body) = s.accept(3, json!(quantity)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["name"], "quantity", "{body}");
        assert_eq!(server.head().await, head);
    }
    // Only the conditional winner states a quantity: not the Organizer.
    let head = server.head().await;
    let (status, _, body) = server
        .patch(
            &s.sale.owned(&format!(
                "/awards/{}",
                s.award(3).await["id"].as_str().expect("id")
            )),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "pending", "quantity": 500}})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["name"], "quantity", "{body}");
    assert_eq!(server.head().await, head);
    // 4a. U3 accepts 500
    let (status, body) = s.accept(3, json!(500)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    s.expect(
        &["active", "unsuccessful", "pending"],
        &["active", "-", "-"],
    )
    .await;
    let u3 = s.award(3).await;
    assert_eq!(e2e::sale::decimal(&u3["items"][0]["quantity"]), d(500));
    assert_eq!(e2e::sale::decimal(&u3["value"]["amount"]), d(100));
    // 5a. Qualify U3
    s.qualify(3).await;
    s.expect(
        &["active", "unsuccessful", "active"],
        &["active", "-", "pending"],
    )
    .await;
    assert_eq!(s.status().await, "active_awarded");
    // 6a. Sign C3
    s.sign(3).await;
    s.expect(
        &["active", "unsuccessful", "active"],
        &["active", "-", "active"],
    )
    .await;
    assert_eq!(s.allocation().await, [d(500), d(0), d(500)]);
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(s.status().await, "complete");
    // The whole history replays: the hash chain verifies, and read models
    // rebuilt from the log equal the live ones byte for byte.
    server.assert_replays().await;
}

async fn tv_b3_conditional_winner_refuses(server: TestServer) {
    let s = b3_until_conditional_winner(&server).await;
    // 4b. U3 refuses
    s.refuse(3).await;
    s.expect(
        &["active", "unsuccessful", "cancelled"],
        &["active", "-", "-"],
    )
    .await;
    assert_eq!(s.allocation().await, [d(500), d(0), d(0)]);
    assert_eq!(s.status().await, "active_qualification");
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(s.status().await, "complete");
}

async fn tv_b3_silent_refusal_after_a_restart(server: TestServer) {
    let Scenario { sale, bids, .. } = b3_until_conditional_winner(&server).await;
    // A restart in between: the scheduler rebuilds what is due from the log.
    let server = server.restart().await;
    let s = Scenario {
        server: &server,
        sale,
        bids,
    };
    let end = s.award(3).await["admissionPeriod"]["endDate"]
        .as_str()
        .expect("admissionPeriod.endDate")
        .parse::<chrono::DateTime<chrono::FixedOffset>>()
        .expect("RFC 3339")
        .with_timezone(&chrono::Utc);
    // A second before the end nothing happens.
    server.set_time(end - TimeDelta::seconds(1));
    assert_eq!(server.run_scheduler().await, 0);
    s.expect(
        &["active", "unsuccessful", "pending_admission"],
        &["active", "-", "-"],
    )
    .await;
    // At the end the offer lapses; a late answer is refused.
    server.set_time(end);
    let head = server.head().await;
    let (status, body) = s.accept(3, json!(500)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(server.head().await, head);
    assert_eq!(server.run_scheduler().await, 1);
    s.expect(
        &["active", "unsuccessful", "cancelled"],
        &["active", "-", "-"],
    )
    .await;
    assert_eq!(s.allocation().await, [d(500), d(0), d(0)]);
    assert_eq!(server.run_scheduler().await, 0, "nothing more is due");
}

async fn tv_b4_promotion_then_contract_stage_disqualification(server: TestServer) {
    let s = Scenario::qualification(&server, B_LOT, &[(400, 120), (500, 110), (300, 100)]).await;
    // 0. After allocation
    s.expect(&["pending", "pending", "pending_waiting"], &["-", "-", "-"])
        .await;
    // 1. Qualify U1
    s.qualify(1).await;
    s.expect(
        &["active", "pending", "pending_waiting"],
        &["pending", "-", "-"],
    )
    .await;
    // 2. Disqualify U2: R = 600, U3's 300 fits → promoted
    s.disqualify(2).await;
    s.expect(
        &["active", "unsuccessful", "pending"],
        &["pending", "-", "-"],
    )
    .await;
    assert_eq!(s.status().await, "active_awarded");
    // 3. Sign C1: T2 not ready (U3 pending)
    s.sign(1).await;
    s.expect(
        &["active", "unsuccessful", "pending"],
        &["active", "-", "-"],
    )
    .await;
    assert_eq!(s.status().await, "active_qualification");
    // 4. Qualify U3
    s.qualify(3).await;
    s.expect(
        &["active", "unsuccessful", "active"],
        &["active", "-", "pending"],
    )
    .await;
    // 5. Disqualify U3 at the contract stage: C3 cancelled, nobody promoted
    s.disqualify(3).await;
    s.expect(
        &["active", "unsuccessful", "unsuccessful"],
        &["active", "-", "cancelled"],
    )
    .await;
    assert_eq!(s.allocation().await, [d(400), d(0), d(0)]);
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(s.status().await, "complete");
}

async fn one_bid_goes_to_qualification_without_an_auction(server: TestServer) {
    let s = Scenario::qualification(&server, B_LOT, &[(300, 150)]).await;
    assert_eq!(s.status().await, "active_qualification");
    s.expect(&["pending"], &["-"]).await;
    // No auction ran: there is none to watch.
    let (status, _, body) = server
        .get(&format!("/api/auctions/{}", s.sale.id), None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    s.qualify(1).await;
    s.sign(1).await;
    s.expect(&["active"], &["active"]).await;
    assert_eq!(s.allocation().await, [d(300)]);
}

/// Every public read of a sale, as `(path, body)`: the document, its
/// sub-resources, the bid itself, the change feed (pages, with every
/// optional field), and the public event log. Each GET must answer its
/// status (200; 403 for the bids and their documents while `sealed`), so a
/// path that stopped existing (404) or broke cannot pass the scan with an
/// empty body.
async fn public_reads(
    server: &TestServer,
    sale: &Sale,
    bid_id: &str,
    sealed: bool,
) -> Vec<(String, String)> {
    let bid_read = if sealed {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    let paths = [
        (sale.path.clone(), StatusCode::OK),
        (format!("{}?opt_pretty=1", sale.path), StatusCode::OK),
        (format!("{}/bids", sale.path), bid_read),
        (format!("{}/bids/{bid_id}", sale.path), bid_read),
        (format!("{}/bids/{bid_id}/documents", sale.path), bid_read),
        (format!("{}/awards", sale.path), StatusCode::OK),
        (format!("{}/contracts", sale.path), StatusCode::OK),
        (format!("{}/documents", sale.path), StatusCode::OK),
        (format!("{}/cancellations", sale.path), StatusCode::OK),
        (
            format!("{PROCEDURES}?feed=changes&opt_fields=status,auctionId,bids,awards"),
            StatusCode::OK,
        ),
        (
            format!("{PROCEDURES}?feed=changes&descending=1"),
            StatusCode::OK,
        ),
        ("/api/2.5/events?limit=1000".to_owned(), StatusCode::OK),
        ("/api/2.5/tenders?feed=changes".to_owned(), StatusCode::OK),
    ];
    let mut bodies = Vec::new();
    // Both live streams (SSE), read up to the log's head.
    let head = server.head().await as usize;
    for (path, want) in [
        (
            format!("{PROCEDURES}?feed=changes&mode=stream&opt_fields=status,bids,awards"),
            1,
        ),
        ("/api/2.5/events?mode=stream".to_owned(), head),
    ] {
        let events = e2e::sse::read_events(
            &format!("{}{path}", server.base),
            None,
            want,
            std::time::Duration::from_secs(5),
        )
        .await;
        assert_eq!(events.len(), want, "{path}");
        let text = events
            .iter()
            .map(|event| event.data.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        bodies.push((path, text));
    }
    for (path, want) in paths {
        for key in [None, Some(BROKER_KEY), Some(OTHER_KEY)] {
            let (status, _, bytes) = server.get_bytes_as(&path, key).await;
            let body = String::from_utf8_lossy(&bytes).into_owned();
            assert_eq!(status, want, "GET {path} as {key:?}: {body}");
            bodies.push((path.clone(), body));
        }
    }
    bodies
}

async fn status_of(server: &TestServer, sale: &Sale) -> Json {
    let (status, _, body) = server.get(&sale.path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["status"].clone()
}

async fn bids_stay_sealed_until_the_auction_results(server: TestServer) {
    let sale = publish_lot(&server, 1000, 200, 100).await;
    // Distinctive values (decimals: no hex id or timestamp contains a dot
    // followed by these digits): prices, quantities, EDR codes, an e-mail
    // and a bid document's title.
    let first =
        e2e::sale::bid_with(&server, &sale, "31415926", json!(271.37), json!(31337.77)).await;
    let second =
        e2e::sale::bid_with(&server, &sale, "27182818", json!(314.59), json!(27182.81)).await;
    let passport = server
        .upload(
            "passport-31415926.pdf",
            "application/pdf",
            b"%PDF-1.4 passport",
        )
        .await;
    let (status, _, body) = server
        .post(
            &format!(
                "{}/bids/{}/documents?acc_token={}",
                sale.path, first.id, first.token
            ),
            Some(OTHER_KEY),
            Some(json!({ "data": passport })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let secrets = [
        "31337.77",
        "27182.81",
        "271.37",
        "314.59",
        "31415926",
        "27182818",
        "bidder31415926@example.com",
        "passport-31415926",
    ];
    let leaks = |bodies: &[(String, String)]| -> Vec<String> {
        bodies
            .iter()
            .flat_map(|(path, body)| {
                secrets
                    .iter()
                    .filter(|secret| body.contains(*secret))
                    .map(move |secret| format!("{path} shows {secret}"))
            })
            .collect()
    };
    // The owner sees its own bid whole.
    let (status, _, own) = server
        .get(
            &format!("{}/bids/{}?acc_token={}", sale.path, first.id, first.token),
            Some(OTHER_KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["data"]["quantity"], json!(271.37));

    // While bids are taken…
    server.settle().await;
    let sealed = public_reads(&server, &sale, &first.id, true).await;
    assert_eq!(leaks(&sealed), Vec::<String>::new());
    // … and while the auction runs; one bid's token does not open another.
    end_tendering(&server).await;
    assert_eq!(status_of(&server, &sale).await, "active_auction");
    let mut sealed = public_reads(&server, &sale, &first.id, true).await;
    let (status, _, bytes) = server
        .get_bytes_as(
            &format!("{}/bids/{}?acc_token={}", sale.path, second.id, first.token),
            Some(OTHER_KEY),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another bid's token");
    sealed.push((
        "second bid with the first's token".to_owned(),
        String::from_utf8_lossy(&bytes).into_owned(),
    ));
    // The auction the server runs shows the prices it is about under
    // labels ("Bidder 1"), never who bid, how much of the lot or anything
    // else of the bids.
    for path in [
        format!("/api/auctions/{}", sale.id),
        format!("/api/auctions/{}/protocol", sale.id),
    ] {
        let (_, _, bytes) = server.get_bytes_as(&path, None).await;
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let shown: Vec<&&str> = secrets[2..]
            .iter()
            .filter(|secret| body.contains(**secret))
            .collect();
        assert_eq!(shown, Vec::<&&str>::new(), "{path} shows them: {body}");
    }
    assert_eq!(leaks(&sealed), Vec::<String>::new());

    // Once the results are recorded everything is open (bid documents too).
    auction_unraised(&server, &sale).await;
    assert_eq!(status_of(&server, &sale).await, "active_qualification");
    server.settle().await;
    let open = public_reads(&server, &sale, &first.id, false).await;
    let shown = leaks(&open);
    for secret in secrets {
        assert!(
            shown
                .iter()
                .any(|leak| leak.ends_with(&format!("shows {secret}"))),
            "{secret} is not shown after disclosure"
        );
    }
    let (status, _, bids) = server.get(&format!("{}/bids", sale.path), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bids["data"].as_array().map(Vec::len), Some(2));
}

/// A write that must be refused with `status`, naming `field`.
struct Refused {
    /// What the case is, for failure messages.
    case: &'static str,
    method: reqwest::Method,
    path: String,
    key: Option<&'static str>,
    body: Json,
    status: StatusCode,
    field: &'static str,
}

impl Refused {
    fn new(
        case: &'static str,
        method: reqwest::Method,
        path: &str,
        key: &'static str,
        body: Json,
    ) -> Self {
        Refused {
            case,
            method,
            path: path.to_owned(),
            key: Some(key),
            body,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            field: "data",
        }
    }

    fn answers(self, status: StatusCode, field: &'static str) -> Self {
        Refused {
            status,
            field,
            ..self
        }
    }
}

/// Sends each write and checks it is refused with its status, with an
/// error naming its field, and that nothing was written.
async fn all_refused(server: &TestServer, cases: Vec<Refused>) {
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
        let (got, _, answer) = server.send(method.clone(), &path, key, Some(body)).await;
        assert_eq!(got, status, "{case}: {method} {path}: {answer}");
        let names: Vec<&str> = answer["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["name"].as_str())
            .collect();
        assert!(
            names.contains(&field),
            "{case}: expected an error naming {field}, got {answer}"
        );
        assert_eq!(answer["status"], "error", "{case}");
        assert_eq!(server.head().await, head, "{case}: something was written");
    }
}

fn publication(edit: impl FnOnce(&mut Json)) -> Json {
    let mut request = procedure_request(json!(1000), json!(200), json!(100));
    edit(&mut request);
    request
}

async fn bad_input_names_the_field_and_changes_nothing(server: TestServer) {
    // Among the cases: the outside auction module's hand-off.
    let server = server.with_external_auction().await;
    use reqwest::Method;
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let post = |case, path: &str, key, body| Refused::new(case, Method::POST, path, key, body);
    let item = publication(|_| {})["data"]["items"][0].clone();
    all_refused(
        &server,
        vec![
            post(
                "a second item",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["items"] = json!([item.clone(), item.clone()])),
            )
            .answers(invalid, "items"),
            post(
                "minimal part above the lot",
                PROCEDURES,
                BROKER_KEY,
                procedure_request(json!(1000), json!(1001), json!(100)),
            )
            .answers(invalid, "minimalPart"),
            post(
                "a rogue field",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["colour"] = json!("red")),
            )
            .answers(invalid, "colour"),
            post(
                "no minimal part",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| {
                    r["data"]
                        .as_object_mut()
                        .map(|data| data.remove("minimalPart"));
                }),
            )
            .answers(invalid, "minimalPart"),
            post(
                "periods set by a broker",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["config"] = json!({"qualificationPeriodDays": 1})),
            )
            .answers(invalid, "config"),
            post(
                "another procedure's method",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["sellingMethod"] = json!("renewables-multiAwards")),
            )
            .answers(invalid, "sellingMethod"),
            post(
                "the auction module publishing",
                PROCEDURES,
                AUCTION_KEY,
                publication(|_| {}),
            )
            .answers(StatusCode::FORBIDDEN, "permission"),
        ],
    )
    .await;

    let sale = publish(&server, publication(|_| {})).await;
    let bids = format!("{}/bids", sale.path);
    let bid = |quantity: Json, price: Json| bid_request("00000010", quantity, price);
    all_refused(
        &server,
        vec![
            post(
                "quantity below minimalPart",
                &bids,
                OTHER_KEY,
                bid(json!(199), json!(100)),
            )
            .answers(invalid, "quantity"),
            post(
                "quantity above the lot",
                &bids,
                OTHER_KEY,
                bid(json!(1001), json!(100)),
            )
            .answers(invalid, "quantity"),
            post(
                "price below the minimum",
                &bids,
                OTHER_KEY,
                bid(json!(500), json!(99.99)),
            )
            .answers(invalid, "value"),
            post(
                "quantity not a number",
                &bids,
                OTHER_KEY,
                bid(json!("lots"), json!(100)),
            )
            .answers(invalid, "quantity"),
            post(
                "auction results while bids are taken",
                &format!("{}/auction", sale.path),
                AUCTION_KEY,
                json!({"data": {"bids": []}}),
            )
            .answers(StatusCode::FORBIDDEN, "data"),
        ],
    )
    .await;
    // The bounds themselves are fine (inclusive), and decimals are exact.
    let (status, body) = try_bid(&server, &sale, bid(json!(200), json!(100))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = try_bid(
        &server,
        &sale,
        bid_request("00000011", json!(1000), json!(100.01)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["value"]["amount"], json!(100.01));
    all_refused(
        &server,
        vec![
            post(
                "a second bid by the same bidder",
                &bids,
                OTHER_KEY,
                bid(json!(300), json!(120)),
            )
            .answers(invalid, "bidders"),
        ],
    )
    .await;
    // Not JSON, not an object.
    let head = server.head().await;
    let (status, _, body) = server
        .send_raw(
            Method::POST,
            &bids,
            Some(OTHER_KEY),
            Some("text/plain"),
            Some(b"quantity=1".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    let (status, _, body) = server
        .send_raw(
            Method::POST,
            &bids,
            Some(OTHER_KEY),
            Some("application/json"),
            Some(b"{\"data\":".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(server.head().await, head);
}

async fn wrong_party_or_status_changes_nothing(server: TestServer) {
    // Among the cases: the outside auction module's hand-off.
    let server = server.with_external_auction().await;
    use reqwest::Method;
    let s = Scenario::qualification(&server, B_LOT, &[(500, 120), (400, 110)]).await;
    let award = s.award(1).await;
    let award_path = format!(
        "{}/awards/{}",
        s.sale.path,
        award["id"].as_str().expect("id")
    );
    let as_organizer = format!("{award_path}?acc_token={}", s.sale.token);
    let as_bidder = format!("{award_path}?acc_token={}", s.bids[0].token);
    let forbidden = StatusCode::FORBIDDEN;
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let patch = |case, path: &str, key, data: Json| {
        Refused::new(case, Method::PATCH, path, key, json!({ "data": data }))
    };
    let post = |case, path: &str, key, data: Json| {
        Refused::new(case, Method::POST, path, key, json!({ "data": data }))
    };
    let qualify = json!({"status": "active"});
    all_refused(
        &server,
        vec![
            patch(
                "another broker, no token",
                &award_path,
                OTHER_KEY,
                qualify.clone(),
            )
            .answers(forbidden, "permission"),
            patch(
                "another broker with the owner token",
                &as_organizer,
                OTHER_KEY,
                qualify.clone(),
            )
            .answers(forbidden, "permission"),
            patch(
                "the award's participant qualifying itself",
                &as_bidder,
                OTHER_KEY,
                qualify.clone(),
            )
            .answers(forbidden, "data"),
            patch(
                "qualifying without the protocol",
                &as_organizer,
                BROKER_KEY,
                qualify.clone(),
            )
            .answers(invalid, "documents"),
            patch(
                "a reason outside the dictionary",
                &as_organizer,
                BROKER_KEY,
                json!({"status": "unsuccessful", "terminationReason": "didNotLikeThem"}),
            )
            .answers(invalid, "terminationReason"),
            post(
                "a bid after tendering",
                &format!("{}/bids", s.sale.path),
                OTHER_KEY,
                bid_request("00000099", json!(300), json!(150))["data"].clone(),
            )
            .answers(forbidden, "data"),
            patch(
                "an edit after tendering",
                &s.sale.owned(""),
                BROKER_KEY,
                json!({"lotId": "LOT-2"}),
            )
            .answers(forbidden, "data"),
            post(
                "auction results twice",
                &format!("{}/auction", s.sale.path),
                AUCTION_KEY,
                json!({"bids": []}),
            )
            .answers(forbidden, "data"),
            patch(
                "completing with pending awards",
                &s.sale.owned(""),
                BROKER_KEY,
                json!({"status": "complete"}),
            )
            .answers(forbidden, "data"),
            post(
                "cancelling without cancellationDetails",
                &s.sale.owned("/cancellations"),
                BROKER_KEY,
                json!({"reason": {"uk_UA": "Рішення організатора"}, "documents": []}),
            )
            .answers(invalid, "documents"),
        ],
    )
    .await;
    // No key at all, an unknown key.
    let head = server.head().await;
    for key in [None, Some(UNKNOWN_KEY)] {
        let (status, _, _) = server
            .patch(&award_path, key, Some(json!({"data": qualify})))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(server.head().await, head);
    // Everything still as it was.
    s.expect(&["pending", "pending"], &["-", "-"]).await;
}

async fn sale_feed_lists_sales_only(server: TestServer) {
    let sale = publish_lot(&server, 1000, 200, 100).await;
    let tender = e2e::pq::activated(&server).await;
    server.settle().await;
    let (status, _, page) = server
        .get(
            &format!("{PROCEDURES}?feed=changes&opt_fields=status,auctionId"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let ids: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|row| row["id"].as_str())
        .collect();
    assert_eq!(ids, [sale.id.as_str()]);
    assert_eq!(page["data"][0]["status"], "active_tendering");
    assert_eq!(
        page["data"][0]["auctionId"],
        sale.created["data"]["auctionId"]
    );
    assert!(
        page["next_page"]["uri"]
            .as_str()
            .is_some_and(|uri| uri.contains("/api/procedures?")),
        "{page}"
    );
    let (_, _, tenders) = server
        .get("/api/2.5/tenders?feed=changes", None, None)
        .await;
    let tender_ids: Vec<&str> = tenders["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|row| row["id"].as_str())
        .collect();
    assert_eq!(tender_ids, [tender.id.as_str()]);
    // The sale path does not serve tenders, nor the tender path sales.
    let (status, _, _) = server
        .get(&format!("{PROCEDURES}/{}", tender.id), None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = server
        .get(&format!("/api/2.5/tenders/{}", sale.id), None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A change moves the sale to the end of the feed.
    server.advance(TimeDelta::minutes(5));
    bid(&server, &sale, "00000010", 300, 150).await;
    let next = page["next_page"]["path"].as_str().expect("next_page.path");
    let (_, _, later) = server.get(next, None, None).await;
    let ids: Vec<&str> = later["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|row| row["id"].as_str())
        .collect();
    assert_eq!(ids, [sale.id.as_str()]);
}

async fn auction_results_are_checked_then_rank_the_bids(server: TestServer) {
    use reqwest::Method;
    let server = server.with_external_auction().await;
    // U1 asks 600 at 120, U2 500 at 110: unraised, U1 would rank first.
    let sale = publish_lot(&server, 1000, 200, 100).await;
    let u1 = bid(&server, &sale, "00000010", 600, 120).await;
    server.advance(TimeDelta::minutes(1));
    let u2 = bid(&server, &sale, "00000011", 500, 110).await;
    end_tendering(&server).await;
    let auction = format!("{}/auction", sale.path);
    let (status, _, view) = server.get(&auction, Some(AUCTION_KEY), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["data"]["bids"].as_array().map(Vec::len), Some(2));
    server.advance(TimeDelta::minutes(30));
    let during = domain::time::format_kyiv(server.now() - TimeDelta::minutes(10));
    let before = domain::time::format_kyiv(server.now() - TimeDelta::hours(2));
    let result = |id: &str, amount: Json, date: &str| json!({"id": id, "value": {"amount": amount}, "date": date});
    let post = |case, bids: Vec<Json>| {
        Refused::new(
            case,
            Method::POST,
            &auction,
            AUCTION_KEY,
            json!({"data": {"bids": bids}}),
        )
    };
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    all_refused(
        &server,
        vec![
            post(
                "a bid without a result",
                vec![result(&u1.id, json!(120), &during)],
            )
            .answers(invalid, "bids"),
            post(
                "an unknown bid",
                vec![
                    result(&u1.id, json!(120), &during),
                    result("0123456789abcdef0123456789abcdef", json!(130), &during),
                ],
            )
            .answers(invalid, "bids.id"),
            post(
                "a lowered price",
                vec![
                    result(&u1.id, json!(119), &during),
                    result(&u2.id, json!(110), &during),
                ],
            )
            .answers(invalid, "bids.value.amount"),
            post(
                "a raise dated before the auction",
                vec![
                    result(&u1.id, json!(120), &during),
                    result(&u2.id, json!(130), &before),
                ],
            )
            .answers(invalid, "bids.date"),
            post(
                "a rogue field",
                vec![
                    json!({"id": u1.id, "value": {"amount": 120}, "date": during, "colour": "red"}),
                ],
            )
            .answers(invalid, "bids.colour"),
            post(
                "not a number",
                vec![
                    result(&u1.id, json!("lots"), &during),
                    result(&u2.id, json!(110), &during),
                ],
            )
            .answers(invalid, "bids.value.amount"),
        ],
    )
    .await;
    // U2 raised to 130 during the auction: it now ranks first and gets its
    // 500; U1's 600 no longer fits the remaining 500 and waits.
    let (status, _, body) = server
        .post(
            &auction,
            Some(AUCTION_KEY),
            Some(json!({"data": {"bids": [result(&u1.id, json!(120), &during), result(&u2.id, json!(130), &during)]}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let s = Scenario {
        server: &server,
        sale,
        bids: vec![u1, u2],
    };
    s.expect(&["pending_waiting", "pending"], &["-", "-"]).await;
    let awards = s.document().await["awards"].clone();
    assert_eq!(awards[0]["bidId"], json!(s.bids[1].id), "U2 ranks first");
    assert_eq!(e2e::sale::decimal(&awards[0]["value"]["amount"]), d(130));
    assert_eq!(s.allocation().await, [d(0), d(500)]);
    // The auction is over: its endpoint says so.
    let (status, _, _) = server.get(&auction, Some(AUCTION_KEY), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Every text spec §7 gives as `base.multiLang`, in all three languages.
fn every_text_multilang(request: &mut Json) {
    let text = |uk: &str, en: &str, ru: &str| json!({"uk_UA": uk, "en_US": en, "ru_RU": ru});
    let data = &mut request["data"];
    data["title"] = text("Продаж пшениці", "Sale of wheat", "Продажа пшеницы");
    data["accessDetails"] = text("За домовленістю", "By appointment", "По договорённости");
    data["x_documentRequirements"] = text("Витяг з ЄДР", "EDR extract", "Выписка из ЕГР");
    data["x_additionalInformation"] = json!({"en_US": "None"});
    data["items"][0]["classification"]["description"] = text("Пшениця", "Wheat", "Пшеница");
    data["value"]["valuePer"] =
        json!({"code": "KGM", "name": text("кілограм", "kilogram", "килограмм")});
    data["sellingEntity"]["contactPoint"]["name"] = text("Іван", "Ivan", "Иван");
}

async fn multilang_texts_are_returned_as_sent(server: TestServer) {
    let mut request = procedure_request(json!(1000), json!(200), json!(100));
    every_text_multilang(&mut request);
    let sale = publish(&server, request.clone()).await;
    let (status, _, read) = server.get(&sale.path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    let data = &read["data"];
    for key in [
        "title",
        "description",
        "accessDetails",
        "x_documentRequirements",
        "x_additionalInformation",
        "sellingEntity",
    ] {
        assert_eq!(data[key], request["data"][key], "{key}");
    }
    assert_eq!(
        data["value"]["valuePer"],
        request["data"]["value"]["valuePer"]
    );
    let sent = &request["data"]["items"][0];
    for key in ["description", "classification", "unit"] {
        assert_eq!(data["items"][0][key], sent[key], "items.{key}");
    }
    // A bid's bidder comes back as sent to its owner.
    let request = bid_request("31415926", json!(300), json!(120));
    let (status, answer) = try_bid(&server, &sale, request.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["data"]["bidders"], request["data"]["bidders"]);
}

async fn multilang_texts_are_checked_naming_the_field(server: TestServer) {
    use reqwest::Method;
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let post = |case, path: &str, key, body| Refused::new(case, Method::POST, path, key, body);
    let sale = publish_lot(&server, 1000, 200, 100).await;
    let bids = format!("{}/bids", sale.path);
    let bid = |edit: fn(&mut Json)| {
        let mut request = bid_request("31415926", json!(300), json!(120));
        edit(&mut request["data"]["bidders"][0]);
        request
    };
    all_refused(
        &server,
        vec![
            post(
                "items.description without uk_UA",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["items"][0]["description"] = json!({"en_US": "Wheat"})),
            )
            .answers(invalid, "items.description.uk_UA"),
            post(
                "no document requirements",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| {
                    r["data"]
                        .as_object_mut()
                        .map(|data| data.remove("x_documentRequirements"));
                }),
            )
            .answers(invalid, "x_documentRequirements"),
            post(
                "a title in an unknown language",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["title"]["pl_PL"] = json!("Pszenica")),
            )
            .answers(invalid, "title.pl_PL"),
            post(
                "a plain string for items.description",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["items"][0]["description"] = json!("Пшениця")),
            )
            .answers(invalid, "items.description"),
            post(
                "a plain string for items.unit.name",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["items"][0]["unit"]["name"] = json!("тонна")),
            )
            .answers(invalid, "items.unit.name"),
            post(
                "a plain string for the seller's country",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| {
                    r["data"]["sellingEntity"]["address"]["countryName"] = json!("Україна");
                }),
            )
            .answers(invalid, "sellingEntity.address.countryName"),
            post(
                "a blank Ukrainian title",
                PROCEDURES,
                BROKER_KEY,
                publication(|r| r["data"]["title"] = json!({"uk_UA": " "})),
            )
            .answers(invalid, "title.uk_UA"),
            post(
                "a bidder's legal name without uk_UA",
                &bids,
                OTHER_KEY,
                bid(|b| b["identifier"]["legalName"] = json!({"en_US": "LLC"})),
            )
            .answers(invalid, "bidders.identifier.legalName.uk_UA"),
            post(
                "a plain string for a bidder's contact name",
                &bids,
                OTHER_KEY,
                bid(|b| b["contactPoint"]["name"] = json!("Іван")),
            )
            .answers(invalid, "bidders.contactPoint.name"),
            post(
                "a plain string for a cancellation's reason",
                &sale.owned("/cancellations"),
                BROKER_KEY,
                json!({"data": {"reason": "Рішення організатора", "documents": []}}),
            )
            .answers(invalid, "reason"),
        ],
    )
    .await;
    // The refusals say what is wrong.
    let (status, _, body) = server
        .post(
            PROCEDURES,
            Some(BROKER_KEY),
            Some(publication(|r| {
                r["data"]["title"]["pl_PL"] = json!("Pszenica")
            })),
        )
        .await;
    assert_eq!(status, invalid, "{body}");
    assert_eq!(body["errors"][0]["description"], "Rogue field", "{body}");
    let (_, _, body) = server
        .post(
            PROCEDURES,
            Some(BROKER_KEY),
            Some(publication(|r| {
                r["data"]["description"] = json!({"en_US": "Wheat"})
            })),
        )
        .await;
    assert_eq!(body["errors"][0]["name"], "description.uk_UA", "{body}");
    assert_eq!(
        body["errors"][0]["description"], "This field is required.",
        "{body}"
    );
}

/// Document PATCH and PUT on a sale's award, held to the document types
/// the award takes as adding one is.
async fn an_award_document_is_described_anew_and_versioned(server: TestServer) {
    let s = Scenario::qualification(&server, B_LOT, &[(1000, 130)]).await;
    let award = format!(
        "/awards/{}",
        s.award(1).await["id"].as_str().expect("award id")
    );
    let mut protocol = server
        .upload("protocol.pdf", "application/pdf", b"%PDF-1.4 protocol")
        .await;
    protocol["documentType"] = json!("auctionProtocol");
    let (status, _, body) = server
        .post(
            &s.sale.owned(&format!("{award}/documents")),
            Some(BROKER_KEY),
            Some(json!({ "data": protocol })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let one = format!(
        "{award}/documents/{}",
        body["data"]["id"].as_str().expect("document id")
    );
    let (status, _, body) = server
        .patch(
            &s.sale.owned(&one),
            Some(BROKER_KEY),
            Some(json!({"data": {"documentType": "contractSigned"}})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["name"], "documentType");
    let (status, _, body) = server
        .patch(
            &s.sale.owned(&one),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "signed by the commission"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let version = server
        .upload(
            "protocol-2.pdf",
            "application/pdf",
            b"%PDF-1.4 protocol, signed",
        )
        .await;
    let (status, _, body) = server
        .put(
            &s.sale.owned(&one),
            Some(BROKER_KEY),
            Some(json!({ "data": version })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["documentType"], "auctionProtocol");
    assert_eq!(body["data"]["description"], "signed by the commission");
    let (status, _, all) = server
        .get(
            &format!("{}{award}/documents?all=1", s.sale.path),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["data"].as_array().map(Vec::len), Some(2), "{all}");
    let (_, _, current) = server
        .get(&format!("{}{award}/documents", s.sale.path), None, None)
        .await;
    assert_eq!(
        current["data"].as_array().map(Vec::len),
        Some(1),
        "{current}"
    );
}
