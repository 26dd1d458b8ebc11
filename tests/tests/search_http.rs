//! `GET /api/2.5/search` and `GET /api/2.5/stats` through the real HTTP
//! server on both store backends, with the same expectations on each (so
//! both answer the same): filters, text, sorting and paging, that sealed
//! bidders stay out until disclosure, and the statistics as JSON and CSV.

use e2e::http::{OTHER_KEY, StatusCode, TestServer, shteker};
use e2e::pq::{Tender, activate, create_with, end_tendering, fixture_request, submit_bid};
use serde_json::{Value as Json, json};

e2e::on_both_backends!(search_filters_sorts_and_pages, stats_group_and_sum);

async fn search(server: &TestServer, query: &str) -> Json {
    let (status, _, body) = server
        .get(&format!("/api/2.5/search?{query}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "search?{query}: {body}");
    body
}

fn ids(body: &Json) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("data in {body}"))
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A priceQuotation tender (classified `44617100-9`) titled `title`,
/// valued `amount`, with its item in `region`, activated.
async fn tender(server: &TestServer, title: &str, amount: u32, region: &str) -> Tender {
    let mut request = fixture_request();
    let data = &mut request["data"];
    data["title"] = json!(title);
    data["value"]["amount"] = json!(amount);
    data["items"][0]["deliveryAddress"]["region"] = json!(region);
    let tender = create_with(server, request).await;
    let (status, body) = activate(server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    tender
}

/// Three tenders, a multi-award sale (CAV `03211100-4`, 600 t from 120.5
/// UAH: 72,300 UAH) and a draft.
async fn corpus(server: &TestServer) -> (Tender, Tender, Tender, String) {
    let papir = tender(server, "Папір офісний А4", 22000, "м. Київ").await;
    let kompy = tender(server, "Комп’ютери для шкіл", 150000, "Львівська область").await;
    let pechyvo = tender(server, "Печиво та папірці", 900, "Львівська область").await;
    let sale = e2e::sale::publish(
        server,
        e2e::sale::procedure_request(json!(600), json!(100), json!(120.5)),
    )
    .await;
    // A draft never shows.
    let mut draft = fixture_request();
    draft["data"]["title"] = json!("Папір чернетка");
    create_with(server, draft).await;
    (papir, kompy, pechyvo, sale.id)
}

async fn search_filters_sorts_and_pages(server: TestServer) {
    let (papir_tender, kompy, pechyvo, sale) = corpus(&server).await;
    let (papir, kompy, pechyvo) = (papir_tender.id.clone(), kompy.id, pechyvo.id);
    let all = ids(&search(&server, "sort=value&order=asc").await);
    assert_eq!(
        all,
        [pechyvo.clone(), papir.clone(), sale.clone(), kompy.clone()]
    );
    // Text: each word begins a word of the title or description, any case,
    // apostrophes inside words kept.
    let mut found = ids(&search(&server, "q=папір").await);
    found.sort();
    let mut expected = vec![papir.clone(), pechyvo.clone()];
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(
        ids(&search(&server, "q=КОМП'ЮТЕРИ").await),
        vec![kompy.clone()]
    );
    assert_eq!(
        ids(&search(&server, "q=папір офісний").await),
        vec![papir.clone()]
    );
    assert!(ids(&search(&server, "q=цемент").await).is_empty());
    // Relevance: a title word counts twice a description word; ties by id.
    let ranked = ids(&search(&server, "q=папір&sort=relevance").await);
    assert_eq!(ranked.len(), 2);
    // Filters.
    assert_eq!(
        ids(&search(&server, "region=м.%20Київ").await),
        vec![papir.clone()]
    );
    assert_eq!(
        ids(&search(&server, "classification=0321").await),
        vec![sale.clone()]
    );
    assert_eq!(
        ids(&search(&server, "classification=44617100-9").await).len(),
        3
    );
    assert!(ids(&search(&server, "classification=4462").await).is_empty());
    assert_eq!(
        ids(&search(&server, "sellingMethod=basicSell-multiAwards").await),
        vec![sale.clone()]
    );
    assert_eq!(
        ids(&search(&server, "value_min=900&value_max=22000&sort=value").await),
        [papir.clone(), pechyvo.clone()]
    );
    assert_eq!(
        ids(&search(&server, "procurementMethodType=priceQuotation").await).len(),
        3
    );
    assert_eq!(
        ids(&search(
            &server,
            "procurementMethodType=priceQuotation,basicSell-multiAwards"
        )
        .await)
        .len(),
        4
    );
    assert!(ids(&search(&server, "procurementMethodType=basicSell-dutch").await).is_empty());
    assert_eq!(
        ids(&search(&server, "status=active.tendering&buyer=00037256").await).len(),
        3
    );
    assert!(ids(&search(&server, "date_from=2100-01-01").await).is_empty());
    assert_eq!(ids(&search(&server, "date_to=2100-01-01").await).len(), 4);
    // opt_fields adds fields of the public document.
    let page = search(&server, "q=печиво&opt_fields=title,status").await;
    assert_eq!(page["data"][0]["title"], "Печиво та папірці");
    assert_eq!(page["data"][0]["status"], "active.tendering");
    // Paging one at a time gives every hit once, in order.
    let mut path = "/api/2.5/search?sort=value&order=desc&limit=1".to_owned();
    let mut paged = Vec::new();
    loop {
        let (status, _, body) = server.get(&path, None, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = ids(&body);
        if page.is_empty() {
            break;
        }
        paged.extend(page);
        path = body["next_page"]["path"]
            .as_str()
            .expect("next_page.path")
            .to_owned();
        assert!(paged.len() <= 4, "{paged:?}");
    }
    assert_eq!(
        paged,
        [kompy.clone(), sale.clone(), papir.clone(), pechyvo.clone()]
    );
    // A sealed bidder is not searchable; once bids are disclosed it is.
    submit_bid(&server, &papir_tender, OTHER_KEY, &shteker(), 21000).await;
    assert!(ids(&search(&server, "tenderer=87654321").await).is_empty());
    let page = search(&server, "tenderer=87654321&opt_fields=bids").await;
    assert!(!page.to_string().contains("21000"), "{page}");
    end_tendering(&server).await;
    assert_eq!(
        ids(&search(&server, "tenderer=87654321").await),
        vec![papir.clone()]
    );
    // Bad input is a 422 naming the parameter.
    for (query, name) in [
        ("colour=red", "colour"),
        ("sort=price", "sort"),
        ("order=up", "order"),
        ("limit=0", "limit"),
        ("value_min=-1", "value_min"),
        ("value_max=lots", "value_max"),
        ("date_from=yesterday", "date_from"),
        ("offset=garbage", "offset"),
        ("sort=relevance", "sort"),
    ] {
        let (status, _, body) = server
            .get(&format!("/api/2.5/search?{query}"), None, None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["errors"][0]["name"], name, "{query}: {body}");
    }
    let other_order = search(&server, "sort=value&limit=1").await["next_page"]["offset"].clone();
    let (status, _, body) = server
        .get(
            &format!(
                "/api/2.5/search?sort=date&offset={}",
                other_order.as_str().unwrap_or_default()
            ),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn stats_group_and_sum(server: TestServer) {
    corpus(&server).await;
    let (status, _, body) = server
        .get("/api/2.5/stats?group_by=region&opt_pretty=1", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let groups = body["data"]["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 3, "{body}");
    // The sale's items have no region.
    assert_eq!(groups[0]["key"]["region"], "");
    assert_eq!(groups[0]["value"], json!(72300));
    assert_eq!(groups[1]["key"]["region"], "Львівська область");
    assert_eq!(groups[1]["procedures"], 2);
    assert_eq!(groups[1]["value"], json!(150900));
    assert_eq!(groups[2]["key"]["region"], "м. Київ");
    assert_eq!(groups[2]["value"], json!(22000));
    let total = &body["data"]["total"];
    assert_eq!(total["procedures"], 4);
    assert_eq!(total["value"], json!(245200));
    assert_eq!(total["currency"], "UAH");
    // Nothing awarded yet: no savings, and no bids disclosed.
    assert_eq!(total["awardedProcedures"], 0);
    assert_eq!(total["savingsRatio"], Json::Null);
    assert_eq!(total["averageBids"], Json::Null);
    let (status, _, body) = server
        .get(
            "/api/2.5/stats?group_by=classification&classification_digits=3&format=csv",
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| body.to_string());
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("classification,procedures,"), "{text}");
    assert!(
        lines.iter().any(|line| line.starts_with("032,1,")),
        "{text}"
    );
    assert!(
        lines.iter().any(|line| line.starts_with("446,3,")),
        "{text}"
    );
    let (status, _, body) = server
        .get("/api/2.5/stats?group_by=colour", None, None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
