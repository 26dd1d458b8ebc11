//! The rules: which command is allowed when, and what it leads to, one file
//! per stage of the tender; this one only sends each command to its stage.

mod cancellation;
mod contracts;
mod creation;
mod documents;
mod qualification;
mod records;
mod schedule;
mod tendering;
mod transfer;

pub use creation::CONTRACT_TEMPLATE_NAME;
pub use schedule::next_check;

use super::command::Command;
use super::event::Event;
use super::state::State;
use crate::Context;
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
        Command::Edit {
            actor,
            edit,
            catalogue,
        } => creation::edit_tender(state, actor, edit, catalogue.as_ref(), context),
        Command::SubmitBid {
            actor,
            bid,
            token_hash,
        } => tendering::submit_bid(state, actor, bid, token_hash, context),
        Command::EditBid {
            actor,
            bid_id,
            edit,
        } => tendering::edit_bid(state, actor, bid_id, edit, context),
        Command::WithdrawBid { actor, bid_id } => {
            tendering::withdraw_bid(state, actor, bid_id, context)
        }
        Command::DecideAward {
            actor,
            award_id,
            edit,
        } => qualification::decide_award(state, actor, award_id, edit, context),
        Command::EditContract {
            actor,
            contract_id,
            edit,
        } => contracts::edit_contract(state, actor, contract_id, edit, context),
        Command::RequestCancellation {
            actor,
            cancellation,
        } => cancellation::request_cancellation(state, actor, cancellation, context),
        Command::EditCancellation {
            actor,
            cancellation_id,
            edit,
        } => cancellation::edit_cancellation(state, actor, cancellation_id, edit, context),
        Command::AddDocument {
            actor,
            target,
            document,
        } => documents::add_document(state, actor, target, document, context),
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
        Command::CheckDue => schedule::check_due(state, context),
    }
}
