//! Cancelling the sale.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::event_types;

#[test]
fn tv_d10_cancellation() {
    let mut g = Sale::qualification(1000, 100, 100, &[(700, 130), (400, 120)]);
    assert_eq!(g.status(), "active_qualification");
    g.when(cancellation_command(vec![], None))
        .then_refused(Invalid, "documents");
    g.when(cancellation_command(
        vec![doc_json("digitalSignature")],
        None,
    ))
    .then_refused(Invalid, "documents");
    g.when(cancellation_command(vec![doc_json("act")], None))
        .then_refused(Invalid, "documentType");
    g.when(cancellation_command(
        vec![doc_json("cancellationDetails")],
        Some("2030-01-01T00:00:00+02:00"),
    ))
    .then_refused(Invalid, "datePublished");
    let events = g.apply(cancellation_command(
        vec![doc_json("cancellationDetails")],
        Some("2024-03-04T09:00:00+02:00"),
    ));
    assert_eq!(event_types(&events), ["ProcedureCancelled"]);
    assert_eq!(g.status(), "cancelled");
    let cancellation = &g.procedure().cancellations[0];
    assert_eq!(
        crate::time::format_kyiv(cancellation.date_published),
        "2024-03-04T09:00:00+02:00"
    );
    assert_eq!(next_check(g.state()), None);
    // Terminal: a second cancellation, or anything else, is refused.
    g.when(cancellation_command(
        vec![doc_json("cancellationDetails")],
        None,
    ))
    .then_refused(Forbidden, "data");
    g.when(g.complete_command()).then_refused(Forbidden, "data");
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
    let cancelled = sale(1000, 100, 100).when(cancel()).then_state();
    assert_eq!(
        cancelled.procedure.map(|p| p.status),
        Some(ProcedureStatus::Cancelled)
    );
    // active_auction
    let mut g = Sale::new(1000, 100, 100);
    g.place(json!(100), json!(100));
    g.place(json!(100), json!(100));
    g.auction_running();
    g.apply(cancel());
    assert_eq!(g.status(), "cancelled");
    g.when(Command::RecordAuctionResults {
        actor: auction(),
        results: vec![],
    })
    .then_refused(Forbidden, "data");
    // active_awarded
    let mut g = Sale::qualification(1000, 100, 100, &[(700, 130)]);
    g.qualify(1);
    assert_eq!(g.status(), "active_awarded");
    g.apply(cancel());
    assert_eq!(g.status(), "cancelled");
}
