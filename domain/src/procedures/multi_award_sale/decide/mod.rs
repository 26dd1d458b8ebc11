//! The rules: which command is allowed when, by whom, and what it leads to,
//! one file per stage of the sale; this one only sends each command to its
//! stage.

mod auction;
mod awards;
mod cancellation;
mod contracts;
mod creation;
mod documents;
mod outcome;
mod qualification;
mod records;
mod schedule;
mod tendering;

#[cfg(test)]
mod calendar_tests;

pub use schedule::next_check;

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
            auction_id,
            procedure,
            config,
            owner_token_hash,
        } => creation::create(
            state,
            actor,
            id,
            auction_id,
            procedure,
            config,
            owner_token_hash,
            context,
        ),
        Command::Edit { actor, edit } => creation::edit_procedure(state, actor, edit, context),
        Command::Complete { actor } => contracts::complete(state, actor, context),
        Command::SubmitBid {
            actor,
            bid,
            stage,
            token_hash,
        } => tendering::submit_bid(state, actor, bid, *stage, token_hash, context),
        Command::EditBid {
            actor,
            bid_id,
            edit,
            stage,
        } => tendering::edit_bid(state, actor, bid_id, edit, *stage, context),
        Command::WithdrawBid { actor, bid_id } => {
            tendering::withdraw_bid(state, actor, bid_id, context)
        }
        Command::RecordAuctionResults { actor, results } => {
            auction::record_auction_results(state, actor, results, context)
        }
        Command::QualifyAward { actor, award_id } => {
            awards::qualify(state, actor, award_id, context)
        }
        Command::DisqualifyAward {
            actor,
            award_id,
            reason,
        } => awards::disqualify(state, actor, award_id, reason, context),
        Command::AcceptRemainder {
            actor,
            award_id,
            quantity,
        } => awards::accept_remainder(state, actor, award_id, *quantity, context),
        Command::RefuseRemainder { actor, award_id } => {
            awards::refuse_remainder(state, actor, award_id, context)
        }
        Command::SignContract { actor, contract_id } => {
            contracts::sign(state, actor, contract_id, context)
        }
        Command::Cancel {
            actor,
            cancellation,
        } => cancellation::cancel(state, actor, cancellation, context),
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
