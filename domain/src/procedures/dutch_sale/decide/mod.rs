//! The rules: which command is allowed when, by whom, and what it leads to,
//! one file per stage of the sale; this one sends each command to its
//! stage and keeps the scratch state consequences are worked out on.

mod auction;
mod awards;
mod creation;
mod documents;
mod tendering;

use chrono::{DateTime, Utc};

use super::command::Command;
use super::event::Event;
use super::state::{State, evolve};
use super::{Procedure, ProcedureStatus};
use crate::Context;
use crate::procedures::common;
use crate::procedures::common::{lookup, ownership, refusals};
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
            creation::Publication {
                id,
                auction_id,
                input: procedure,
                config,
                owner_token_hash,
            },
            context,
        ),
        Command::Edit { actor, edit } => creation::edit(state, actor, edit, context),
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
        Command::RecordAuction { actor, outcome } => {
            auction::record_results(state, actor, outcome, context)
        }
        Command::RecordAuctionFailure { actor, reason } => {
            auction::record_failure(state, actor, *reason, context)
        }
        Command::QualifyAward { actor, award_id } => {
            awards::qualify(state, actor, award_id, context)
        }
        Command::DisqualifyAward {
            actor,
            award_id,
            reason,
        } => awards::disqualify(state, actor, award_id, reason, context),
        Command::RefuseAward { actor, award_id } => awards::refuse(state, actor, award_id, context),
        Command::SignContract { actor, contract_id } => {
            awards::sign_contract(state, actor, contract_id, context)
        }
        Command::Cancel {
            actor,
            cancellation,
        } => {
            let procedure = ownership::owned_root(state, actor)?;
            if procedure.status.is_terminal() {
                return Err(refusals::status_refusal(procedure, "cancel procedure"));
            }
            Ok(vec![Event::ProcedureCancelled {
                cancellation: Box::new(cancellation.decide(context)?),
            }])
        }
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
        Command::CheckDue => auction::check_due(state, context),
    }
}

/// The one automatic transition of the procedure itself: the auction's
/// start. The auction's own stages are the engine's.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    let procedure = state.procedure.as_ref()?;
    (procedure.status == ProcedureStatus::ActiveTendering)
        .then(|| procedure.auction_start())
        .flatten()
}

/// Events decided so far, folded into a scratch state as they are decided,
/// so that each next rule reads the state the events will produce on
/// replay.
struct Outcome {
    scratch: State,
    events: Vec<Event>,
}

impl Outcome {
    fn new(state: &State) -> Self {
        Outcome {
            scratch: state.clone(),
            events: Vec::new(),
        }
    }

    fn push(&mut self, event: Event) {
        self.scratch = evolve(std::mem::take(&mut self.scratch), &event);
        self.events.push(event);
    }

    fn procedure(&self) -> Result<&Procedure, Refusal> {
        lookup::root(&self.scratch)
    }
}
