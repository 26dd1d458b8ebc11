//! Driving multi-award sales through the HTTP API (`/api/procedures`): the
//! Organizer (`broker` with the owner token), participants (`other`, each
//! with its bid token), the auction module (`auction` key) and the scheduler
//! on the frozen clock. Shared by the end-to-end tests.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use crate::http::{AUCTION_KEY, BROKER_KEY, OTHER_KEY, StatusCode, TestServer};

pub const PROCEDURES: &str = "/api/procedures";

/// A seller or bidder organisation with EDR code `edr`, its texts
/// multiLang as spec §7.2 gives them.
pub fn organization(edr: &str) -> Json {
    json!({
        "name": {"uk_UA": format!("ТОВ «Покупець {edr}»"), "en_US": format!("Buyer {edr} LLC")},
        "identifier": {
            "scheme": "UA-EDR",
            "id": edr,
            "legalName": {"uk_UA": format!("ТОВ «Покупець {edr}»"), "en_US": format!("Buyer {edr} LLC")}
        },
        "address": {
            "countryName": {"uk_UA": "Україна", "en_US": "Ukraine"},
            "region": {"uk_UA": "Київська область"},
            "locality": {"uk_UA": "Київ", "en_US": "Kyiv"},
            "streetAddress": {"uk_UA": "вул. Хрещатик, 1"},
            "postalCode": "01001"
        },
        "contactPoint": {
            "name": {"uk_UA": format!("Контакт {edr}")},
            "email": format!("bidder{edr}@example.com"),
            "telephone": "+380440000000"
        }
    })
}

/// The tender period's end: two days after the fixture start.
pub fn tender_end() -> DateTime<Utc> {
    crate::http::start_time() + TimeDelta::days(2)
}

/// `POST /api/procedures` data: `quantity` tonnes sold in parts of at least
/// `minimal_part`, from `min_price` per tonne.
pub fn procedure_request(quantity: Json, minimal_part: Json, min_price: Json) -> Json {
    json!({
        "data": {
            "sellingMethod": "basicSell-multiAwards",
            "sellingEntity": organization("00000001"),
            "lotId": "LOT-1",
            "title": {"uk_UA": "Продаж пшениці частинами"},
            "description": {"uk_UA": "Пшениця 3 класу"},
            "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
            "value": {"amount": min_price, "currency": "UAH"},
            "minimalPart": minimal_part,
            "items": [{
                "description": {"uk_UA": "Пшениця", "en_US": "Wheat"},
                "classification": {"scheme": "CAV", "id": "03211100-4"},
                "quantity": quantity,
                "unit": {"code": "TNE", "name": {"uk_UA": "тонна", "en_US": "tonne"}}
            }],
            "tenderPeriod": {"endDate": domain::time::format_kyiv(tender_end())}
        }
    })
}

pub struct Sale {
    pub id: String,
    pub token: String,
    /// `/api/procedures/{id}`
    pub path: String,
    /// The 201 body.
    pub created: Json,
}

impl Sale {
    /// `{path}{suffix}?acc_token={owner token}`
    pub fn owned(&self, suffix: &str) -> String {
        format!("{}{suffix}?acc_token={}", self.path, self.token)
    }
}

/// Publishes a sale as `broker`.
pub async fn publish(server: &TestServer, request: Json) -> Sale {
    let (status, headers, body) = server
        .post(PROCEDURES, Some(BROKER_KEY), Some(request))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_str().expect("data.id").to_owned();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location");
    assert_eq!(location, format!("{}{PROCEDURES}/{id}", server.base));
    Sale {
        path: format!("{PROCEDURES}/{id}"),
        token: body["access"]["token"]
            .as_str()
            .expect("access.token")
            .to_owned(),
        id,
        created: body,
    }
}

/// A sale of `quantity` in parts of `minimal_part` from `min_price`.
pub async fn publish_lot(
    server: &TestServer,
    quantity: i64,
    minimal_part: i64,
    min_price: i64,
) -> Sale {
    publish(
        server,
        procedure_request(json!(quantity), json!(minimal_part), json!(min_price)),
    )
    .await
}

/// A participant's bid as its owner knows it.
pub struct SaleBid {
    pub id: String,
    pub token: String,
    /// The bidder's EDR code.
    pub edr: String,
}

pub fn bid_request(edr: &str, quantity: Json, price: Json) -> Json {
    json!({
        "data": {
            "bidders": [organization(edr)],
            "value": {"amount": price, "currency": "UAH"},
            "quantity": quantity
        }
    })
}

/// Submits a bid as `other` for bidder `edr`; answers the status and body.
pub async fn try_bid(server: &TestServer, sale: &Sale, request: Json) -> (StatusCode, Json) {
    let (status, _, body) = server
        .post(
            &format!("{}/bids", sale.path),
            Some(OTHER_KEY),
            Some(request),
        )
        .await;
    (status, body)
}

pub async fn bid(
    server: &TestServer,
    sale: &Sale,
    edr: &str,
    quantity: i64,
    price: i64,
) -> SaleBid {
    bid_with(server, sale, edr, json!(quantity), json!(price)).await
}

/// Submits a bid for bidder `edr` (any JSON quantity and price).
pub async fn bid_with(
    server: &TestServer,
    sale: &Sale,
    edr: &str,
    quantity: Json,
    price: Json,
) -> SaleBid {
    let (status, body) = try_bid(server, sale, bid_request(edr, quantity, price)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    SaleBid {
        id: body["data"]["id"].as_str().expect("bid id").to_owned(),
        token: body["access"]["token"]
            .as_str()
            .expect("bid token")
            .to_owned(),
        edr: edr.to_owned(),
    }
}

/// Moves the frozen clock to the tender period's end and runs the scheduler.
pub async fn end_tendering(server: &TestServer) {
    server.set_time(tender_end());
    assert!(server.run_scheduler().await >= 1, "the tender period ended");
}

/// The sale's auction, as everyone may see it now (`GET /api/auctions/{id}`).
pub async fn auction_view(server: &TestServer, sale: &Sale) -> Json {
    let (status, _, view) = server
        .get(&format!("/api/auctions/{}", sale.id), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["data"].clone()
}

/// When the auction's last stage ends.
pub async fn auction_end(server: &TestServer, sale: &Sale) -> DateTime<Utc> {
    let view = auction_view(server, sale).await;
    let end = view["auction"]["stages"]
        .as_array()
        .and_then(|stages| stages.last())
        .and_then(|stage| stage["end"].as_str())
        .expect("the auction's stages");
    domain::time::parse_timestamp(end).expect("a stage end")
}

/// The auction the server runs goes by with nobody raising (so the ranking
/// falls back to the bids' own dates): the clock moves to its end and the
/// scheduler closes it, which records the results. The sale afterwards.
pub async fn auction_unraised(server: &TestServer, sale: &Sale) -> Json {
    if !runs_auction_here(server) {
        return auction_reported_unraised(server, sale).await;
    }
    server.set_time(auction_end(server, sale).await);
    assert!(server.run_scheduler().await >= 1, "the auction ended");
    let (status, _, body) = server.get(&sale.path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "active_qualification", "{body}");
    body
}

/// Whether the server runs the sale's auction (the default) rather than
/// an outside module.
pub fn runs_auction_here(server: &TestServer) -> bool {
    server
        .registry
        .kind(domain::procedures::multi_award_sale::KIND)
        .is_some_and(|kind| kind.runs_auction())
}

/// The query of a bid's participation link, as its owner reads it on its
/// bid (`participationUrl`); `bid_path` is the bid's own path.
pub async fn link_query(server: &TestServer, bid_path: &str, token: &str) -> String {
    let (status, _, body) = server
        .get(&format!("{bid_path}?acc_token={token}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = body["data"]["participationUrl"]
        .as_str()
        .or_else(|| body["data"]["lotValues"][0]["participationUrl"].as_str())
        .unwrap_or_else(|| panic!("no participationUrl: {body}"));
    let (page, query) = url.split_once('?').expect("a query");
    assert!(
        page.starts_with(&format!("{}/auctions/", server.base)),
        "{url}"
    );
    query.to_owned()
}

/// [`link_query`] of a sale's bid.
pub async fn participation_link(server: &TestServer, sale: &Sale, bid: &SaleBid) -> String {
    link_query(
        server,
        &format!("{}/bids/{}", sale.path, bid.id),
        &bid.token,
    )
    .await
}

/// The auction the server runs, bid through: in each turn (20 s into it)
/// every bidder whose turn it is and who stands below its target bids the
/// target, through its participation link; then the clock moves to the
/// auction's end and the scheduler closes it. The sale afterwards.
pub async fn auction_raised(
    server: &TestServer,
    sale: &Sale,
    bids: &[SaleBid],
    targets: &[Decimal],
) -> Json {
    let mut links = Vec::new();
    for bid in bids {
        links.push(participation_link(server, sale, bid).await);
    }
    let turns: Vec<DateTime<Utc>> = auction_view(server, sale).await["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter(|stage| stage["kind"] == "turn")
        .filter_map(|stage| domain::time::parse_timestamp(stage["start"].as_str()?).ok())
        .collect();
    let mut reached = vec![false; bids.len()];
    for at in turns {
        server.set_time(at + TimeDelta::seconds(20));
        for (i, query) in links.iter().enumerate() {
            let (status, _, view) = server
                .get(&format!("/api/auctions/{}?{query}", sale.id), None, None)
                .await;
            assert_eq!(status, StatusCode::OK, "{view}");
            let allowed = &view["data"]["participant"]["allowed"];
            if reached[i] || allowed.is_null() {
                continue;
            }
            if decimal(&allowed["min"]) > targets[i] {
                // Already there: the bid's own price is the target.
                reached[i] = true;
                continue;
            }
            let (status, _, body) = server
                .post(
                    &format!("/api/auctions/{}/bids?{query}", sale.id),
                    None,
                    Some(json!({"data": {"amount": targets[i].to_string()}})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            reached[i] = true;
        }
        server.run_scheduler().await;
    }
    auction_unraised(server, sale).await
}

/// The outside auction module (`--sale-auction external`) reads the
/// participating bids and reports each at its own price, unraised.
pub async fn auction_reported_unraised(server: &TestServer, sale: &Sale) -> Json {
    let auction = format!("{}/auction", sale.path);
    let (status, _, view) = server.get(&auction, Some(AUCTION_KEY), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    server.advance(TimeDelta::hours(1));
    let now = domain::time::format_kyiv(server.now());
    let results: Vec<Json> = view["data"]["bids"]
        .as_array()
        .expect("auction bids")
        .iter()
        .map(|bid| json!({"id": bid["id"], "value": {"amount": bid["value"]["amount"]}, "date": now}))
        .collect();
    let (status, _, body) = server
        .post(
            &auction,
            Some(AUCTION_KEY),
            Some(json!({"data": {"bids": results}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// A decimal from a JSON number or string.
pub fn decimal(value: &Json) -> Decimal {
    match value {
        Json::Number(n) => n.to_string().parse().expect("decimal number"),
        Json::String(s) => s.parse().expect("decimal string"),
        other => panic!("not a decimal: {other}"),
    }
}

/// One sale with its participants U1, U2, … (in submission order), driven
/// step by step as the spec's worked examples are written.
pub struct Scenario<'s> {
    pub server: &'s TestServer,
    pub sale: Sale,
    pub bids: Vec<SaleBid>,
}

impl<'s> Scenario<'s> {
    /// Published with the given `(quantity, price)` bids as U1, U2, …, the
    /// tender period over and, for two or more bids, the auction over. Where
    /// the server runs the auction, every bid is placed at the lot's
    /// minimum price and reaches its own price by bidding in the auction
    /// through its participation link; with an outside auction module the
    /// module reports every price unchanged.
    pub async fn qualification(
        server: &'s TestServer,
        lot: (i64, i64, i64),
        bids: &[(i64, i64)],
    ) -> Scenario<'s> {
        let sale = publish_lot(server, lot.0, lot.1, lot.2).await;
        let raised = bids.len() > 1 && runs_auction_here(server);
        let mut placed = Vec::new();
        for (n, &(quantity, price)) in bids.iter().enumerate() {
            server.advance(TimeDelta::minutes(1));
            let offered = if raised { lot.2 } else { price };
            placed.push(bid(server, &sale, &format!("{:08}", 10 + n), quantity, offered).await);
        }
        end_tendering(server).await;
        if raised {
            let targets: Vec<Decimal> = bids
                .iter()
                .map(|&(_, price)| Decimal::from(price))
                .collect();
            auction_raised(server, &sale, &placed, &targets).await;
        } else if bids.len() > 1 {
            auction_unraised(server, &sale).await;
        }
        Scenario {
            server,
            sale,
            bids: placed,
        }
    }

    /// The public procedure document (`GET /api/procedures/{id}`).
    pub async fn document(&self) -> Json {
        let (status, _, body) = self.server.get(&self.sale.path, None, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].clone()
    }

    pub async fn status(&self) -> String {
        self.document().await["status"]
            .as_str()
            .expect("status")
            .to_owned()
    }

    async fn list(&self, what: &str) -> Vec<Json> {
        let (status, _, body) = self
            .server
            .get(&format!("{}/{what}", self.sale.path), None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].as_array().expect("list").clone()
    }

    /// The award of participant `u` (1-based), from `GET …/awards`.
    pub async fn award(&self, u: usize) -> Json {
        let bid_id = &self.bids[u - 1].id;
        self.list("awards")
            .await
            .into_iter()
            .find(|award| award["bidId"] == json!(bid_id))
            .unwrap_or_else(|| panic!("no award for U{u}"))
    }

    async fn award_id(&self, u: usize) -> String {
        self.award(u).await["id"]
            .as_str()
            .expect("award id")
            .to_owned()
    }

    /// The contract of participant `u`, if any, from `GET …/contracts`.
    pub async fn contract(&self, u: usize) -> Option<Json> {
        let award_id = self.award_id(u).await;
        self.list("contracts")
            .await
            .into_iter()
            .find(|contract| contract["awardId"] == json!(award_id))
    }

    /// Award statuses of U1, U2, …; checks that `GET …/awards`, each `GET
    /// …/awards/{id}` and the procedure document agree.
    pub async fn awards(&self) -> Vec<String> {
        let listed = self.list("awards").await;
        let document = self.document().await;
        assert_eq!(
            document["awards"].as_array().cloned().unwrap_or_default(),
            listed,
            "the procedure document and GET …/awards disagree"
        );
        let mut statuses = Vec::new();
        for bid in &self.bids {
            let award = listed
                .iter()
                .find(|award| award["bidId"] == json!(bid.id))
                .expect("an award per participant");
            let (status, _, one) = self
                .server
                .get(
                    &format!(
                        "{}/awards/{}",
                        self.sale.path,
                        award["id"].as_str().expect("id")
                    ),
                    None,
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                &one["data"], award,
                "GET …/awards/{{id}} differs from the list"
            );
            statuses.push(award["status"].as_str().expect("status").to_owned());
        }
        statuses
    }

    /// Contract statuses of U1, U2, … (`-` when there is none).
    pub async fn contracts(&self) -> Vec<String> {
        let awards = self.list("awards").await;
        let contracts = self.list("contracts").await;
        let document = self.document().await;
        assert_eq!(
            document["contracts"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            contracts,
            "the procedure document and GET …/contracts disagree"
        );
        self.bids
            .iter()
            .map(|bid| {
                let award = awards
                    .iter()
                    .find(|award| award["bidId"] == json!(bid.id))
                    .expect("an award per participant");
                contracts
                    .iter()
                    .find(|contract| contract["awardId"] == award["id"])
                    .map_or_else(
                        || "-".to_owned(),
                        |c| c["status"].as_str().expect("status").to_owned(),
                    )
            })
            .collect()
    }

    /// Checks the statuses of every award and contract (U1, U2, …).
    pub async fn expect(&self, awards: &[&str], contracts: &[&str]) {
        assert_eq!(self.awards().await, awards, "award statuses");
        assert_eq!(self.contracts().await, contracts, "contract statuses");
    }

    /// Quantities sold or being sold (award `pending` or `active`) per
    /// participant, 0 otherwise.
    pub async fn allocation(&self) -> Vec<Decimal> {
        let awards = self.list("awards").await;
        self.bids
            .iter()
            .map(|bid| {
                let award = awards
                    .iter()
                    .find(|award| award["bidId"] == json!(bid.id))
                    .expect("an award per participant");
                match award["status"].as_str() {
                    Some("pending" | "active") => decimal(&award["items"][0]["quantity"]),
                    _ => Decimal::ZERO,
                }
            })
            .collect()
    }

    /// Uploads a document body and attaches it to `target` (`/awards/{id}`
    /// or `/contracts/{id}`) as the Organizer.
    async fn attach(&self, target: &str, document_type: &str) {
        let mut document = self
            .server
            .upload(
                &format!("{document_type}.pdf"),
                "application/pdf",
                b"%PDF-1.4 signed",
            )
            .await;
        document["documentType"] = json!(document_type);
        let (status, _, body) = self
            .server
            .post(
                &self.sale.owned(&format!("{target}/documents")),
                Some(BROKER_KEY),
                Some(json!({ "data": document })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    async fn patch_award(
        &self,
        u: usize,
        key: &str,
        token: &str,
        edit: Json,
    ) -> (StatusCode, Json) {
        let award_id = self.award_id(u).await;
        let (status, _, body) = self
            .server
            .patch(
                &format!("{}/awards/{award_id}?acc_token={token}", self.sale.path),
                Some(key),
                Some(json!({ "data": edit })),
            )
            .await;
        (status, body)
    }

    /// "Qualify": the `auctionProtocol`, then `pending → active`.
    pub async fn qualify(&self, u: usize) {
        let award_id = self.award_id(u).await;
        self.attach(&format!("/awards/{award_id}"), "auctionProtocol")
            .await;
        let (status, body) = self
            .patch_award(u, BROKER_KEY, &self.sale.token, json!({"status": "active"}))
            .await;
        assert_eq!(status, StatusCode::OK, "qualify U{u}: {body}");
    }

    /// "Disqualify": the `rejectionProtocol` and a reason, `→ unsuccessful`.
    pub async fn disqualify(&self, u: usize) {
        let award_id = self.award_id(u).await;
        self.attach(&format!("/awards/{award_id}"), "rejectionProtocol")
            .await;
        let (status, body) = self
            .patch_award(
                u,
                BROKER_KEY,
                &self.sale.token,
                json!({"status": "unsuccessful", "terminationReason": "protocolNotSigned"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "disqualify U{u}: {body}");
    }

    /// "Sign C": the `contractSigned` document, then `pending → active`.
    pub async fn sign(&self, u: usize) {
        let contract = self.contract(u).await.expect("contract");
        let contract_id = contract["id"].as_str().expect("contract id");
        self.attach(&format!("/contracts/{contract_id}"), "contractSigned")
            .await;
        let (status, _, body) = self
            .server
            .patch(
                &self.sale.owned(&format!("/contracts/{contract_id}")),
                Some(BROKER_KEY),
                Some(json!({"data": {"status": "active"}})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "sign C{u}: {body}");
    }

    /// The conditional winner `u` accepts `quantity` of the remainder.
    pub async fn accept(&self, u: usize, quantity: Json) -> (StatusCode, Json) {
        let token = self.bids[u - 1].token.clone();
        self.patch_award(
            u,
            OTHER_KEY,
            &token,
            json!({"status": "pending", "quantity": quantity}),
        )
        .await
    }

    /// The conditional winner `u` refuses the offer.
    pub async fn refuse(&self, u: usize) {
        let token = self.bids[u - 1].token.clone();
        let (status, body) = self
            .patch_award(u, OTHER_KEY, &token, json!({"status": "cancelled"}))
            .await;
        assert_eq!(status, StatusCode::OK, "U{u} refuses: {body}");
    }

    /// The Organizer completes the procedure.
    pub async fn complete(&self) -> (StatusCode, Json) {
        let (status, _, body) = self
            .server
            .patch(
                &self.sale.owned(""),
                Some(BROKER_KEY),
                Some(json!({"data": {"status": "complete"}})),
            )
            .await;
        (status, body)
    }
}
