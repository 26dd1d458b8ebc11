//! How the status a request names becomes what a decider decides on. The
//! HTTP API sends states ("status": "active"); the deciders take intents
//! (qualify, sign, …). Each procedure's `wire.rs` says which status means
//! which intent; the reading itself, and its refusal texts (those of the
//! reference APIs), are written once here.

use super::refusals;
use super::tendering::BidStage;
use crate::procurement::Refusal;

/// The intent `status` names among `choices`, which list every status the
/// request may name; anything else is refused naming them all.
pub fn choice<T: Copy>(status: &str, choices: &[(&str, T)]) -> Result<T, Refusal> {
    choices
        .iter()
        .find(|(name, _)| *name == status)
        .map(|(_, intent)| *intent)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            refusals::one_of("status", &names)
        })
}

/// [`choice`] for a request that must name a status.
pub fn required_choice<T: Copy>(status: Option<&str>, choices: &[(&str, T)]) -> Result<T, Refusal> {
    choice(status.ok_or_else(|| refusals::required("status"))?, choices)
}

/// What a bid's owner asks its bid to be: `draft`, or `submitted` (the
/// procedure's name for a bid that takes part); `None` when it names no
/// status.
pub fn bid_stage(status: Option<&str>, submitted: &str) -> Result<Option<BidStage>, Refusal> {
    status
        .map(|status| {
            choice(
                status,
                &[("draft", BidStage::Draft), (submitted, BidStage::Submitted)],
            )
        })
        .transpose()
}

/// [`bid_stage`] for a new bid, submitted unless asked to stay a draft.
pub fn submission(status: Option<&str>, submitted: &str) -> Result<BidStage, Refusal> {
    Ok(bid_stage(status, submitted)?.unwrap_or(BidStage::Submitted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procurement::RefusalKind;

    #[test]
    fn a_status_outside_the_choices_names_them_all() {
        let choices = [("active", 1), ("unsuccessful", 2)];
        assert_eq!(choice("unsuccessful", &choices), Ok(2));
        let refusal = choice("won", &choices).expect_err("unknown status");
        assert_eq!(refusal.kind, RefusalKind::Invalid);
        assert_eq!(refusal.name, "status");
        assert_eq!(
            refusal.description,
            "Value must be one of ['active', 'unsuccessful']."
        );
        let missing = required_choice(None, &choices).expect_err("no status");
        assert_eq!(missing.description, "This field is required.");
    }

    #[test]
    fn a_bid_is_a_draft_or_submitted() {
        assert_eq!(bid_stage(None, "pending"), Ok(None));
        assert_eq!(
            bid_stage(Some("draft"), "pending"),
            Ok(Some(BidStage::Draft))
        );
        assert_eq!(
            bid_stage(Some("pending"), "pending"),
            Ok(Some(BidStage::Submitted))
        );
        let refusal = bid_stage(Some("active"), "pending").expect_err("not a bid status here");
        assert_eq!(
            refusal.description,
            "Value must be one of ['draft', 'pending']."
        );
    }
}
