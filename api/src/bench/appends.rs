//! `cdb bench --only appends`: the store's appends with 32 concurrent
//! writers (each waiting for its acknowledgement before the next append)
//! against the batched-INSERT limit of the same rows, measured in the same
//! run: on PostgreSQL, multi-row INSERTs of 100 events per transaction over
//! 8 connections into a copy of the `events` table; on the embedded store,
//! 100-event transactions through one connection into a copy of its table.
//!
//! Store and baseline alternate over the rounds (store first in even
//! rounds, baseline first in odd ones), so neither always runs on the
//! warmer server. Afterwards every acknowledged append must be in the store
//! at positions 1..=head without a gap, and every baseline row in its table.

mod embedded;
mod load;
mod postgres;

use std::time::Duration;

use super::Settings;
use super::report::{Goal, Report, Row, rate};
use load::{Measured, WRITERS};

/// One side of every round of one backend.
#[derive(Default)]
struct Rounds {
    store: Vec<Measured>,
    baseline: Vec<Measured>,
}

fn rounds(settings: &Settings) -> usize {
    if settings.quick { 1 } else { 2 }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

impl Rounds {
    fn row(&self, benchmark: String, baseline: &str, goal: Option<Goal>) -> Row {
        let ratios: Vec<f64> = self
            .store
            .iter()
            .zip(&self.baseline)
            .map(|(s, b)| s.events_per_second() / b.events_per_second().max(1e-9))
            .collect();
        let each = ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(" / ");
        let of = |side: &[Measured], f: fn(&Measured) -> f64| median(side.iter().map(f).collect());
        let figure = format!(
            "{} (append p50 {:.1} ms, p99 {:.1} ms)",
            rate(of(&self.store, Measured::events_per_second), "events"),
            of(&self.store, |m| ms(m.quantile(0.50))),
            of(&self.store, |m| ms(m.quantile(0.99))),
        );
        let baseline = format!(
            "{baseline}: {} (transaction p50 {:.1} ms); ratio per round {each}",
            rate(of(&self.baseline, Measured::events_per_second), "events"),
            of(&self.baseline, |m| ms(m.quantile(0.50))),
        );
        Row {
            benchmark,
            figure,
            baseline,
            ratio: median(ratios),
            goal,
        }
    }
}

pub async fn run(settings: &Settings, report: &mut Report) {
    // A run's own prefix keeps procedure ids apart from any earlier run's.
    let run = format!("bench{}", rand::random::<u32>());
    postgres_rows(settings, &run, report).await;
    embedded_rows(settings, &run, report).await;
}

async fn postgres_rows(settings: &Settings, run: &str, report: &mut Report) {
    let Some(url) = super::postgres_database(report, "appends").await else {
        return;
    };
    let mut pg = match postgres::Postgres::open(url).await {
        Ok(pg) => pg,
        Err(error) => {
            report.problem(format!("appends (postgres): {error}"));
            return;
        }
    };
    let mut measured = Rounds::default();
    for round in 0..rounds(settings) {
        for side in order(round) {
            let prefix = format!("{run}-r{round}");
            if side == Side::Store {
                let (m, outcomes) =
                    load::store_load(pg.store.clone(), &prefix, settings.duration).await;
                pg.record(&outcomes);
                for error in outcomes.iter().filter_map(|o| o.error.as_ref()) {
                    report.problem(format!("appends (postgres): {error}"));
                }
                measured.store.push(m);
            } else {
                match pg.baseline(&prefix, settings.duration).await {
                    Ok(m) => measured.baseline.push(m),
                    Err(error) => {
                        report.problem(format!("appends (postgres baseline): {error}"));
                        return;
                    }
                }
            }
        }
    }
    for problem in pg.check().await {
        report.problem(format!("appends: {problem}"));
    }
    report.push(measured.row(
        format!("store appends, postgres, {WRITERS} writers (2-event appends, each awaited)"),
        &format!(
            "multi-row INSERTs of {} events per transaction, {} connections",
            postgres::BASELINE_EVENTS_PER_TRANSACTION,
            postgres::BASELINE_CONNECTIONS
        ),
        Some(Goal::AtLeast(0.5)),
    ));
}

async fn embedded_rows(settings: &Settings, run: &str, report: &mut Report) {
    let mut embedded = match embedded::Embedded::open(&settings.scratch) {
        Ok(embedded) => embedded,
        Err(error) => {
            report.problem(format!("appends (embedded): {error}"));
            return;
        }
    };
    let mut measured = Rounds::default();
    for round in 0..rounds(settings) {
        for side in order(round) {
            let prefix = format!("{run}-r{round}");
            if side == Side::Store {
                let (m, outcomes) =
                    load::store_load(embedded.store.clone(), &prefix, settings.duration).await;
                embedded.record(&outcomes);
                for error in outcomes.iter().filter_map(|o| o.error.as_ref()) {
                    report.problem(format!("appends (embedded): {error}"));
                }
                measured.store.push(m);
            } else {
                match embedded.baseline(&prefix, settings.duration).await {
                    Ok(m) => measured.baseline.push(m),
                    Err(error) => {
                        report.problem(format!("appends (embedded baseline): {error}"));
                        return;
                    }
                }
            }
        }
    }
    for problem in embedded.check().await {
        report.problem(format!("appends: {problem}"));
    }
    report.push(measured.row(
        format!("store appends, embedded, {WRITERS} writers (2-event appends, each awaited)"),
        &format!(
            "SQLite INSERTs of {} events per transaction, 1 connection",
            postgres::BASELINE_EVENTS_PER_TRANSACTION
        ),
        None,
    ));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Store,
    Baseline,
}

/// Store first in even rounds, baseline first in odd ones.
fn order(round: usize) -> [Side; 2] {
    if round.is_multiple_of(2) {
        [Side::Store, Side::Baseline]
    } else {
        [Side::Baseline, Side::Store]
    }
}
