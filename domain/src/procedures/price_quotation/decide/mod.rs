//! The rules: which command is allowed when, and what it leads to, one file
//! per stage of the tender; this one only sends each command to its stage.

mod cancellation;
mod contracts;
mod creation;
mod documents;
mod qualification;
mod records;
mod schedule;
mod signatures;
mod tendering;
mod transfer;

pub use creation::CONTRACT_TEMPLATE_NAME;
#[cfg(test)]
pub(crate) use creation::contract_change_rationale_types;
pub use schedule::{agreement_to_check, next_check};

use super::command::Command;
use super::event::Event;
use super::state::State;
use crate::Context;
use crate::procedures::common;
use crate::procurement::Refusal;

pub fn decide(
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
        } => creation::create(
            state,
            actor,
            id,
            tender,
            config,
            tender_id,
            owner_token_hash,
            transfer_token_hash,
            context,
        ),
        Command::EditDraft { actor, edit } => creation::edit_draft(state, actor, edit, context),
        Command::Activate {
            actor,
            edit,
            catalogue,
        } => creation::activate(state, actor, edit, catalogue.as_ref(), context),
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
        Command::QualifyAward { actor, award_id } => {
            qualification::qualify(state, actor, award_id, context)
        }
        Command::DisqualifyAward { actor, award_id } => {
            qualification::disqualify(state, actor, award_id, context)
        }
        Command::CancelAward { actor, award_id } => {
            qualification::cancel(state, actor, award_id, context)
        }
        Command::SignContract { actor, contract_id } => {
            contracts::sign(state, actor, contract_id, context)
        }
        Command::RequestCancellation {
            actor,
            cancellation,
        } => cancellation::request_cancellation(state, actor, cancellation, context),
        Command::EditCancellation {
            actor,
            cancellation_id,
            reason,
            reason_type,
        } => cancellation::edit_cancellation(
            state,
            actor,
            cancellation_id,
            (reason.as_deref(), reason_type.as_deref()),
            context,
        ),
        Command::ActivateCancellation {
            actor,
            cancellation_id,
            reason,
            reason_type,
        } => cancellation::activate_cancellation(
            state,
            actor,
            cancellation_id,
            (reason.as_deref(), reason_type.as_deref()),
            context,
        ),
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
        Command::TransferOwnership {
            broker,
            transfer_hash,
            new_token_hash,
            new_transfer_hash,
        } => transfer::transfer(
            state,
            broker,
            transfer_hash,
            new_token_hash,
            new_transfer_hash,
            context,
        ),
        Command::CheckDue { agreement } => schedule::check_due(state, agreement.as_ref(), context),
    }
}
