//! Given / when / then tests of the multi-award sale rules: every test
//! vector of spec §5 (TV-A*, TV-B*, TV-D*) at the decider level, checking
//! every award's and contract's status after every step and the final
//! allocation; bad input; disclosure. The property tests are in
//! `proptests.rs`.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use super::*;
use crate::procurement::{DocumentInput, Refusal, RefusalKind};
use crate::{Context, Decider, DomainEvent, Id, IdSource, Published, Scheduled};

pub(super) struct Counter(AtomicU64);

impl IdSource for Counter {
    fn next_id(&self) -> Id {
        Id::from_u128(self.0.fetch_add(1, Ordering::Relaxed) as u128 + 1)
    }
}

/// 2024-03-01 (Friday) 10:00 UTC: publication.
pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 10, 0, 0)
        .single()
        .expect("valid time")
}

/// 2024-03-04 (Monday) 10:00 UTC: the tender period's end.
pub(super) fn tender_end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0)
        .single()
        .expect("valid time")
}

const OWNER_TOKEN: &str = "owner-token";

pub(super) fn owner() -> Actor {
    Actor::broker("broker-a", Some(OWNER_TOKEN))
}

pub(super) fn bidder_actor(firm: &str) -> Actor {
    Actor::broker("broker-b", Some(&format!("bid-token-{firm}")))
}

pub(super) fn auction() -> Actor {
    Actor::auction_service("auction")
}

pub(super) fn organization(id: &str) -> Json {
    json!({
        "name": format!("ТОВ {id}"),
        "identifier": {"scheme": "UA-EDR", "id": id, "legalName": format!("ТОВ {id}")},
        "address": {
            "countryName": "Україна",
            "region": "Київ",
            "locality": "Київ",
            "streetAddress": "вул. Хрещатик, 1"
        },
        "contactPoint": {"name": "Контакт", "email": "a@example.com", "telephone": "+380440000000"}
    })
}

pub(super) fn procedure_json(quantity: Json, minimal_part: Json, min_price: Json) -> Json {
    json!({
        "sellingMethod": "basicSell-multiAwards",
        "sellingEntity": organization("00000001"),
        "lotId": "LOT-1",
        "title": {"uk_UA": "Продаж пшениці частинами"},
        "description": {"uk_UA": "Пшениця 3 класу"},
        "value": {"amount": min_price, "currency": "UAH"},
        "minimalPart": minimal_part,
        "items": [{
            "description": "Пшениця",
            "classification": {"scheme": "CAV", "id": "03211100-4"},
            "quantity": quantity,
            "unit": {"code": "TNE", "name": "тонна"}
        }],
        "tenderPeriod": {"endDate": "2024-03-04T12:00:00+02:00"}
    })
}

pub(super) fn create_command(input: Json) -> Command {
    Command::Create {
        actor: Actor::broker("broker-a", None),
        id: "5af2c4e0d7b24d0e9b3c1a2f8e7d6c5b".into(),
        auction_id: "BSM001-UA-20240301-00001".into(),
        procedure: Box::new(serde_json::from_value(input).expect("valid procedure input")),
        config: Config::default(),
        owner_token_hash: OWNER_TOKEN.into(),
    }
}

pub(super) fn bid_command(firm: &str, quantity: Json, price: Json) -> Command {
    Command::SubmitBid {
        actor: Actor::broker("broker-b", None),
        bid: Box::new(
            serde_json::from_value(json!({
                "bidders": [organization(firm)],
                "value": {"amount": price, "currency": "UAH"},
                "quantity": quantity
            }))
            .expect("valid bid"),
        ),
        token_hash: format!("bid-token-{firm}"),
    }
}

pub(super) fn document(kind: &str) -> Box<DocumentInput> {
    Box::new(
        serde_json::from_value(json!({
            "title": format!("{kind}.pdf"),
            "url": "https://ds.example/doc",
            "hash": "md5:00000000000000000000000000000000",
            "format": "application/pdf",
            "documentType": kind
        }))
        .expect("valid document"),
    )
}

pub(super) fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

pub(super) struct Given {
    pub state: State,
    ids: Counter,
    pub now: DateTime<Utc>,
    /// Bid ids in the order they were submitted: U1, U2, …
    pub bids: Vec<String>,
    /// The firm (identifier) of each bid, for acting as its owner.
    pub firms: Vec<String>,
}

impl Given {
    pub fn nothing() -> Self {
        Given {
            state: State::default(),
            ids: Counter(AtomicU64::new(0)),
            now: t0(),
            bids: Vec::new(),
            firms: Vec::new(),
        }
    }

    pub fn when(&self, command: Command) -> Result<Vec<Event>, Refusal> {
        let context = Context::new(self.now, &self.ids);
        MultiAwardSale::decide(&self.state, &command, &context)
    }

    /// Decides and folds the events in; panics on a refusal. Every event
    /// must survive the store's JSON round trip.
    pub fn apply(&mut self, command: Command) -> Vec<Event> {
        let events = match self.when(command) {
            Ok(events) => events,
            Err(refusal) => panic!("command refused: {refusal}"),
        };
        for event in &events {
            let data = event.to_data();
            let decoded = Event::decode(event.event_type(), 1, &data).expect("event decodes");
            assert_eq!(&decoded, event);
            self.state = MultiAwardSale::evolve(std::mem::take(&mut self.state), event);
        }
        self.now += Duration::minutes(1);
        events
    }

    /// A sale of `quantity` with `minimal_part` and minimal price, published.
    pub fn sale(quantity: i64, minimal_part: i64, min_price: i64) -> Self {
        let mut given = Given::nothing();
        given.apply(create_command(procedure_json(
            json!(quantity),
            json!(minimal_part),
            json!(min_price),
        )));
        given
    }

    pub fn procedure(&self) -> &Procedure {
        self.state.procedure.as_ref().expect("procedure exists")
    }

    pub fn bid(&mut self, quantity: Json, price: Json) -> String {
        let firm = format!("{:08}", 10 + self.bids.len());
        let events = self.apply(bid_command(&firm, quantity, price));
        let Some(Event::BidSubmitted { bid, .. }) = events.first() else {
            panic!("unexpected {events:?}");
        };
        self.bids.push(bid.id.clone());
        self.firms.push(firm);
        bid.id.clone()
    }

    /// The scheduler at the tender period's end.
    pub fn end_tendering(&mut self) -> Vec<Event> {
        self.now = tender_end();
        self.apply(Command::CheckDue)
    }

    /// The auction module reports every bid at its own price, unraised.
    pub fn auction_unraised(&mut self) -> Vec<Event> {
        let results = self
            .procedure()
            .bids
            .iter()
            .filter(|b| b.status == BidStatus::Active)
            .map(|b| AuctionResult {
                bid_id: b.id.clone(),
                value: b.value.amount,
                date: self.now,
            })
            .collect();
        self.now += Duration::hours(1);
        self.apply(Command::RecordAuctionResults {
            actor: auction(),
            results,
        })
    }

    /// Published, the given `(quantity, price)` bids placed as U1, U2, …,
    /// the tender period over, and (for two or more bids) the auction
    /// reported with every price unchanged.
    pub fn qualification(
        quantity: i64,
        minimal_part: i64,
        min_price: i64,
        bids: &[(i64, i64)],
    ) -> Self {
        let mut given = Given::sale(quantity, minimal_part, min_price);
        for &(q, p) in bids {
            given.bid(json!(q), json!(p));
        }
        given.end_tendering();
        if bids.len() > 1 {
            given.auction_unraised();
        }
        given
    }

    /// The award of participant `u` (1-based, in submission order).
    pub fn award(&self, u: usize) -> &Award {
        let bid_id = &self.bids[u - 1];
        self.procedure()
            .awards
            .iter()
            .find(|a| &a.bid_id == bid_id)
            .expect("award of bid")
    }

    pub fn contract(&self, u: usize) -> Option<&Contract> {
        let award_id = &self.award(u).id;
        self.procedure()
            .contracts
            .iter()
            .find(|c| &c.award_id == award_id)
    }

    pub fn bid_owner(&self, u: usize) -> Actor {
        bidder_actor(&self.firms[u - 1])
    }

    fn award_command(&self, u: usize, actor: Actor, edit: Json) -> Command {
        Command::EditAward {
            actor,
            award_id: self.award(u).id.clone(),
            edit: serde_json::from_value(edit).expect("valid award edit"),
        }
    }

    fn award_document(&self, u: usize, kind: &str) -> Command {
        Command::AddDocument {
            actor: owner(),
            target: Target::Award(self.award(u).id.clone()),
            document: document(kind),
        }
    }

    /// "Qualify": upload `auctionProtocol`, then `pending → active`.
    pub fn qualify(&mut self, u: usize) -> Vec<Event> {
        self.apply(self.award_document(u, "auctionProtocol"));
        self.apply(self.award_command(u, owner(), json!({"status": "active"})))
    }

    /// "Disqualify": upload `rejectionProtocol`, set the reason, `→ unsuccessful`.
    pub fn disqualify(&mut self, u: usize) -> Vec<Event> {
        self.apply(self.award_document(u, "rejectionProtocol"));
        self.apply(self.award_command(
            u,
            owner(),
            json!({"status": "unsuccessful", "terminationReason": "protocolNotSigned"}),
        ))
    }

    /// "Sign C": upload `contractSigned`, then contract `pending → active`.
    pub fn sign(&mut self, u: usize) -> Vec<Event> {
        let contract_id = self.contract(u).expect("contract").id.clone();
        self.apply(Command::AddDocument {
            actor: owner(),
            target: Target::Contract(contract_id.clone()),
            document: document("contractSigned"),
        });
        self.apply(Command::EditContract {
            actor: owner(),
            contract_id,
            edit: ContractEdit {
                status: Some("active".into()),
            },
        })
    }

    pub fn accept_command(&self, u: usize, quantity: Json) -> Command {
        self.award_command(
            u,
            self.bid_owner(u),
            json!({"status": "pending", "quantity": quantity}),
        )
    }

    pub fn refuse(&mut self, u: usize) -> Vec<Event> {
        self.apply(self.award_command(u, self.bid_owner(u), json!({"status": "cancelled"})))
    }

    pub fn complete_command(&self) -> Command {
        Command::Edit {
            actor: owner(),
            edit: Box::new(ProcedureEdit {
                status: Some("complete".into()),
                ..ProcedureEdit::default()
            }),
        }
    }

    /// Award statuses of U1, U2, …
    pub fn awards(&self) -> Vec<&'static str> {
        (1..=self.bids.len())
            .map(|u| self.award(u).status.as_str())
            .collect()
    }

    /// Contract statuses of U1, U2, … (`-` when there is none).
    pub fn contracts(&self) -> Vec<&'static str> {
        (1..=self.bids.len())
            .map(|u| self.contract(u).map_or("-", |c| c.status.as_str()))
            .collect()
    }

    pub fn status(&self) -> &'static str {
        self.procedure().status.as_str()
    }

    pub fn remainder(&self) -> Decimal {
        self.procedure().remainder()
    }

    pub fn quantity(&self, u: usize) -> Decimal {
        self.award(u).quantity()
    }

    /// Quantities of the awards that are sold or being sold (pending or
    /// active), per participant (0 otherwise).
    pub fn allocation(&self) -> Vec<Decimal> {
        (1..=self.bids.len())
            .map(|u| {
                let award = self.award(u);
                if award.status.is_allocated() {
                    award.quantity()
                } else {
                    Decimal::ZERO
                }
            })
            .collect()
    }

    /// Moves the clock to the end of the qualification period and runs
    /// the scheduler.
    pub fn qualification_period_ends(&mut self) -> Vec<Event> {
        self.now = self
            .procedure()
            .qualification_period
            .as_ref()
            .and_then(|p| p.end_date)
            .expect("qualification period end");
        self.apply(Command::CheckDue)
    }
}

fn refusal(result: Result<Vec<Event>, Refusal>) -> Refusal {
    result.expect_err("command refused")
}

fn assert_invalid(result: Result<Vec<Event>, Refusal>, field: &str) {
    let refusal = refusal(result);
    assert_eq!(
        (refusal.kind, refusal.name.as_str()),
        (RefusalKind::Invalid, field),
        "{refusal}"
    );
}

fn assert_forbidden(result: Result<Vec<Event>, Refusal>) {
    let refusal = refusal(result);
    assert_eq!(refusal.kind, RefusalKind::Forbidden, "{refusal}");
}

fn types(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(DomainEvent::event_type).collect()
}

// ------------------------------------------------------------- publication

#[test]
fn publication_sets_server_fields() {
    let given = Given::sale(1000, 200, 100);
    let procedure = given.procedure();
    assert_eq!(procedure.status, ProcedureStatus::ActiveTendering);
    assert_eq!(procedure.owner, "broker-a");
    assert_eq!(procedure.auction_id, "BSM001-UA-20240301-00001");
    assert_eq!(procedure.tender_period.start_date, Some(t0()));
    assert_eq!(procedure.min_number_of_qualified_bids, 1);
    assert!(!procedure.value.value_added_tax_included);
    assert_eq!(procedure.minimal_step.amount.to_string(), "0.01");
    assert_eq!(
        procedure.value.value_per.as_ref().map(|u| u.code.as_str()),
        Some("TNE")
    );
    assert!(
        procedure.items[0]
            .id
            .as_deref()
            .is_some_and(|id| id.len() == 32)
    );
    assert_eq!(next_check(&given.state), Some(tender_end()));
    let envelope = MultiAwardSale::public_envelope(&given.state).expect("document");
    let data = &envelope["data"];
    assert_eq!(data["status"], json!("active_tendering"));
    assert_eq!(data["sellingMethod"], json!("basicSell-multiAwards"));
    assert_eq!(data["minimalPart"], json!(200.0));
    assert_eq!(data["items"][0]["quantity"], json!(1000.0));
    assert_eq!(data["value"]["amount"], json!(100.0));
    assert_eq!(data["title"]["uk_UA"], json!("Продаж пшениці частинами"));
    assert_eq!(data["datePublished"], json!("2024-03-01T12:00:00+02:00"));
    assert_eq!(data["next_check"], json!("2024-03-04T12:00:00+02:00"));
    assert_eq!(envelope["config"]["qualificationPeriodDays"], json!(20));
    assert_eq!(envelope["config"]["admissionPeriodDays"], json!(5));
    assert_eq!(MultiAwardSale::KIND, "basicSell-multiAwards");
}

// ------------------------------------------------------------ tender end

#[test]
fn no_bids_makes_the_procedure_unsuccessful() {
    let mut given = Given::sale(1000, 200, 100);
    let early = given.when(Command::CheckDue).expect("accepted");
    assert!(early.is_empty(), "nothing due before the end");
    let events = given.end_tendering();
    assert_eq!(types(&events), ["TenderingEnded", "ProcedureStatusChanged"]);
    assert_eq!(given.status(), "unsuccessful");
    assert_eq!(next_check(&given.state), None);
    assert!(given.when(Command::CheckDue).expect("accepted").is_empty());
}

#[test]
fn one_bid_goes_to_qualification_without_an_auction() {
    let mut given = Given::sale(1000, 200, 100);
    given.bid(json!(300), json!(120));
    let events = given.end_tendering();
    assert_eq!(
        types(&events),
        [
            "TenderingEnded",
            "QualificationStarted",
            "BidsDisclosed",
            "AwardCreated"
        ]
    );
    assert_eq!(given.status(), "active_qualification");
    assert_eq!(given.awards(), ["pending"]);
    assert!(given.procedure().auction_period.is_none());
    let period = given
        .procedure()
        .qualification_period
        .clone()
        .expect("period");
    // Q7: from the tender period's end; 20 business days later.
    assert_eq!(period.start_date, Some(tender_end()));
    assert_eq!(
        period.end_date.map(crate::time::format_kyiv),
        Some("2024-04-01T12:00:00+03:00".to_owned())
    );
    assert!(given.when(Command::CheckDue).expect("accepted").is_empty());
}

#[test]
fn one_bid_is_unsuccessful_when_two_are_required() {
    let mut input = procedure_json(json!(1000), json!(200), json!(100));
    input["minNumberOfQualifiedBids"] = json!(2);
    let mut given = Given::nothing();
    given.apply(create_command(input));
    given.bid(json!(300), json!(120));
    given.end_tendering();
    assert_eq!(given.status(), "unsuccessful");
    assert!(given.procedure().awards.is_empty());
}

#[test]
fn two_bids_start_the_auction() {
    let mut given = Given::sale(1000, 200, 100);
    given.bid(json!(300), json!(120));
    given.bid(json!(400), json!(110));
    let events = given.end_tendering();
    assert_eq!(types(&events), ["TenderingEnded", "AuctionStarted"]);
    assert_eq!(given.status(), "active_auction");
    assert_eq!(
        given
            .procedure()
            .auction_period
            .as_ref()
            .and_then(|p| p.start_date),
        Some(tender_end())
    );
    assert_eq!(next_check(&given.state), None, "the auction module is next");
    let events = given.auction_unraised();
    assert_eq!(
        types(&events),
        [
            "AuctionResultsRecorded",
            "QualificationStarted",
            "BidsDisclosed",
            "AwardCreated",
            "AwardCreated"
        ]
    );
    assert_eq!(given.status(), "active_qualification");
    let procedure = given.procedure();
    assert_eq!(
        procedure
            .qualification_period
            .as_ref()
            .and_then(|p| p.start_date),
        procedure.auction_period.as_ref().and_then(|p| p.end_date)
    );
    assert_eq!(
        procedure.bids[0].initial_value_amount,
        Some(procedure.bids[0].value.amount)
    );
}

// ------------------------------------------------- TV-A: award status table

#[test]
fn tv_a1_promotion_after_disqualification_fits() {
    let mut g = Given::qualification(1000, 100, 100, &[(700, 120), (200, 110), (400, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(100));
    let events = g.disqualify(1);
    assert_eq!(types(&events), ["AwardDisqualified", "AwardPromoted"]);
    assert!(matches!(&events[1], Event::AwardPromoted { remainder, .. } if *remainder == d(800)));
    assert_eq!(g.awards(), ["unsuccessful", "pending", "pending"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.remainder(), d(400));
    assert_eq!(g.allocation(), [d(0), d(200), d(400)]);
    assert_eq!(g.status(), "active_qualification");
    assert!(g.award(3).signing_period.is_some());
}

#[test]
fn tv_a2_promotion_does_not_fit_then_conditional_winner() {
    let mut g = Given::qualification(1000, 100, 100, &[(100, 120), (200, 110), (900, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    let events = g.disqualify(1);
    assert_eq!(types(&events), ["AwardDisqualified"]);
    assert_eq!(g.awards(), ["unsuccessful", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(800));
    g.qualify(2);
    assert_eq!(g.awards(), ["unsuccessful", "active", "pending_waiting"]);
    assert_eq!(g.contracts(), ["-", "pending", "-"]);
    assert_eq!(g.status(), "active_awarded");
    let events = g.sign(2);
    assert_eq!(
        types(&events),
        [
            "ContractSigned",
            "ConditionalWinnerChosen",
            "ProcedureStatusChanged"
        ]
    );
    assert_eq!(g.awards(), ["unsuccessful", "active", "pending_admission"]);
    assert_eq!(g.contracts(), ["-", "active", "-"]);
    assert_eq!(g.status(), "active_qualification");
    // U3 may accept any quantity in [100, 800].
    assert_invalid(g.when(g.accept_command(3, json!(99))), "quantity");
    assert_invalid(g.when(g.accept_command(3, json!(801))), "quantity");
    g.when(g.accept_command(3, json!(100)))
        .expect("lower bound");
    g.apply(g.accept_command(3, json!(800)));
    assert_eq!(g.awards(), ["unsuccessful", "active", "pending"]);
    assert_eq!(g.quantity(3), d(800));
    assert_eq!(g.remainder(), d(0));
    assert_eq!(g.allocation(), [d(0), d(200), d(800)]);
}

#[test]
fn tv_a3_last_bid_does_not_fit() {
    let g = Given::qualification(1000, 100, 100, &[(700, 120), (200, 110), (200, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.remainder(), d(100));
    assert_eq!(g.allocation(), [d(700), d(200), d(0)]);
}

#[test]
fn tv_a4_first_bid_takes_everything() {
    let mut g = Given::qualification(1000, 100, 100, &[(1000, 120), (800, 110), (700, 100)]);
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    assert_eq!(g.remainder(), d(0));
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending_waiting", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    let events = g.sign(1);
    assert_eq!(
        types(&events),
        [
            "ContractSigned",
            "WaitingAwardCancelled",
            "WaitingAwardCancelled"
        ]
    );
    assert_eq!(g.awards(), ["active", "cancelled", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
    assert_eq!(g.allocation(), [d(1000), d(0), d(0)]);
}

// -------------------------------------------------- TV-B: the BSM examples

/// Q = 1000, minPrice 100, minimalPart 200 (common setup of B1–B4).
fn b_setup(bids: &[(i64, i64)]) -> Given {
    Given::qualification(1000, 200, 100, bids)
}

#[test]
fn tv_b1_everything_fits() {
    let mut g = b_setup(&[(200, 120), (300, 110), (400, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending"]);
    assert_eq!(g.remainder(), d(100));
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    g.qualify(2);
    assert_eq!(g.awards(), ["active", "active", "pending"]);
    assert_eq!(g.contracts(), ["pending", "pending", "-"]);
    g.qualify(3);
    assert_eq!(g.awards(), ["active", "active", "active"]);
    assert_eq!(g.contracts(), ["pending", "pending", "pending"]);
    g.sign(1);
    assert_eq!(g.contracts(), ["active", "pending", "pending"]);
    assert_refused_complete(&g);
    g.sign(2);
    assert_eq!(g.contracts(), ["active", "active", "pending"]);
    let events = g.sign(3);
    assert_eq!(types(&events), ["ContractSigned"], "no conditional winner");
    assert_eq!(g.awards(), ["active", "active", "active"]);
    assert_eq!(g.contracts(), ["active", "active", "active"]);
    assert_eq!(g.status(), "active_awarded");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
    assert_eq!(g.allocation(), [d(200), d(300), d(400)]);
    assert_eq!(g.remainder(), d(100), "100 remains with the Organizer");
    let contract = g.contract(3).expect("contract");
    assert_eq!(contract.value.amount.decimal(), d(100));
    assert_eq!(
        contract
            .contract_total_value
            .as_ref()
            .map(|v| v.amount.decimal()),
        Some(d(40000))
    );
    assert!(contract.date_signed.is_some());
}

fn assert_refused_complete(g: &Given) {
    let refusal = refusal(g.when(g.complete_command()));
    assert_eq!(refusal.kind, RefusalKind::Forbidden, "{refusal}");
}

#[test]
fn tv_b2_remainder_below_minimal_part_cancels_the_waiting_award() {
    let mut g = b_setup(&[(500, 120), (400, 110), (800, 100)]);
    // Step 0
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.remainder(), d(100));
    // Step 1
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 2
    g.qualify(2);
    assert_eq!(g.awards(), ["active", "active", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "pending", "-"]);
    // Step 3: T2 not ready, C2 pending
    g.sign(1);
    assert_eq!(g.awards(), ["active", "active", "pending_waiting"]);
    assert_eq!(g.contracts(), ["active", "pending", "-"]);
    // Step 4: T2 ready, 100 >= 200? no
    let events = g.sign(2);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::WaitingAwardCancelled {
            reason: WaitingCancelReason::RemainderBelowMinimalPart,
            remainder,
            ..
        } if *remainder == d(100)
    )));
    assert_eq!(g.awards(), ["active", "active", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "active", "-"]);
    assert_eq!(g.allocation(), [d(500), d(400), d(0)]);
    assert_eq!(g.remainder(), d(100));
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}

fn b3_until_conditional_winner() -> Given {
    let mut g = b_setup(&[(500, 120), (400, 110), (800, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(100));
    // Step 1
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    // Step 2: promotion check R = 500, U3 wants 800 → stays waiting
    let events = g.disqualify(2);
    assert_eq!(types(&events), ["AwardDisqualified"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 3: T2 ready, R = 500 >= 200 → U3 offered 500
    let events = g.sign(1);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::ConditionalWinnerChosen {
            trigger: ChoiceTrigger::WinnersSigned,
            remainder,
            ..
        } if *remainder == d(500)
    )));
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending_admission"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.status(), "active_qualification");
    g
}

#[test]
fn tv_b3_conditional_winner_accepts() {
    let mut g = b3_until_conditional_winner();
    // Validation sub-vectors: 199 and 501 refused; 200 and 500 accepted.
    assert_invalid(g.when(g.accept_command(3, json!(199))), "quantity");
    assert_invalid(g.when(g.accept_command(3, json!(501))), "quantity");
    g.when(g.accept_command(3, json!(200)))
        .expect("200 is fine");
    // Step 4a
    g.apply(g.accept_command(3, json!(500)));
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.quantity(3), d(500));
    assert_eq!(g.award(3).value.amount.decimal(), d(100), "price stays");
    // Step 5a
    g.qualify(3);
    assert_eq!(g.awards(), ["active", "unsuccessful", "active"]);
    assert_eq!(g.contracts(), ["active", "-", "pending"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 6a
    g.sign(3);
    assert_eq!(g.awards(), ["active", "unsuccessful", "active"]);
    assert_eq!(g.contracts(), ["active", "-", "active"]);
    assert_eq!(g.allocation(), [d(500), d(0), d(500)]);
    assert_eq!(g.remainder(), d(0));
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}

#[test]
fn tv_b3_conditional_winner_refuses() {
    let mut g = b3_until_conditional_winner();
    // Step 4b
    let events = g.refuse(3);
    assert_eq!(types(&events), ["AdmissionRefused"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.allocation(), [d(500), d(0), d(0)]);
    assert_eq!(g.remainder(), d(500));
    assert_eq!(next_check(&g.state), None);
    // Q8: complete from active_qualification.
    assert_eq!(g.status(), "active_qualification");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}

#[test]
fn tv_b3_silent_refusal() {
    let mut g = b3_until_conditional_winner();
    let end = g
        .award(3)
        .admission_period
        .as_ref()
        .and_then(|p| p.end_date)
        .expect("admission period end");
    let start = g
        .award(3)
        .admission_period
        .as_ref()
        .and_then(|p| p.start_date)
        .expect("admission period start");
    assert_eq!(
        end,
        crate::calendar::Calendar::ukraine().add_working_days(start, 5)
    );
    assert_eq!(next_check(&g.state), Some(end));
    g.now = end - Duration::seconds(1);
    assert!(g.when(Command::CheckDue).expect("accepted").is_empty());
    g.now = end;
    // An answer after the end is refused even before the scheduler runs.
    assert_forbidden(g.when(g.accept_command(3, json!(500))));
    let events = g.apply(Command::CheckDue);
    assert_eq!(types(&events), ["AdmissionExpired"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert!(g.when(Command::CheckDue).expect("accepted").is_empty());
    assert_eq!(g.allocation(), [d(500), d(0), d(0)]);
}

#[test]
fn tv_b4_promotion_then_contract_stage_disqualification() {
    let mut g = b_setup(&[(400, 120), (500, 110), (300, 100)]);
    // Step 0
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(100));
    // Step 1
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    // Step 2: R = 600, 300 fits → U3 pending
    let events = g.disqualify(2);
    assert_eq!(types(&events), ["AwardDisqualified", "AwardPromoted"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 3: T2 not ready (U3 pending)
    let events = g.sign(1);
    assert_eq!(types(&events), ["ContractSigned", "ProcedureStatusChanged"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.status(), "active_qualification");
    // Step 4
    g.qualify(3);
    assert_eq!(g.awards(), ["active", "unsuccessful", "active"]);
    assert_eq!(g.contracts(), ["active", "-", "pending"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 5: contract-stage disqualification of U3
    let events = g.disqualify(3);
    assert_eq!(types(&events), ["AwardDisqualified", "ContractCancelled"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "unsuccessful"]);
    assert_eq!(g.contracts(), ["active", "-", "cancelled"]);
    assert_eq!(g.allocation(), [d(400), d(0), d(0)]);
    assert_eq!(g.remainder(), d(600));
    assert_eq!(g.status(), "active_awarded");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}

// ------------------------------------------------------ TV-D: derived ones

#[test]
fn tv_d1_ranking_tie_break_by_auction_raise_time() {
    let mut g = Given::sale(1000, 100, 100);
    let x = g.bid(json!(100), json!(150));
    let y = g.bid(json!(100), json!(120));
    let z = g.bid(json!(100), json!(110));
    g.end_tendering();
    let start = g.now;
    g.now += Duration::minutes(10);
    g.apply(Command::RecordAuctionResults {
        actor: auction(),
        results: vec![
            AuctionResult {
                bid_id: y.clone(),
                value: "150".parse().expect("amount"),
                date: start + Duration::minutes(5),
            },
            AuctionResult {
                bid_id: z.clone(),
                value: "150".parse().expect("amount"),
                date: start + Duration::minutes(3),
            },
            AuctionResult {
                bid_id: x.clone(),
                value: "150".parse().expect("amount"),
                // Ignored: X was not raised, its dateModified counts.
                date: start + Duration::minutes(1),
            },
        ],
    });
    let order: Vec<&str> = g
        .procedure()
        .awards
        .iter()
        .map(|a| a.bid_id.as_str())
        .collect();
    assert_eq!(order, [x.as_str(), z.as_str(), y.as_str()]);
}

#[test]
fn tv_d2_two_non_updaters_tie_on_date_modified() {
    let mut g = Given::sale(1000, 100, 100);
    let a = g.bid(json!(100), json!(150));
    let b = g.bid(json!(100), json!(150));
    // A is changed later than B: its dateModified is now the later one.
    g.apply(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: a.clone(),
        edit: Box::new(BidEdit {
            quantity: Some("110".parse().expect("amount")),
            ..BidEdit::default()
        }),
    });
    g.end_tendering();
    g.auction_unraised();
    let order: Vec<&str> = g
        .procedure()
        .awards
        .iter()
        .map(|a| a.bid_id.as_str())
        .collect();
    assert_eq!(order, [b.as_str(), a.as_str()]);
}

#[test]
fn tv_d3_no_skipping_at_allocation() {
    let g = Given::qualification(1000, 100, 100, &[(700, 130), (400, 120), (200, 110)]);
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    assert_eq!(g.allocation(), [d(700), d(0), d(0)]);
    assert_eq!(g.remainder(), d(300));
}

#[test]
fn tv_d4_qualification_period_end_with_winners_still_pending() {
    let mut g = Given::qualification(1000, 200, 100, &[(600, 120), (500, 110), (300, 100)]);
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    let end = g
        .procedure()
        .qualification_period
        .as_ref()
        .and_then(|p| p.end_date)
        .expect("end");
    assert_eq!(next_check(&g.state), Some(end));
    let events = g.qualification_period_ends();
    assert_eq!(
        types(&events),
        ["ConditionalWinnerChosen", "WaitingAwardCancelled"]
    );
    assert_eq!(g.awards(), ["pending", "pending_admission", "cancelled"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.status(), "active_qualification");
    assert_invalid(g.when(g.accept_command(2, json!(401))), "quantity");
    assert_invalid(g.when(g.accept_command(2, json!(199))), "quantity");
    g.apply(g.accept_command(2, json!(400)));
    assert_eq!(g.awards(), ["pending", "pending", "cancelled"]);
    assert_eq!(g.allocation(), [d(600), d(400), d(0)]);
    assert_eq!(g.remainder(), d(0));
    // Organizer inactivity changes nothing automatically.
    assert_eq!(next_check(&g.state), None);
}

#[test]
fn tv_d5_qualification_period_end_with_remainder_below_minimal_part() {
    let mut g = Given::qualification(1000, 200, 100, &[(900, 120), (300, 110)]);
    assert_eq!(g.awards(), ["pending", "pending_waiting"]);
    let events = g.qualification_period_ends();
    assert_eq!(types(&events), ["WaitingAwardCancelled"]);
    assert_eq!(g.awards(), ["pending", "cancelled"]);
    assert_eq!(g.allocation(), [d(900), d(0)]);
}

#[test]
fn tv_d6_disqualification_after_the_period_promotes_nobody() {
    let mut g = Given::qualification(1000, 200, 100, &[(900, 120), (300, 110)]);
    g.qualification_period_ends();
    assert_eq!(g.awards(), ["pending", "cancelled"]);
    let events = g.disqualify(1);
    assert_eq!(
        types(&events),
        ["AwardDisqualified", "ProcedureStatusChanged"]
    );
    assert_eq!(g.awards(), ["unsuccessful", "cancelled"]);
    assert_eq!(g.status(), "unsuccessful");
    assert_eq!(g.allocation(), [d(0), d(0)]);
}

#[test]
fn tv_d6_variant_period_over_but_scheduler_late() {
    // The period is over but T1 has not run yet: the disqualification
    // still promotes nobody.
    let mut g = Given::qualification(1000, 100, 100, &[(900, 120), (300, 110)]);
    g.now = g
        .procedure()
        .qualification_period
        .as_ref()
        .and_then(|p| p.end_date)
        .expect("end");
    let events = g.disqualify(1);
    assert!(!types(&events).contains(&"AwardPromoted"));
}

#[test]
fn tv_d7_single_promotion_per_disqualification() {
    let mut g = Given::qualification(1000, 100, 100, &[(800, 130), (300, 120), (100, 110)]);
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    let events = g.disqualify(1);
    assert_eq!(types(&events), ["AwardDisqualified", "AwardPromoted"]);
    assert_eq!(g.awards(), ["unsuccessful", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(700));
    assert_eq!(g.allocation(), [d(0), d(300), d(0)]);
}

#[test]
fn tv_d8_bid_validation() {
    let g = Given::sale(1000, 200, 100);
    assert_invalid(g.when(bid_command("1", json!(500), json!(99))), "value");
    g.when(bid_command("2", json!(500), json!(100)))
        .expect("p = 100");
    assert_invalid(g.when(bid_command("3", json!(199), json!(100))), "quantity");
    g.when(bid_command("4", json!(200), json!(100)))
        .expect("q = 200");
    g.when(bid_command("5", json!(1000), json!(100)))
        .expect("q = 1000");
    assert_invalid(
        g.when(bid_command("6", json!(1001), json!(100))),
        "quantity",
    );
    // Decimals are exact.
    g.when(bid_command("7", json!(199.99), json!(100)))
        .expect_err("199.99 < 200");
    g.when(bid_command("8", json!(999.999), json!(100.01)))
        .expect("fractions");
}

#[test]
fn tv_d9_complete_guard() {
    let mut g = Given::qualification(1000, 100, 100, &[(700, 130), (400, 120)]);
    assert_refused_complete(&g); // pending and pending_waiting awards
    g.qualify(1);
    assert_refused_complete(&g); // contract pending, award waiting
    g.sign(1);
    // T2: R = 300 ≥ 100 → U2 pending_admission.
    assert_eq!(g.awards(), ["active", "pending_admission"]);
    assert_refused_complete(&g);
    g.refuse(2);
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
    assert_forbidden(g.when(g.complete_command()));
}

#[test]
fn tv_d9_complete_needs_an_active_contract() {
    let mut g = Given::qualification(1000, 100, 100, &[(700, 130)]);
    g.qualify(1);
    assert_refused_complete(&g);
}

fn doc_json(kind: &str) -> Json {
    serde_json::to_value(*document(kind)).expect("json")
}

fn cancellation_command(documents: Vec<Json>, date: Option<&str>) -> Command {
    let mut input = json!({
        "reason": "Рішення організатора",
        "documents": documents
    });
    if let Some(date) = date {
        input["datePublished"] = json!(date);
    }
    Command::Cancel {
        actor: owner(),
        cancellation: Box::new(serde_json::from_value(input).expect("valid cancellation")),
    }
}

#[test]
fn tv_d10_cancellation() {
    let mut g = Given::qualification(1000, 100, 100, &[(700, 130), (400, 120)]);
    assert_eq!(g.status(), "active_qualification");
    assert_invalid(g.when(cancellation_command(vec![], None)), "documents");
    assert_invalid(
        g.when(cancellation_command(
            vec![doc_json("digitalSignature")],
            None,
        )),
        "documents",
    );
    assert_invalid(
        g.when(cancellation_command(vec![doc_json("act")], None)),
        "documentType",
    );
    assert_invalid(
        g.when(cancellation_command(
            vec![doc_json("cancellationDetails")],
            Some("2030-01-01T00:00:00+02:00"),
        )),
        "datePublished",
    );
    let events = g.apply(cancellation_command(
        vec![doc_json("cancellationDetails")],
        Some("2024-03-04T09:00:00+02:00"),
    ));
    assert_eq!(types(&events), ["ProcedureCancelled"]);
    assert_eq!(g.status(), "cancelled");
    let cancellation = &g.procedure().cancellations[0];
    assert_eq!(
        crate::time::format_kyiv(cancellation.date_published),
        "2024-03-04T09:00:00+02:00"
    );
    assert_eq!(next_check(&g.state), None);
    // Terminal: a second cancellation, or anything else, is refused.
    assert_forbidden(g.when(cancellation_command(
        vec![doc_json("cancellationDetails")],
        None,
    )));
    assert_forbidden(g.when(g.complete_command()));
    // A signature may still be added to the cancellation.
    let cancellation_id = cancellation.id.clone();
    g.apply(Command::AddDocument {
        actor: owner(),
        target: Target::Cancellation(cancellation_id),
        document: document("digitalSignature"),
    });
}

#[test]
fn cancellation_in_every_non_terminal_status() {
    // active_tendering
    let mut g = Given::sale(1000, 100, 100);
    g.apply(cancellation_command(
        vec![doc_json("cancellationDetails")],
        None,
    ));
    assert_eq!(g.status(), "cancelled");
    // active_auction
    let mut g = Given::sale(1000, 100, 100);
    g.bid(json!(100), json!(100));
    g.bid(json!(100), json!(100));
    g.end_tendering();
    g.apply(cancellation_command(
        vec![doc_json("cancellationDetails")],
        None,
    ));
    assert_eq!(g.status(), "cancelled");
    assert_forbidden(g.when(Command::RecordAuctionResults {
        actor: auction(),
        results: vec![],
    }));
    // active_awarded
    let mut g = Given::qualification(1000, 100, 100, &[(700, 130)]);
    g.qualify(1);
    assert_eq!(g.status(), "active_awarded");
    g.apply(cancellation_command(
        vec![doc_json("cancellationDetails")],
        None,
    ));
    assert_eq!(g.status(), "cancelled");
}

// ---------------------------------------------------------------- bad input

#[test]
fn a_second_item_is_refused() {
    let mut input = procedure_json(json!(1000), json!(100), json!(100));
    let item = input["items"][0].clone();
    input["items"] = json!([item.clone(), item]);
    assert_invalid(Given::nothing().when(create_command(input)), "items");
    let mut input = procedure_json(json!(1000), json!(100), json!(100));
    input["items"] = json!([]);
    assert_invalid(Given::nothing().when(create_command(input)), "items");
}

#[test]
fn publication_validations_name_the_field() {
    let cases: Vec<(&str, Json, &str)> = vec![
        ("/minimalPart", json!(0), "minimalPart"),
        ("/minimalPart", json!(1001), "minimalPart"),
        (
            "/sellingMethod",
            json!("basicSell-english"),
            "sellingMethod",
        ),
        ("/value/currency", json!("GBP"), "value.currency"),
        ("/value/amount", json!(0), "value.amount"),
        ("/items/0/quantity", json!(0), "items.quantity"),
        (
            "/items/0/classification/id",
            json!("45000000-7"),
            "items.classification.id",
        ),
        (
            "/items/0/classification/scheme",
            json!("CPV"),
            "items.classification.scheme",
        ),
        (
            "/tenderPeriod/endDate",
            json!("2024-02-01T00:00:00+02:00"),
            "tenderPeriod.endDate",
        ),
        ("/lotId", json!(" "), "lotId"),
        (
            "/sellingEntity/contactPoint/email",
            Json::Null,
            "sellingEntity.contactPoint.email",
        ),
        (
            "/minNumberOfQualifiedBids",
            json!(3),
            "minNumberOfQualifiedBids",
        ),
        ("/previousAuctionId", json!("REM001"), "previousAuctionId"),
    ];
    for (pointer, value, field) in cases {
        let mut input = procedure_json(json!(1000), json!(100), json!(100));
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        let target = if parent.is_empty() {
            &mut input
        } else {
            input.pointer_mut(parent).expect("parent exists")
        };
        target[key] = value;
        assert_invalid(Given::nothing().when(create_command(input)), field);
    }
}

#[test]
fn bid_validations_name_the_field() {
    let mut g = Given::sale(1000, 200, 100);
    g.bid(json!(300), json!(120));
    // A second bid by the same bidder.
    assert_invalid(
        g.when(bid_command(&g.firms[0].clone(), json!(300), json!(130))),
        "bidders",
    );
    // Another currency.
    let Command::SubmitBid {
        actor,
        mut bid,
        token_hash,
    } = bid_command("77777777", json!(300), json!(130))
    else {
        unreachable!()
    };
    bid.value.currency = "USD".into();
    assert_invalid(
        g.when(Command::SubmitBid {
            actor: actor.clone(),
            bid: bid.clone(),
            token_hash: token_hash.clone(),
        }),
        "value",
    );
    // Two bidders; an incomplete bidder.
    bid.value.currency = "UAH".into();
    let mut two = bid.clone();
    two.bidders.push(two.bidders[0].clone());
    assert_invalid(
        g.when(Command::SubmitBid {
            actor: actor.clone(),
            bid: two,
            token_hash: token_hash.clone(),
        }),
        "bidders",
    );
    let mut incomplete = bid.clone();
    incomplete.bidders[0].contact_point = None;
    assert_invalid(
        g.when(Command::SubmitBid {
            actor: actor.clone(),
            bid: incomplete.clone(),
            token_hash: token_hash.clone(),
        }),
        "bidders.contactPoint",
    );
    // A draft may be incomplete, but can't be activated so.
    incomplete.status = Some("draft".into());
    g.apply(Command::SubmitBid {
        actor,
        bid: incomplete,
        token_hash,
    });
    let draft = g.procedure().bids[1].id.clone();
    assert_invalid(
        g.when(Command::EditBid {
            actor: bidder_actor("77777777"),
            bid_id: draft,
            edit: Box::new(BidEdit {
                status: Some("active".into()),
                ..BidEdit::default()
            }),
        }),
        "bidders.contactPoint",
    );
    // Editing a bid out of bounds.
    let first = g.bids[0].clone();
    assert_invalid(
        g.when(Command::EditBid {
            actor: g.bid_owner(1),
            bid_id: first.clone(),
            edit: Box::new(BidEdit {
                quantity: Some("100".parse().expect("amount")),
                ..BidEdit::default()
            }),
        }),
        "quantity",
    );
    // Someone else's bid.
    assert_forbidden(g.when(Command::EditBid {
        actor: bidder_actor("99999999"),
        bid_id: first,
        edit: Box::new(BidEdit::default()),
    }));
}

#[test]
fn bids_after_the_tender_period_are_refused() {
    let mut g = Given::sale(1000, 200, 100);
    g.bid(json!(300), json!(120));
    g.now = tender_end();
    // Before the scheduler ran.
    assert_forbidden(g.when(bid_command("2", json!(300), json!(120))));
    g.apply(Command::CheckDue);
    assert_forbidden(g.when(bid_command("2", json!(300), json!(120))));
    assert_forbidden(g.when(Command::WithdrawBid {
        actor: g.bid_owner(1),
        bid_id: g.bids[0].clone(),
    }));
}

#[test]
fn withdrawn_bids_do_not_take_part() {
    let mut g = Given::sale(1000, 200, 100);
    g.bid(json!(300), json!(120));
    g.bid(json!(300), json!(130));
    g.apply(Command::WithdrawBid {
        actor: g.bid_owner(2),
        bid_id: g.bids[1].clone(),
    });
    // The same bidder may bid again after withdrawing.
    g.when(bid_command(&g.firms[1].clone(), json!(300), json!(130)))
        .expect("new bid after withdrawal");
    g.end_tendering();
    assert_eq!(g.status(), "active_qualification", "one bid left");
    assert_eq!(g.procedure().awards.len(), 1);
}

#[test]
fn editing_bidding_terms_deactivates_bids() {
    let mut g = Given::sale(1000, 200, 100);
    g.bid(json!(300), json!(120));
    g.bid(json!(500), json!(110));
    // A text edit keeps the bids.
    let events = g.apply(Command::Edit {
        actor: owner(),
        edit: Box::new(ProcedureEdit {
            title: Some(MultiLang::uk("Нова назва")),
            ..ProcedureEdit::default()
        }),
    });
    assert!(
        matches!(&events[0], Event::ProcedureEdited { deactivated_bids, .. } if deactivated_bids.is_empty())
    );
    // Raising the minimal part deactivates both.
    let events = g.apply(Command::Edit {
        actor: owner(),
        edit: Box::new(ProcedureEdit {
            minimal_part: Some("400".parse().expect("amount")),
            ..ProcedureEdit::default()
        }),
    });
    assert!(
        matches!(&events[0], Event::ProcedureEdited { deactivated_bids, .. } if deactivated_bids.len() == 2)
    );
    assert!(
        g.procedure()
            .bids
            .iter()
            .all(|b| b.status == BidStatus::Invalid)
    );
    // U1's 300 is now below the minimal part: it must change it to return.
    assert_invalid(
        g.when(Command::EditBid {
            actor: g.bid_owner(1),
            bid_id: g.bids[0].clone(),
            edit: Box::new(BidEdit {
                status: Some("active".into()),
                ..BidEdit::default()
            }),
        }),
        "quantity",
    );
    g.apply(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: g.bids[0].clone(),
        edit: Box::new(BidEdit {
            quantity: Some("400".parse().expect("amount")),
            ..BidEdit::default()
        }),
    });
    assert_eq!(g.procedure().bids[0].status, BidStatus::Active);
    // U2 does nothing: it does not take part.
    g.end_tendering();
    assert_eq!(g.status(), "active_qualification");
    assert_eq!(g.procedure().awards.len(), 1);
    assert_eq!(g.procedure().awards[0].bid_id, g.bids[0]);
}

#[test]
fn procedure_edits_outside_tendering_or_by_others_are_refused() {
    let mut g = Given::sale(1000, 200, 100);
    let edit = || {
        Box::new(ProcedureEdit {
            title: Some(MultiLang::uk("Інша")),
            ..ProcedureEdit::default()
        })
    };
    assert_forbidden(g.when(Command::Edit {
        actor: Actor::broker("broker-a", Some("wrong")),
        edit: edit(),
    }));
    assert_forbidden(g.when(Command::Edit {
        actor: Actor::broker("broker-x", Some(OWNER_TOKEN)),
        edit: edit(),
    }));
    assert_invalid(
        g.when(Command::Edit {
            actor: owner(),
            edit: Box::new(ProcedureEdit {
                items: Some(vec![]),
                ..ProcedureEdit::default()
            }),
        }),
        "items",
    );
    g.bid(json!(300), json!(120));
    g.end_tendering();
    assert_forbidden(g.when(Command::Edit {
        actor: owner(),
        edit: edit(),
    }));
}

#[test]
fn auction_results_only_from_the_auction_service_and_complete() {
    let mut g = Given::sale(1000, 100, 100);
    let a = g.bid(json!(300), json!(120));
    let b = g.bid(json!(400), json!(110));
    let result = |bid: &str, value: &str, date| AuctionResult {
        bid_id: bid.to_owned(),
        value: value.parse().expect("amount"),
        date,
    };
    // Not yet: still tendering.
    assert_forbidden(g.when(Command::RecordAuctionResults {
        actor: auction(),
        results: vec![],
    }));
    g.end_tendering();
    let now = g.now;
    let full = vec![result(&a, "120", now), result(&b, "130", now)];
    assert_forbidden(g.when(Command::RecordAuctionResults {
        actor: owner(),
        results: full.clone(),
    }));
    assert_invalid(
        g.when(Command::RecordAuctionResults {
            actor: auction(),
            results: vec![result(&a, "120", now)],
        }),
        "bids",
    );
    assert_invalid(
        g.when(Command::RecordAuctionResults {
            actor: auction(),
            results: vec![result(&a, "120", now), result(&a, "120", now)],
        }),
        "bids.id",
    );
    assert_invalid(
        g.when(Command::RecordAuctionResults {
            actor: auction(),
            results: vec![result(&a, "119", now), result(&b, "130", now)],
        }),
        "bids.value.amount",
    );
    assert_invalid(
        g.when(Command::RecordAuctionResults {
            actor: auction(),
            results: vec![
                result(&a, "120", now),
                result(&b, "130", now + Duration::hours(1)),
            ],
        }),
        "bids.date",
    );
    g.apply(Command::RecordAuctionResults {
        actor: auction(),
        results: full,
    });
    // B raised to 130 now ranks first.
    assert_eq!(g.procedure().awards[0].bid_id, b);
    assert_eq!(
        g.procedure().bids[1]
            .initial_value_amount
            .map(|a| a.decimal()),
        Some(d(110))
    );
}

#[test]
fn award_decisions_need_their_documents_and_party() {
    let mut g = Given::qualification(1000, 100, 100, &[(700, 130), (400, 120)]);
    let u1 = g.award(1).id.clone();
    // Activation without the protocol.
    assert_invalid(
        g.when(Command::EditAward {
            actor: owner(),
            award_id: u1.clone(),
            edit: AwardEdit {
                status: Some("active".into()),
                ..AwardEdit::default()
            },
        }),
        "documents",
    );
    // Disqualification without a document, reason or with a foreign reason.
    let disqualify = |reason: Option<&str>| Command::EditAward {
        actor: owner(),
        award_id: u1.clone(),
        edit: AwardEdit {
            status: Some("unsuccessful".into()),
            termination_reason: reason.map(str::to_owned),
            quantity: None,
        },
    };
    assert_invalid(g.when(disqualify(Some("protocolNotSigned"))), "documents");
    g.apply(Command::AddDocument {
        actor: owner(),
        target: Target::Award(u1.clone()),
        document: document("act"),
    });
    assert_invalid(g.when(disqualify(None)), "terminationReason");
    assert_invalid(g.when(disqualify(Some("because"))), "terminationReason");
    // Wrong party: the bidder, another broker, the auction service.
    assert_forbidden(g.when(Command::EditAward {
        actor: bidder_actor("99999999"),
        award_id: u1.clone(),
        edit: AwardEdit {
            status: Some("active".into()),
            ..AwardEdit::default()
        },
    }));
    assert_forbidden(g.when(Command::EditAward {
        actor: auction(),
        award_id: u1.clone(),
        edit: AwardEdit {
            status: Some("active".into()),
            ..AwardEdit::default()
        },
    }));
    // The participant can't answer while not a conditional winner.
    assert_forbidden(g.when(g.accept_command(1, json!(700))));
    // The Organizer can't disqualify a waiting award (nor add a protocol).
    let u2 = g.award(2).id.clone();
    assert_forbidden(g.when(Command::EditAward {
        actor: owner(),
        award_id: u2.clone(),
        edit: AwardEdit {
            status: Some("unsuccessful".into()),
            termination_reason: Some("protocolNotSigned".into()),
            quantity: None,
        },
    }));
    assert_forbidden(g.when(Command::AddDocument {
        actor: owner(),
        target: Target::Award(u2),
        document: document("auctionProtocol"),
    }));
    // Unknown award, bad status, foreign document type.
    assert_eq!(
        refusal(g.when(Command::EditAward {
            actor: owner(),
            award_id: "nope".into(),
            edit: AwardEdit::default(),
        }))
        .kind,
        RefusalKind::NotFound
    );
    assert_invalid(
        g.when(Command::EditAward {
            actor: owner(),
            award_id: u1.clone(),
            edit: AwardEdit {
                status: Some("cancelled".into()),
                ..AwardEdit::default()
            },
        }),
        "status",
    );
    assert_invalid(
        g.when(Command::AddDocument {
            actor: owner(),
            target: Target::Award(u1),
            document: document("contractSigned"),
        }),
        "documentType",
    );
}

#[test]
fn contracts_need_the_signed_document_and_the_owner() {
    let mut g = Given::qualification(1000, 100, 100, &[(700, 130)]);
    g.qualify(1);
    let contract_id = g.contract(1).expect("contract").id.clone();
    let sign = |actor| Command::EditContract {
        actor,
        contract_id: contract_id.clone(),
        edit: ContractEdit {
            status: Some("active".into()),
        },
    };
    assert_invalid(g.when(sign(owner())), "documents");
    g.apply(Command::AddDocument {
        actor: owner(),
        target: Target::Contract(contract_id.clone()),
        document: document("contractSigned"),
    });
    assert_forbidden(g.when(sign(g.bid_owner(1))));
    g.apply(sign(owner()));
    assert_eq!(g.contracts(), ["active"]);
    // Signed: no second signature, and no contract-stage disqualification.
    assert_forbidden(g.when(sign(owner())));
    g.apply(Command::AddDocument {
        actor: owner(),
        target: Target::Award(g.award(1).id.clone()),
        document: document("rejectionProtocol"),
    });
    assert_forbidden(g.when(Command::EditAward {
        actor: owner(),
        award_id: g.award(1).id.clone(),
        edit: AwardEdit {
            status: Some("unsuccessful".into()),
            termination_reason: Some("contractNotSigned".into()),
            quantity: None,
        },
    }));
}

#[test]
fn disqualifying_every_winner_makes_the_procedure_unsuccessful() {
    let mut g = Given::qualification(1000, 100, 100, &[(1000, 130)]);
    let events = g.disqualify(1);
    assert_eq!(
        types(&events),
        ["AwardDisqualified", "ProcedureStatusChanged"]
    );
    assert_eq!(g.status(), "unsuccessful");
}

#[test]
fn conditional_winner_quantity_follows_the_current_remainder() {
    // Q25: U1 still pending at T1; U2 offered 400; U1 then disqualified:
    // the remainder grows to 1000, recomputed at the answer, capped by
    // U2's own bid (500) — and nobody else is promoted.
    let mut g = Given::qualification(1000, 200, 100, &[(600, 120), (500, 110), (300, 100)]);
    g.qualification_period_ends();
    assert_eq!(g.awards(), ["pending", "pending_admission", "cancelled"]);
    let events = g.disqualify(1);
    assert_eq!(types(&events), ["AwardDisqualified"]);
    assert_eq!(g.remainder(), d(1000));
    // Never more than the bid asked for.
    assert_invalid(g.when(g.accept_command(2, json!(501))), "quantity");
    g.apply(g.accept_command(2, json!(500)));
    assert_eq!(g.awards(), ["unsuccessful", "pending", "cancelled"]);
    assert_eq!(g.allocation(), [d(0), d(500), d(0)]);
}

#[test]
fn refusals_name_their_field_and_produce_no_events() {
    let g = Given::qualification(1000, 200, 100, &[(600, 120), (500, 110)]);
    // The second award waits: it has no offer to accept yet.
    let refused = g
        .when(g.accept_command(2, json!(100)))
        .expect_err("a waiting award cannot be accepted");
    assert_eq!(refused.kind, RefusalKind::Forbidden, "{refused}");
    // Bidding is over once qualification runs.
    let refused = g
        .when(bid_command("5", json!(10), json!(1)))
        .expect_err("no bids during qualification");
    assert_eq!(refused.kind, RefusalKind::Forbidden, "{refused}");
    assert!(refused.description.contains("add bid"), "{refused}");
}

// --------------------------------------------------------------- disclosure

#[test]
fn bids_are_sealed_until_the_auction_results_are_recorded() {
    let mut g = Given::sale(1000, 100, 100);
    let submitted = g.apply(bid_command("11111111", json!(300), json!(123)));
    g.bids.push(g.procedure().bids[0].id.clone());
    g.firms.push("11111111".into());
    g.bid(json!(400), json!(110));
    let sealed = |g: &Given| {
        let envelope = MultiAwardSale::public_envelope(&g.state).expect("document");
        assert!(envelope["data"].get("bids").is_none(), "{envelope}");
        let text = envelope.to_string();
        assert!(!text.contains("123"), "price leaked: {text}");
        assert!(!text.contains("11111111"), "bidder leaked: {text}");
        assert!(!MultiAwardSale::bids_disclosed(&g.state));
    };
    sealed(&g);
    let shown = MultiAwardSale::public_event(&submitted[0]);
    assert!(shown.withheld);
    let public = shown.data;
    let text = public.to_string();
    assert!(public.get("token_hash").is_none());
    assert!(public.get("owner").is_none());
    assert!(!text.contains("123"), "{text}");
    assert!(!text.contains("11111111"), "{text}");
    assert!(!text.contains("quantity"), "{text}");
    assert_eq!(public["bid"]["id"], json!(g.bids[0]));
    // An edit and a bid document are sealed too.
    let edited = g.apply(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: g.bids[0].clone(),
        edit: Box::new(BidEdit {
            value: serde_json::from_value(json!({"amount": 124, "currency": "UAH"}))
                .expect("money"),
            ..BidEdit::default()
        }),
    });
    assert!(
        !MultiAwardSale::public_event(&edited[0])
            .data
            .to_string()
            .contains("124")
    );
    let doc = g.apply(Command::AddDocument {
        actor: g.bid_owner(1),
        target: Target::Bid(g.bids[0].clone()),
        document: document("eligibilityDocuments"),
    });
    assert!(
        MultiAwardSale::public_event(&doc[0]).data["document"]
            .get("title")
            .is_none()
    );
    g.end_tendering();
    sealed(&g);
    assert_eq!(g.status(), "active_auction");
    let disclosed = g.auction_unraised();
    assert!(MultiAwardSale::bids_disclosed(&g.state));
    let envelope = MultiAwardSale::public_envelope(&g.state).expect("document");
    let bids = envelope["data"]["bids"].as_array().expect("bids");
    assert_eq!(bids.len(), 2);
    assert_eq!(bids[0]["value"]["amount"], json!(124.0));
    assert_eq!(bids[0]["quantity"], json!(300.0));
    assert_eq!(bids[0]["bidders"][0]["identifier"]["id"], json!("11111111"));
    // The events that placed and changed the bid stay sealed for ever; the
    // disclosure event shows the bids that took part at their final prices.
    let public = MultiAwardSale::public_event(&submitted[0]).data.to_string();
    assert!(
        !public.contains("123") && !public.contains("11111111"),
        "{public}"
    );
    let opened = disclosed
        .iter()
        .find(|event| matches!(event, Event::BidsDisclosed { .. }))
        .map(MultiAwardSale::public_event)
        .expect("bids disclosed with the auction results");
    assert!(!opened.withheld);
    assert_eq!(opened.data["bids"][0]["value"]["amount"], json!(124.0));
    assert_eq!(
        opened.data["bids"][0]["bidders"][0]["identifier"]["id"],
        json!("11111111")
    );
    assert!(!opened.data.to_string().contains("123"), "{}", opened.data);
}

#[test]
fn a_single_bid_is_disclosed_when_qualification_starts() {
    let mut g = Given::sale(1000, 100, 100);
    g.bid(json!(300), json!(123));
    assert!(!MultiAwardSale::bids_disclosed(&g.state));
    g.end_tendering();
    assert!(MultiAwardSale::bids_disclosed(&g.state));
    let envelope = MultiAwardSale::public_envelope(&g.state).expect("document");
    assert_eq!(envelope["data"]["bids"][0]["value"]["amount"], json!(123.0));
}

#[test]
fn bids_of_a_procedure_cancelled_during_the_auction_stay_sealed() {
    let mut g = Given::sale(1000, 100, 100);
    g.bid(json!(300), json!(123));
    g.bid(json!(300), json!(124));
    g.end_tendering();
    g.apply(cancellation_command(
        vec![doc_json("cancellationDetails")],
        None,
    ));
    assert!(!MultiAwardSale::bids_disclosed(&g.state));
    let envelope = MultiAwardSale::public_envelope(&g.state).expect("document");
    assert!(envelope["data"].get("bids").is_none());
}

#[test]
fn creation_event_never_shows_the_owner_token() {
    let mut fresh = Given::nothing();
    let events = fresh.apply(create_command(procedure_json(
        json!(1000),
        json!(100),
        json!(100),
    )));
    let public = MultiAwardSale::public_event(&events[0]).data;
    assert!(public.get("owner_token_hash").is_none());
    assert!(!public.to_string().contains(OWNER_TOKEN));
}

#[test]
fn waiting_and_cancelled_awards_hide_their_quantity() {
    let mut g = Given::qualification(1000, 200, 100, &[(900, 120), (300, 110), (250, 100)]);
    let envelope = MultiAwardSale::public_envelope(&g.state).expect("document");
    let awards = envelope["data"]["awards"].as_array().expect("awards");
    assert_eq!(awards[0]["items"][0]["quantity"], json!(900.0));
    assert!(awards[1]["items"][0].get("quantity").is_none());
    g.qualification_period_ends();
    let envelope = MultiAwardSale::public_envelope(&g.state).expect("document");
    assert_eq!(envelope["data"]["awards"][1]["status"], json!("cancelled"));
    assert!(
        envelope["data"]["awards"][1]["items"][0]
            .get("quantity")
            .is_none()
    );
}

#[test]
fn streams_follow_the_objects() {
    let mut g = Given::qualification(1000, 200, 100, &[(500, 120), (400, 110), (800, 100)]);
    let events = g.qualify(1);
    let streams: Vec<String> = events.iter().map(|e| e.stream_id("p")).collect();
    let award = g.award(1).id.clone();
    let contract = g.contract(1).expect("contract").id.clone();
    assert_eq!(
        streams,
        [
            format!("award-{award}"),
            format!("contract-{contract}"),
            "tender-p".to_owned()
        ]
    );
    assert_eq!(MultiAwardSale::due_command(), Command::CheckDue);
}

#[test]
fn one_bid_per_participant_without_telling_other_brokers_who_has_bid() {
    let mut g = Given::sale(1000, 100, 100);
    g.apply(bid_command("11111111", json!(300), json!(123)));
    // The same broker is told at once: it knows its own bids.
    let again = g
        .when(bid_command("11111111", json!(200), json!(130)))
        .expect_err("a second bid through the same broker");
    assert_eq!(again.name, "bidders", "{again}");
    // Another broker is not: the bid is taken, and left out at the end.
    let Command::SubmitBid { bid, .. } = bid_command("11111111", json!(200), json!(131)) else {
        unreachable!()
    };
    let events = g.apply(Command::SubmitBid {
        actor: Actor::broker("broker-c", None),
        bid,
        token_hash: "bid-token-c".into(),
    });
    let Some(Event::BidSubmitted { bid, .. }) = events.first() else {
        panic!("{events:?}")
    };
    let later = bid.id.clone();
    g.apply(bid_command("22222222", json!(300), json!(124)));
    let ended = g.end_tendering();
    let Some(Event::TenderingEnded {
        participants,
        excluded,
        ..
    }) = ended.first()
    else {
        panic!("{ended:?}")
    };
    assert_eq!(excluded, std::slice::from_ref(&later));
    assert!(!participants.contains(&later));
    assert_eq!(participants.len(), 2);
    let bid = g
        .procedure()
        .bids
        .iter()
        .find(|b| b.id == later)
        .expect("bid");
    assert_eq!(bid.status, BidStatus::Invalid);
    let disclosed = g.auction_unraised();
    assert!(disclosure::visible_bid(&g.state, &later, false).is_err());
    let public: String = disclosed
        .iter()
        .chain(&ended)
        .map(|event| MultiAwardSale::public_event(event).data.to_string())
        .collect();
    assert!(!public.contains("131"), "{public}");
}

#[test]
fn zero_amounts_and_quantities_are_refused() {
    // A zero guarantee, value or lot quantity.
    for (field, value, name) in [
        (
            "guarantee",
            json!({"amount": 0, "currency": "UAH"}),
            "guarantee.amount",
        ),
        (
            "value",
            json!({"amount": 0.0, "currency": "UAH"}),
            "value.amount",
        ),
    ] {
        let mut input = procedure_json(json!(10), json!(1), json!(100));
        input[field] = value;
        assert_invalid(Given::nothing().when(create_command(input)), name);
    }
    let input = procedure_json(json!(0), json!(1), json!(100));
    assert_invalid(
        Given::nothing().when(create_command(input)),
        "items.quantity",
    );
    // A guarantee of 0 by an edit.
    let mut g = Given::sale(10, 1, 100);
    assert_invalid(
        g.when(Command::Edit {
            actor: owner(),
            edit: Box::new(
                serde_json::from_value(json!({"guarantee": {"amount": 0, "currency": "UAH"}}))
                    .expect("edit"),
            ),
        }),
        "guarantee.amount",
    );
    // A bid with a price or a quantity of 0, placed or edited.
    assert_invalid(
        g.when(bid_command("00000042", json!(5), json!(0))),
        "value.amount",
    );
    assert_invalid(
        g.when(bid_command("00000042", json!(0), json!(150))),
        "quantity",
    );
    let bid = g.bid(json!(5), json!(150));
    for edit in [
        json!({"value": {"amount": 0, "currency": "UAH"}}),
        json!({"quantity": 0}),
    ] {
        let name = if edit.get("quantity").is_some() {
            "quantity"
        } else {
            "value.amount"
        };
        assert_invalid(
            g.when(Command::EditBid {
                actor: g.bid_owner(1),
                bid_id: bid.clone(),
                edit: Box::new(serde_json::from_value(edit).expect("edit")),
            }),
            name,
        );
    }
}
