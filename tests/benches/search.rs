//! Search and statistics over a generated corpus of published procedures of
//! every shipped type, on both read stores: the latency of filtered, sorted
//! pages and of grouped statistics, each against a baseline measured in the
//! same run on the same store (fetching one stored document by id), and a
//! check that both backends give the same answers.
//!
//! `BENCH_PROCEDURES` (default 5000) procedures, a third of each type, with
//! public documents shaped as each type's (`docs/search.md`): buyers,
//! tenderers, classifications, regions, values, dates and Ukrainian words
//! drawn from pools with a fixed seed. They are written to the documents
//! read model directly (`ReadStore::apply`), which indexes them as a
//! projection would. `BENCH_RUNS` (default 200) runs of each query.

use std::sync::Arc;
use std::time::{Duration, Instant};

use projections::model::{ChangeBatch, DocumentRow, FeedRow};
use projections::read_store::ReadStore;
use projections::read_store::postgres::PostgresReadStore;
use projections::read_store::sqlite::SqliteReadStore;
use projections::search::words;
use projections::search_query::{
    DateField, Filter, Group, SearchHit, SearchQuery, Sort, StatsQuery, StatsRow,
};
use serde_json::{Value as Json, json};

const TITLES: [&str; 12] = [
    "Папір офісний",
    "Комп’ютерне обладнання",
    "Пшениця 3 класу",
    "Деревина дубова",
    "Ремонт даху школи",
    "Паливо дизельне",
    "Медичні рукавички",
    "Нежитлове приміщення",
    "Автомобіль легковий",
    "Меблі для класів",
    "Електроенергія",
    "Послуги охорони",
];
const WORDS: [&str; 10] = [
    "поставка",
    "закупівля",
    "продаж",
    "оренда",
    "терміново",
    "якісний",
    "державний",
    "комунальний",
    "лот",
    "майно",
];
const REGIONS: [&str; 6] = [
    "м. Київ",
    "Львівська область",
    "Харківська область",
    "Одеська область",
    "Дніпропетровська область",
    "Волинська область",
];
const CPV: [&str; 8] = [
    "30197630-1",
    "30213100-6",
    "44617100-9",
    "45261000-4",
    "09134200-9",
    "33141420-0",
    "39160000-1",
    "09310000-5",
];
const CAV: [&str; 6] = [
    "03211100-4",
    "03419000-1",
    "04210000-8",
    "06121000-6",
    "34110000-1",
    "04220000-5",
];
const TENDER_STATUSES: [&str; 6] = [
    "active.tendering",
    "active.qualification",
    "active.awarded",
    "complete",
    "unsuccessful",
    "cancelled",
];
const SALE_STATUSES: [&str; 5] = [
    "active_tendering",
    "active_qualification",
    "complete",
    "unsuccessful",
    "cancelled",
];

/// A small fixed-seed generator (xorshift64*): the corpus is the same every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

fn edr(n: usize) -> String {
    format!("{:08}", 10_000_000 + n * 7919)
}

fn organisation(id: &str) -> Json {
    json!({"name": format!("Організація {id}"), "identifier": {"scheme": "UA-EDR", "id": id}})
}

/// The public document of procedure `n`.
fn document(n: usize, random: &mut Random) -> (String, String, Json) {
    let id = format!("{:032x}", n as u128 * 0x9E37_79B9_7F4A_7C15);
    let day = random.below(700);
    let date = chrono::DateTime::parse_from_rfc3339("2024-01-01T09:00:00+02:00").expect("date")
        + chrono::TimeDelta::days(day as i64)
        + chrono::TimeDelta::minutes(random.below(600) as i64);
    let modified = date + chrono::TimeDelta::days(random.below(30) as i64);
    let kyiv = |moment: chrono::DateTime<chrono::FixedOffset>| {
        domain::time::format_kyiv(moment.with_timezone(&chrono::Utc))
    };
    let title = format!("{} {}", random.pick(&TITLES), random.pick(&WORDS));
    let description = format!(
        "{} {} {}",
        random.pick(&WORDS),
        random.pick(&WORDS),
        random.pick(&TITLES)
    );
    let buyer = edr(random.below(40));
    let amount = format!("{}.{:02}", 100 + random.below(5_000_000), random.below(100));
    let tenderers: Vec<String> = (0..1 + random.below(4))
        .map(|_| edr(100 + random.below(60)))
        .collect();
    let region = random.pick(&REGIONS);
    let (kind, data) = match n % 3 {
        0 => {
            let status = random.pick(&TENDER_STATUSES);
            let mut data = json!({
                "id": id, "tenderID": format!("UA-2024-{n:06}-a"),
                "procurementMethodType": "priceQuotation", "status": status,
                "title": title, "description": description,
                "date": kyiv(date), "dateModified": kyiv(modified),
                "procuringEntity": organisation(&buyer),
                "value": {"amount": serde_json::Number::from_string_unchecked(amount.clone()), "currency": "UAH"},
                "items": [{"description": random.pick(&TITLES),
                           "classification": {"scheme": "ДК021", "id": random.pick(&CPV)},
                           "deliveryAddress": {"region": region}}],
                "tenderPeriod": {"startDate": kyiv(date), "endDate": kyiv(date + chrono::TimeDelta::days(7))},
            });
            if status != "active.tendering" && status != "cancelled" {
                data["bids"] = json!(
                    tenderers
                        .iter()
                        .map(|t| json!({"tenderers": [organisation(t)]}))
                        .collect::<Vec<_>>()
                );
            }
            if matches!(status, "active.awarded" | "complete") {
                data["awards"] = json!([{"status": "active", "value": {"amount": 90}, "suppliers": [organisation(&tenderers[0])]}]);
            }
            if status == "complete" {
                data["contracts"] = json!([{"status": "active", "value": {"amount": 85}}]);
            }
            ("priceQuotation", data)
        }
        kind => {
            let status = random.pick(&SALE_STATUSES);
            let method = if kind == 1 {
                "basicSell-multiAwards"
            } else {
                "basicSell-dutch"
            };
            let mut data = json!({
                "id": id, "auctionId": format!("BS{kind}-UA-20240101-{n:05}"),
                "sellingMethod": method, "status": status,
                "title": {"uk_UA": title}, "description": {"uk_UA": description},
                "datePublished": kyiv(date), "dateModified": kyiv(modified),
                "sellingEntity": organisation(&buyer),
                "value": {"amount": serde_json::Number::from_string_unchecked(amount.clone()), "currency": "UAH"},
                "items": [{"description": {"uk_UA": random.pick(&TITLES)}, "quantity": 1 + random.below(50),
                           "classification": {"scheme": "CAV", "id": random.pick(&CAV)},
                           "address": {"region": {"uk_UA": region}}}],
                "tenderPeriod": {"startDate": kyiv(date), "endDate": kyiv(date + chrono::TimeDelta::days(5))},
                "auctionPeriod": {"startDate": kyiv(date + chrono::TimeDelta::days(6))},
            });
            if matches!(status, "active_qualification" | "complete") {
                data["bids"] = json!(
                    tenderers
                        .iter()
                        .map(|t| json!({"bidders": [organisation(t)]}))
                        .collect::<Vec<_>>()
                );
                data["awards"] = json!([{"status": "active", "value": {"amount": 1000}, "items": [{"quantity": 1}], "buyers": [organisation(&tenderers[0])]}]);
            }
            (
                if kind == 1 {
                    "multiAwardSale"
                } else {
                    "dutchSale"
                },
                data,
            )
        }
    };
    (id, kind.to_owned(), json!({ "data": data }))
}

async fn fill(store: &dyn ReadStore, procedures: usize) {
    let mut random = Random(0x5EED_0FC0_FFEE);
    let mut batch = ChangeBatch::default();
    for n in 0..procedures {
        let (id, kind, envelope) = document(n, &mut random);
        let row = DocumentRow {
            procedure_id: id,
            kind,
            revision: 1,
            position: n as u64 + 1,
            body: envelope.to_string(),
        };
        batch
            .feed
            .push(FeedRow::from_document(&row, &envelope, true));
        batch.documents.push(row);
        if batch.documents.len() == 500 || n + 1 == procedures {
            batch.to = n as u64 + 1;
            let next_from = batch.to;
            store
                .apply(std::mem::take(&mut batch))
                .await
                .expect("apply");
            batch.from = next_from;
        }
    }
}

fn filter() -> Filter {
    Filter::default()
}

/// The queries measured: (name, query).
fn searches() -> Vec<(&'static str, SearchQuery)> {
    let page = |filter: Filter, sort: Sort| SearchQuery {
        filter,
        sort,
        descending: true,
        after: None,
        limit: 100,
        with_body: false,
    };
    vec![
        (
            "status and type, by value",
            page(
                Filter {
                    methods: vec!["priceQuotation".into()],
                    statuses: vec!["complete".into(), "active.awarded".into()],
                    ..filter()
                },
                Sort::Value,
            ),
        ),
        (
            "text and region, by relevance",
            page(
                Filter {
                    words: words("папір поставка")
                        .split(' ')
                        .map(str::to_owned)
                        .collect(),
                    region: Some("Львівська область".into()),
                    ..filter()
                },
                Sort::Relevance,
            ),
        ),
        (
            "classification, value and date ranges, by dateModified",
            page(
                Filter {
                    classification: Some("03".into()),
                    value_min: Some("1000".parse().expect("decimal")),
                    value_max: Some("2500000".parse().expect("decimal")),
                    dates: vec![(
                        DateField::Date,
                        Some("2024-03-01T00:00:00.000000Z".into()),
                        Some("2025-06-01T00:00:00.000000Z".into()),
                    )],
                    ..filter()
                },
                Sort::DateModified,
            ),
        ),
        (
            "tenderer, by date",
            page(
                Filter {
                    tenderer: Some(edr(117)),
                    ..filter()
                },
                Sort::Date,
            ),
        ),
        (
            "everything, by dateModified",
            page(filter(), Sort::DateModified),
        ),
    ]
}

fn stats_queries() -> Vec<(&'static str, StatsQuery)> {
    let stats = |groups: Vec<Group>, filter: Filter| StatsQuery {
        filter,
        groups,
        prefix: 2,
        currency: "UAH".into(),
    };
    vec![
        (
            "stats by month and type",
            stats(vec![Group::Month, Group::Method], filter()),
        ),
        (
            "stats by region, one type",
            stats(
                vec![Group::Region],
                Filter {
                    methods: vec!["basicSell-dutch".into()],
                    ..filter()
                },
            ),
        ),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

async fn time<F, Fut>(runs: usize, mut f: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f().await;
        times.push(start.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

type Answers = (Vec<Vec<SearchHit>>, Vec<Vec<StatsRow>>);

async fn measure(backend: &str, store: Arc<dyn ReadStore>, runs: usize) -> Answers {
    let ids: Vec<String> = store
        .search(&SearchQuery {
            filter: filter(),
            sort: Sort::Date,
            descending: false,
            after: None,
            limit: 50,
            with_body: false,
        })
        .await
        .expect("search")
        .into_iter()
        .map(|hit| hit.procedure_id)
        .collect();
    let mut next = 0;
    let (_, baseline_p99) = time(runs, || {
        next = (next + 1) % ids.len();
        let (store, id) = (Arc::clone(&store), ids[next].clone());
        async move {
            store
                .document(&id)
                .await
                .expect("document")
                .expect("stored");
        }
    })
    .await;
    let mut answers: Answers = (Vec::new(), Vec::new());
    for (name, query) in searches() {
        let hits = store.search(&query).await.expect("search");
        let (p50, p99) = time(runs, || {
            let (store, query) = (Arc::clone(&store), query.clone());
            async move {
                store.search(&query).await.expect("search");
            }
        })
        .await;
        println!(
            "| {backend} | {name} | {} | {p50:.2} | {p99:.2} | {baseline_p99:.2} | {:.1} |",
            hits.len(),
            p99 / baseline_p99
        );
        answers.0.push(hits);
    }
    for (name, query) in stats_queries() {
        let rows = store.stats(&query).await.expect("stats");
        let (p50, p99) = time(runs, || {
            let (store, query) = (Arc::clone(&store), query.clone());
            async move {
                store.stats(&query).await.expect("stats");
            }
        })
        .await;
        println!(
            "| {backend} | {name} | {} groups | {p50:.2} | {p99:.2} | {baseline_p99:.2} | {:.1} |",
            rows.len(),
            p99 / baseline_p99
        );
        answers.1.push(rows);
    }
    answers
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench());
}

async fn bench() {
    let procedures = env_number("BENCH_PROCEDURES", 5000);
    let runs = env_number("BENCH_RUNS", 200);
    println!(
        "search benchmark: {procedures} procedures (a third of each type), {runs} runs per query; \
         latency in ms; baseline: one stored document by id on the same store\n"
    );
    println!("| backend | query | hits | p50 ms | p99 ms | baseline p99 ms | p99 ratio |");
    println!("|---|---|---|---|---|---|---|");
    let dir = tempfile::tempdir().expect("temp dir");
    let embedded: Arc<dyn ReadStore> =
        Arc::new(SqliteReadStore::open(&dir.path().join("read.sqlite3")).expect("open"));
    fill(embedded.as_ref(), procedures).await;
    let embedded_answers = measure("embedded", embedded, runs).await;
    let Some(url) = e2e::pg::fresh_database().await else {
        println!("\n(PostgreSQL rows skipped: no PostgreSQL available)");
        return;
    };
    let postgres: Arc<dyn ReadStore> =
        Arc::new(PostgresReadStore::connect(&url).await.expect("connect"));
    fill(postgres.as_ref(), procedures).await;
    let postgres_answers = measure("postgres", postgres, runs).await;
    assert_eq!(
        embedded_answers.0, postgres_answers.0,
        "the backends found different procedures"
    );
    assert_eq!(
        embedded_answers.1, postgres_answers.1,
        "the backends' statistics differ"
    );
    println!("\nBoth backends gave the same hits, in the same order, and the same statistics.");
}
