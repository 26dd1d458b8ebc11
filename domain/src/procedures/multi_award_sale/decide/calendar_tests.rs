//! The business days a sale counts are those of the calendar in the
//! decision's context, not a built-in one.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use crate::calendar::Calendar;
use crate::procedures::multi_award_sale::{
    Actor, BidStage, Command, Config, Event, MultiAwardSale, State,
};
use crate::{Context, Decider, Id, IdSource};

struct Counter(AtomicU64);

impl IdSource for Counter {
    fn next_id(&self) -> Id {
        Id::from_u128(u128::from(self.0.fetch_add(1, Ordering::Relaxed)) + 1)
    }
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, day, hour, 0, 0)
        .single()
        .expect("valid time")
}

fn organization(id: &str) -> serde_json::Value {
    json!({
        "name": {"uk_UA": format!("ТОВ {id}")},
        "identifier": {"scheme": "UA-EDR", "id": id, "legalName": {"uk_UA": format!("ТОВ {id}")}},
        "address": {
            "countryName": {"uk_UA": "Україна"},
            "region": {"uk_UA": "Київ"},
            "locality": {"uk_UA": "Київ"},
            "streetAddress": {"uk_UA": "вул. Хрещатик, 1"}
        },
        "contactPoint": {
            "name": {"uk_UA": "Контакт"},
            "email": "a@example.com",
            "telephone": "+380440000000"
        }
    })
}

fn commands() -> [Command; 2] {
    let procedure = json!({
        "sellingMethod": "basicSell-multiAwards",
        "sellingEntity": organization("00000001"),
        "lotId": "LOT-1",
        "title": {"uk_UA": "Продаж пшениці частинами"},
        "description": {"uk_UA": "Пшениця 3 класу"},
        "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
        "value": {"amount": 100, "currency": "UAH"},
        "minimalPart": 100,
        "items": [{
            "description": {"uk_UA": "Пшениця"},
            "classification": {"scheme": "CAV", "id": "03211100-4"},
            "quantity": 1000,
            "unit": {"code": "TNE", "name": {"uk_UA": "тонна"}}
        }],
        "tenderPeriod": {"endDate": "2024-03-04T12:00:00+02:00"}
    });
    let bid = json!({
        "bidders": [organization("00000010")],
        "value": {"amount": 100, "currency": "UAH"},
        "quantity": 500
    });
    [
        Command::Create {
            actor: Actor::broker("broker-a", None),
            id: "5af2c4e0d7b24d0e9b3c1a2f8e7d6c5b".into(),
            auction_id: "BSM001-UA-20240301-00001".into(),
            procedure: Box::new(serde_json::from_value(procedure).expect("valid procedure")),
            config: Config::default(),
            owner_token_hash: "owner-token".into(),
        },
        Command::SubmitBid {
            actor: Actor::broker("broker-b", None),
            bid: Box::new(serde_json::from_value(bid).expect("valid bid")),
            stage: BidStage::Submitted,
            token_hash: "bid-token".into(),
        },
    ]
}

/// The end of the qualification period a single-bid sale gets at the tender
/// period's end (Monday 2024-03-04, 12:00 Kyiv), counting on `calendar`.
fn qualification_end(calendar: Option<&Calendar>) -> DateTime<Utc> {
    let ids = Counter(AtomicU64::new(0));
    let context = |now| {
        let context = Context::new(now, &ids);
        match calendar {
            Some(calendar) => context.with_calendar(calendar),
            None => context,
        }
    };
    let mut state = State::default();
    for command in commands() {
        let events = MultiAwardSale::decide(&state, &command, &context(at(1, 10)))
            .expect("command accepted");
        state = events.iter().fold(state, MultiAwardSale::evolve);
    }
    let events = MultiAwardSale::decide(&state, &Command::CheckDue, &context(at(4, 10)))
        .expect("check accepted");
    events
        .iter()
        .find_map(|event| match event {
            Event::QualificationStarted {
                qualification_period,
                ..
            } => qualification_period.end_date,
            _ => None,
        })
        .expect("qualification started")
}

#[test]
fn an_operator_calendar_with_an_extra_day_off_moves_the_qualification_end() {
    // 20 business days from Monday 4 March 2024: Monday 1 April, 12:00
    // Kyiv (summer time by then).
    let built_in = Utc
        .with_ymd_and_hms(2024, 4, 1, 9, 0, 0)
        .single()
        .expect("valid time");
    assert_eq!(qualification_end(None), built_in);
    let with_day_off =
        Calendar::from_json(r#"["2024-03-05"]"#, "[]").expect("valid calendar lists");
    assert_eq!(
        qualification_end(Some(&with_day_off)),
        built_in + chrono::Duration::days(1)
    );
}
