//! The sale's auction is the Dutch one, run by the CDB
//! ([`crate::auction::Auctioned`]): while the procedure is
//! `active_auction`, it starts at `auctionPeriod.startDate` from the
//! starting price with round 1's N steps, `minimalStep` for round 3, the
//! procedure's lengths, and the active bids as participants in the order
//! they were placed; a bid placed or activated during round 1 joins it.
//! Its ranking comes back as the results, its failure as
//! `RecordAuctionFailure`.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use super::{Actor, BidStatus, Command, DutchSale, ProcedureStatus, State};
use crate::auction::dutch::{self, Dutch};
use crate::auction::{RunsAuction, Setup, Unsuccessful};
use crate::handoff::{AuctionHandOff, AuctionOutcome};
use crate::procurement::Refusal;

/// The active bids, in the order they were placed: the participants.
fn participants(state: &State) -> Vec<String> {
    state
        .procedure
        .iter()
        .flat_map(|procedure| &procedure.bids)
        .filter(|bid| bid.status == BidStatus::Active)
        .map(|bid| bid.id.clone())
        .collect()
}

impl AuctionHandOff for DutchSale {
    /// No outside auction module runs a Dutch sale's auction.
    fn auction_view(_state: &State) -> Result<Json, Refusal> {
        Err(Refusal::not_found("auction"))
    }

    fn auction_outcome(service: &str, outcome: AuctionOutcome) -> Command {
        Command::RecordAuction {
            actor: Actor::auction_service(service),
            outcome,
        }
    }

    fn auction_failed(service: &str, reason: Unsuccessful) -> Option<Command> {
        Some(Command::RecordAuctionFailure {
            actor: Actor::auction_service(service),
            reason,
        })
    }
}

impl RunsAuction<Dutch> for DutchSale {
    fn auction_setup(state: &State, _now: DateTime<Utc>) -> Option<Setup<dutch::Parameters>> {
        let procedure = state.procedure.as_ref()?;
        if procedure.status != ProcedureStatus::ActiveAuction {
            return None;
        }
        // The schedule is the one published: bids close at the end of the
        // round 1 it lays out, so a late start would move what was promised.
        let mut parameters = dutch::Parameters::new(
            procedure.auction_start()?,
            procedure.value.amount,
            procedure.minimal_step.amount,
            participants(state),
        );
        parameters.timing = state
            .config
            .timing(procedure.auction_parameters.dutch_step_quantity);
        Some(Setup {
            procedure_id: procedure.id.clone(),
            auction_id: procedure.auction_id.clone(),
            parameters,
        })
    }

    fn auction_participants(state: &State) -> Vec<String> {
        participants(state)
    }
}
