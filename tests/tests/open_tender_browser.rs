//! One open tender's reverse auction run from its page in a real browser:
//! the tender (belowThreshold) is published, three bids are placed over
//! HTTP (480, 490, 500 with a step of 15), the test server's clock is
//! moved to the auction's planned start and then runs 30 times faster,
//! and `tests/browser/auction.mjs` drives Debian's Chromium through the
//! page as an observer and the three bidders: the worst price goes first
//! and is told its own price is too high, then prices go down to 470, 460
//! and 455. Then the tender is in qualification with the award on 455.
//! Screenshots of every stage go to `target/browser-screenshots/open-tender/`.
//!
//! Needs what `e2e::browser` looks for; without it the test says so and
//! passes, unless `CDB_REQUIRE_BROWSER=1`.

use std::time::{Duration, Instant};

use e2e::http::{OTHER_KEY, STRANGER_KEY, StatusCode, TestServer};
use e2e::ot;
use serde_json::json;

/// How many times faster than real time the clock runs: a turn (2
/// minutes) lasts 4 real seconds, the opening pause (5 minutes) 10.
const CLOCK_RATE: f64 = 30.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_bidders_lower_their_prices_through_the_auction_page() {
    let Some(browser) = e2e::browser::browser("open_tender_browser") else {
        return;
    };
    let began = Instant::now();
    let server = TestServer::embedded().await;
    let tender = ot::published(&server).await;
    let document = ot::read(&server, &tender).await;
    ot::at(&server, &tender, ot::enquiry_end(&document)).await;
    let a = ot::bid(&server, &tender, OTHER_KEY, 1, 480).await;
    let b = ot::bid(&server, &tender, STRANGER_KEY, 2, 490).await;
    let c = ot::bid(&server, &tender, OTHER_KEY, 3, 500).await;
    let document = ot::at(&server, &tender, ot::tender_end(&document)).await;
    assert_eq!(document["status"], "active.auction", "{document}");
    let opening = ot::time(&document["lots"][0]["auctionPeriod"]["startDate"]);
    ot::at(&server, &tender, opening).await;
    let mut links = Vec::new();
    for bid in [&a, &b, &c] {
        let (status, _, body) = server.get(&bid.owned(""), None, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        links.push(
            body["data"]["lotValues"][0]["participationUrl"]
                .as_str()
                .unwrap_or_else(|| panic!("no participationUrl on the lot value: {body}"))
                .to_owned(),
        );
    }

    server.run_live(CLOCK_RATE);
    let shots = e2e::browser::screenshot_dir(env!("CARGO_TARGET_TMPDIR"), "open-tender");
    // Turn order is worst first: C, B, A in round 1; C, A, B in round 2;
    // A, B, C in round 3.
    let config = json!({
        "auctionPage": format!("{}/auctions/{}", server.base, tender.id),
        "screenshots": shots,
        "timeoutSeconds": 150,
        "finalAmounts": ["455", "460", "470"],
        "bidders": [
            {"name": "a", "url": links[0], "photographed": true,
             "bids": [{"round": 3, "amount": "455"}]},
            {"name": "b", "url": links[1], "phone": true, "english": true,
             "bids": [{"round": 1, "amount": "470"}]},
            {"name": "c", "url": links[2],
             "bids": [{"round": 1, "amount": "500", "refused": "Завелика сума"},
                      {"round": 2, "amount": "460"}]},
        ],
    });
    browser
        .drive("auction.mjs", config, Duration::from_secs(180))
        .await;

    // The auction's end records the results: qualification from 455 up.
    let deadline = Instant::now() + Duration::from_secs(20);
    let document = loop {
        let document = ot::read(&server, &tender).await;
        if document["status"] == "active.qualification" {
            break document;
        }
        assert!(
            Instant::now() < deadline,
            "the tender is not in qualification: {document}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(document["awards"][0]["bid_id"], json!(a.id), "{document}");
    assert_eq!(
        document["awards"][0]["value"]["amount"].to_string(),
        "455.0",
        "{document}"
    );
    e2e::browser::screenshots("open_tender_browser", &shots, began, 10);
}
