//! The refusal texts the reference APIs share, word for word.

use super::Root;
use crate::procurement::Refusal;

/// The action is not allowed in the procedure's current status.
pub fn status_refusal<R: Root>(root: &R, action: &str) -> Refusal {
    status_refusal_of(R::STATUS_OF, action, root.status_str())
}

/// The action is not allowed in the current `status` of an `object`
/// ("award", "contract", …).
pub fn status_refusal_of(object: &str, action: &str, status: &str) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {action} in current ({status}) {object} status"
    ))
}

/// The same, in the wording that names no object.
pub fn unnamed_status_refusal(action: &str, status: &str) -> Refusal {
    Refusal::not_allowed(format!("Can't {action} in current ({status}) status"))
}

/// A required `field` is missing.
pub fn required(field: &str) -> Refusal {
    Refusal::invalid(field, "This field is required.")
}

/// `field` has a value outside `allowed`.
pub fn one_of(field: &str, allowed: &[&str]) -> Refusal {
    Refusal::invalid(
        field,
        format!("Value must be one of ['{}'].", allowed.join("', '")),
    )
}
