//! The table `cdb bench` prints: one row per figure, each with the baseline
//! measured in the same run and their ratio, and the goal for it.

use std::fmt::Write as _;

/// What a ratio should be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    AtLeast(f64),
    AtMost(f64),
}

impl Goal {
    pub fn met(self, ratio: f64) -> bool {
        match self {
            Goal::AtLeast(goal) => ratio >= goal,
            Goal::AtMost(goal) => ratio <= goal,
        }
    }

    fn label(self) -> String {
        match self {
            Goal::AtLeast(goal) => format!("≥ {goal}"),
            Goal::AtMost(goal) => format!("≤ {goal}"),
        }
    }
}

/// One figure against its baseline.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was measured, e.g. `POST /api/2.5/tenders, embedded, 32 connections`.
    pub benchmark: String,
    /// The figure, with its unit (and latencies where they matter).
    pub figure: String,
    /// The baseline and its figure.
    pub baseline: String,
    /// Figure ÷ baseline (for latencies: the figure's own ratio, e.g. p99/p50).
    pub ratio: f64,
    pub goal: Option<Goal>,
}

/// Every row of a run, and what went wrong on the way.
#[derive(Debug, Default)]
pub struct Report {
    pub rows: Vec<Row>,
    /// Writes acknowledged but not found afterwards, benchmarks that could
    /// not run: any of these fails the run.
    pub problems: Vec<String>,
}

impl Report {
    pub fn push(&mut self, row: Row) {
        eprintln!(
            "  {}: {} | {} | ratio {:.3}",
            row.benchmark, row.figure, row.baseline, row.ratio
        );
        self.rows.push(row);
    }

    pub fn problem(&mut self, problem: impl Into<String>) {
        let problem = problem.into();
        eprintln!("  PROBLEM: {problem}");
        self.problems.push(problem);
    }

    /// The table as Markdown (also what the terminal shows).
    pub fn markdown(&self) -> String {
        let mut out =
            String::from("| benchmark | figure | baseline (same run) | ratio | goal | met |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for row in &self.rows {
            let (goal, met) = match row.goal {
                Some(goal) => (
                    goal.label(),
                    if goal.met(row.ratio) { "yes" } else { "**no**" },
                ),
                None => (String::new(), ""),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {goal} | {met} |",
                row.benchmark,
                row.figure,
                row.baseline,
                ratio(row.ratio)
            );
        }
        for problem in &self.problems {
            let _ = writeln!(out, "\nPROBLEM: {problem}");
        }
        out
    }
}

fn ratio(value: f64) -> String {
    if value >= 10.0 {
        format!("{value:.1}")
    } else if value >= 0.1 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// A rate for the table: `12,345/s`.
pub fn rate(per_second: f64, unit: &str) -> String {
    format!("{} {unit}/s", thousands(per_second.round() as u64))
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_and_numbers_read_as_written() {
        assert!(Goal::AtLeast(0.5).met(0.5));
        assert!(!Goal::AtLeast(0.5).met(0.49));
        assert!(Goal::AtMost(4.0).met(3.9));
        assert!(!Goal::AtMost(4.0).met(4.1));
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(29_700), "29,700");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(rate(2345.4, "req"), "2,345 req/s");
    }

    #[test]
    fn the_table_marks_a_missed_goal() {
        let mut report = Report::default();
        report.push(Row {
            benchmark: "create".into(),
            figure: "300 req/s".into(),
            baseline: "nginx 30,000 req/s".into(),
            ratio: 0.01,
            goal: Some(Goal::AtLeast(0.1)),
        });
        let table = report.markdown();
        assert!(
            table.contains("| create | 300 req/s | nginx 30,000 req/s | 0.010 | ≥ 0.1 | **no** |"),
            "{table}"
        );
    }
}
