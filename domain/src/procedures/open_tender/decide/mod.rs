//! The rules, one file per stage of the tender; this one only sends each
//! command to its stage.

mod auction;
mod bid_rules;
mod cancellation;
mod creation;
mod documents;
mod enquiries;
mod qualification;
mod records;
mod schedule;
mod tendering;

pub use cancellation::LOT_CANCELLATION_DEFERRED;
pub use creation::MORE_LOTS_DEFERRED;
pub use enquiries::LOT_QUESTIONS_DEFERRED;
pub use schedule::next_check;

use super::command::Command;
use super::event::Event;
use super::state::State;
use crate::Context;
use crate::procedures::common;
use crate::procurement::Refusal;

/// How many automatic transitions a command may catch up on (enquiries →
/// tendering → its end → …); more are left to the scheduler.
const CATCH_UP: usize = 4;

/// Spec Q7: the automatic transitions already due are applied before any
/// other command is decided, in the same write, so that a request arriving
/// after a period's end but before the scheduler ran is judged on the
/// status the tender already has (the period checks stay as a second
/// guard). When the command is refused nothing is written; the scheduler
/// applies the transitions itself.
pub fn decide(
    state: &State,
    command: &Command,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if matches!(command, Command::CheckDue) {
        return schedule::check_due(state, context);
    }
    let mut caught_up = std::borrow::Cow::Borrowed(state);
    let mut events = Vec::new();
    for _ in 0..CATCH_UP {
        let due = schedule::check_due(&caught_up, context)?;
        if due.is_empty() {
            break;
        }
        let next = due.iter().fold(caught_up.into_owned(), |state, event| {
            super::state::evolve(state, event)
        });
        caught_up = std::borrow::Cow::Owned(next);
        events.extend(due);
    }
    events.extend(decide_now(&caught_up, command, context)?);
    Ok(events)
}

fn decide_now(
    state: &State,
    command: &Command,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::Create {
            actor,
            id,
            tender,
            config,
            tender_id,
            owner_token_hash,
            transfer_token_hash,
            slot,
        } => creation::create(
            state,
            actor,
            id,
            tender,
            config,
            tender_id,
            (owner_token_hash, transfer_token_hash),
            *slot,
            context,
        ),
        Command::Edit {
            actor,
            edit,
            slot,
            as_draft,
        } => creation::edit(state, actor, edit, (*slot, *as_draft), context),
        Command::Activate { actor, edit, slot } => {
            creation::activate(state, actor, edit, *slot, context)
        }
        Command::AskQuestion {
            actor,
            question,
            author_hash,
        } => enquiries::ask(state, actor, question, author_hash, context),
        Command::AnswerQuestion {
            actor,
            question_id,
            answer,
        } => enquiries::answer(state, actor, question_id, answer, context),
        Command::SubmitBid {
            actor,
            bid,
            stage,
            token_hash,
            transfer_hash,
        } => tendering::submit_bid(
            state,
            actor,
            bid,
            (*stage, token_hash, transfer_hash.as_deref()),
            context,
        ),
        Command::EditBid {
            actor,
            bid_id,
            edit,
            stage,
        } => tendering::edit_bid(state, actor, bid_id, edit, *stage, context),
        Command::WithdrawBid { actor, bid_id } => {
            tendering::withdraw_bid(state, actor, bid_id, context)
        }
        Command::SetAuctionUrls { lot_id, lots, bids } => {
            auction::set_urls(state, lot_id, lots, bids, context)
        }
        Command::RecordAuction { lot_id, results } => {
            auction::record(state, lot_id, results, context)
        }
        Command::RecordAuctionOutcome { outcome } => {
            auction::record_outcome(state, outcome, context)
        }
        Command::QualifyAward {
            actor,
            award_id,
            qualified,
        } => qualification::qualify(state, actor, award_id, *qualified, context),
        Command::DisqualifyAward {
            actor,
            award_id,
            qualified,
        } => qualification::disqualify(state, actor, award_id, *qualified, context),
        Command::CancelAward { actor, award_id } => {
            qualification::cancel(state, actor, award_id, context)
        }
        Command::ActivateContract {
            contract_id,
            date_signed,
        } => qualification::activate_contract(state, contract_id, *date_signed, context),
        Command::RequestCancellation {
            actor,
            cancellation,
        } => cancellation::request(state, actor, cancellation, context),
        Command::ActivateCancellation {
            actor,
            cancellation_id,
        } => cancellation::activate(state, actor, cancellation_id, context),
        Command::AbandonCancellation {
            actor,
            cancellation_id,
        } => cancellation::abandon(state, actor, cancellation_id, context),
        Command::AddDocument {
            actor,
            target,
            document,
        } => documents::request(
            state,
            actor,
            target,
            common::documents::Request::Add(document),
            context,
        ),
        Command::EditDocument {
            actor,
            target,
            document_id,
            edit,
        } => documents::request(
            state,
            actor,
            target,
            common::documents::Request::Edit(document_id, edit),
            context,
        ),
        Command::AddDocumentVersion {
            actor,
            target,
            document_id,
            document,
        } => documents::request(
            state,
            actor,
            target,
            common::documents::Request::Version(document_id, document),
            context,
        ),
        Command::CheckDue => schedule::check_due(state, context),
    }
}
