//! The Dutch auction in a real browser: the test server runs a lot's
//! auction on a clock 20 times faster, and `tests/browser/dutch.mjs`
//! drives Debian's Chromium through the page as an observer and three
//! participants: C declines the terms and only watches, A stops round 1
//! at step 3, B bids sealed in round 2 (1600.55, seen by nobody before
//! the round ends), A is refused below the minimum in round 3 and then
//! wins at 1610.55. Screenshots of every stage go to
//! `target/browser-screenshots/dutch/`.
//!
//! Needs what `e2e::browser` looks for; without it the test says so and
//! passes, unless `CDB_REQUIRE_BROWSER=1`.

use std::time::{Duration, Instant};

use e2e::http::{Backend, TestServer};
use serde_json::json;

use super::{apply, participation_url, publish, registry};

/// How many times faster than real time the clock runs: a step of round 1
/// (1 minute) lasts 3 real seconds, time enough for a page to show it and
/// a participant to click, while the whole auction (21 minutes with its
/// familiarisation pause) takes about a minute.
const CLOCK_RATE: f64 = 20.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_participants_run_a_dutch_auction_through_its_page() {
    let Some(browser) = e2e::browser::browser("dutch_lot::browser") else {
        return;
    };
    let began = Instant::now();
    let server = TestServer::with_registry(Backend::Embedded, registry()).await;
    let (lot, end) = publish(&server).await;
    let a = apply(&server, &lot, "ТОВ Альфа").await;
    let b = apply(&server, &lot, "ТОВ Бета").await;
    let c = apply(&server, &lot, "ТОВ Гамма").await;
    server.set_time(end);
    assert!(server.run_scheduler().await >= 1, "the auction is set up");
    let links = [
        participation_url(&server, &lot, &a).await,
        participation_url(&server, &lot, &b).await,
        participation_url(&server, &lot, &c).await,
    ];

    server.run_live(CLOCK_RATE);
    let shots = e2e::browser::screenshot_dir(env!("CARGO_TARGET_TMPDIR"), "dutch");
    // Step 3 offers 1500 × (1 − 0.02); B's sealed bid must be above it,
    // and A's last word at least B's bid plus the minimal step (10).
    let config = json!({
        "auctionPage": format!("{}/auctions/{}", server.base, lot.id),
        "screenshots": shots,
        "timeoutSeconds": 120,
        "participants": {"a": links[0], "b": links[1], "c": links[2]},
        "stopAt": {"step": 3, "price": "1470"},
        "sealedBid": "1600.55",
        "finalBids": {"refused": "1605", "refusal": "Замала сума", "accepted": "1610.55"},
    });
    browser
        .drive("dutch.mjs", config, Duration::from_secs(150))
        .await;

    // The scheduler records the auction's end and the lot is sold to A.
    let deadline = Instant::now() + Duration::from_secs(20);
    let document = loop {
        let (_, _, document) = server.get(&lot.path, None, None).await;
        if document["data"]["status"] == "complete" {
            break document;
        }
        assert!(
            Instant::now() < deadline,
            "the lot is not complete: {document}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        document["data"]["winner"]["bidId"],
        json!(a.id),
        "{document}"
    );
    assert_eq!(
        document["data"]["winner"]["value"]["amount"].to_string(),
        "1610.55",
        "{document}"
    );
    e2e::browser::screenshots("dutch_lot::browser", &shots, began, 17);
}
