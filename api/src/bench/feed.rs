//! `cdb bench --only feed`: not written yet.

use super::Settings;
use super::report::Report;

pub async fn run(_settings: &Settings, report: &mut Report) {
    report.problem("the feed benchmark is not written yet");
}
