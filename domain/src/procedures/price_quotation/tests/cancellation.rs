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

#[test]
fn a_draft_cancellations_reason_type_can_be_corrected() {
    let cancellation = id(7);
    let spec = tendering()
        .and([cancellation_requested(&cancellation, sept(20, 0))])
        .ids_from(8);
    let correct = |reason_type: &str| Command::EditCancellation {
        actor: owner(),
        cancellation_id: cancellation.clone(),
        reason: None,
        reason_type: Some(reason_type.into()),
    };
    spec.when(correct("noReason"))
        .then_refused(RefusalKind::Invalid, "reasonType");
    let edited = Event::CancellationEdited {
        cancellation_id: cancellation.clone(),
        reason: None,
        reason_type: Some("expensesCut".into()),
        at: sept(20, 0),
    };
    spec.when(correct("expensesCut")).then([edited.clone()]);
    let spec = spec.and([edited]);
    let corrected = &tender(&spec).cancellations[0];
    assert_eq!(corrected.reason_type, "expensesCut");
    assert_eq!(corrected.reason, "no longer needed", "the reason stays");
}

#[test]
fn a_reason_edit_recorded_before_reason_types_could_change_reads_the_same() {
    let cancellation = id(7);
    let stored = recorded(
        "CancellationEdited",
        serde_json::json!({
            "cancellation_id": cancellation,
            "reason": "another",
            "at": "2023-09-20T03:00:00+03:00"
        }),
    );
    assert_eq!(
        stored,
        Event::CancellationEdited {
            cancellation_id: cancellation.clone(),
            reason: Some("another".into()),
            reason_type: None,
            at: sept(20, 0),
        }
    );
    let spec = tendering().and([cancellation_requested(&cancellation, sept(20, 0)), stored]);
    assert_eq!(tender(&spec).cancellations[0].reason, "another");
    assert_eq!(tender(&spec).cancellations[0].reason_type, "noDemand");
}
