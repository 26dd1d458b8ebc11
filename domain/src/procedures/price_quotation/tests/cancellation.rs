//! Cancelling the tender.

use super::super::*;
use super::fixtures::*;
use crate::procurement::RefusalKind;
use crate::testing::id;

#[test]
fn cancellation_needs_a_document_then_cancels() {
    let cancellation = id(7);
    let requested = cancellation_requested(&cancellation, sept(20, 0));
    let spec = tendering();
    spec.when(request_cancellation()).then([requested.clone()]);
    let spec = spec.and([requested]).ids_from(8);
    spec.when(activate_cancellation(&cancellation))
        .then_refused(RefusalKind::Invalid, "documents");
    let document = cancellation_details_added(&cancellation, &id(8), sept(20, 0));
    spec.when(cancellation_details(&cancellation))
        .then([document.clone()]);
    let spec = spec.and([document]);
    let activated = Event::CancellationActivated {
        cancellation_id: cancellation.clone(),
        at: sept(20, 0),
    };
    spec.when(activate_cancellation(&cancellation))
        .then([activated.clone()]);
    let spec = spec.and([activated]);
    assert_eq!(tender(&spec).status, TenderStatus::Cancelled);
    assert!(next_check(spec.state()).is_none());
}
