//! What the auction of a sale may read and how its outcome comes back
//! (spec §4): while the procedure is `active_auction`, the lot and the
//! active bids with their prices and quantities; the outcome is each bid's
//! final price per unit with the time it was last raised.
//!
//! When the CDB runs the auction itself ([`crate::auction::Auctioned`]), it
//! is the ascending turn-based one (spec §4: prices per unit go up,
//! quantities are untouched), with the active bids in their order as
//! bidders and the generated `minimalStep` as the step; the ranking and
//! allocation of §4.1 then apply to its result as to one posted from
//! outside.

use chrono::{DateTime, Utc};
use serde_json::{Value as Json, json};

use super::{Actor, AuctionResult, BidStatus, Command, MultiAwardSale, ProcedureStatus, State};
use crate::auction::turn_based::{self, Participant, TurnBased};
use crate::auction::{Direction, RunsAuction, Setup};
use crate::handoff::{AuctionHandOff, AuctionOutcome};
use crate::procurement::Refusal;

impl AuctionHandOff for MultiAwardSale {
    fn auction_view(state: &State) -> Result<Json, Refusal> {
        let procedure = state
            .procedure
            .as_ref()
            .ok_or_else(|| Refusal::not_found("procedure_id"))?;
        if procedure.status != ProcedureStatus::ActiveAuction {
            return Err(Refusal::not_allowed(format!(
                "Can't get auction info in current ({}) procedure status",
                procedure.status.as_str()
            )));
        }
        let bids: Vec<Json> = procedure
            .bids
            .iter()
            .filter(|bid| bid.status == BidStatus::Active)
            .map(|bid| {
                json!({
                    "id": bid.id,
                    "value": bid.value,
                    "quantity": bid.quantity,
                    "date": crate::time::format_kyiv(bid.date_modified),
                })
            })
            .collect();
        Ok(json!({
            "id": procedure.id,
            "auctionId": procedure.auction_id,
            "status": procedure.status,
            "value": procedure.value,
            "minimalStep": procedure.minimal_step,
            "minimalPart": procedure.minimal_part,
            "items": procedure.items,
            "auctionPeriod": procedure.auction_period,
            "bids": bids,
        }))
    }

    fn auction_outcome(service: &str, outcome: AuctionOutcome) -> Command {
        Command::RecordAuctionResults {
            actor: Actor::auction_service(service),
            results: outcome
                .bids
                .into_iter()
                .map(|bid| AuctionResult {
                    bid_id: bid.id,
                    value: bid.value.amount,
                    date: bid.date,
                })
                .collect(),
        }
    }
}

impl RunsAuction<TurnBased> for MultiAwardSale {
    fn auction_setup(state: &State, now: DateTime<Utc>) -> Option<Setup<turn_based::Parameters>> {
        let procedure = state.procedure.as_ref()?;
        if procedure.status != ProcedureStatus::ActiveAuction {
            return None;
        }
        let participants = procedure
            .bids
            .iter()
            .filter(|bid| bid.status == BidStatus::Active)
            .map(|bid| Participant {
                bid_id: bid.id.clone(),
                amount: bid.value.amount,
                date: bid.date_modified,
            })
            .collect();
        let planned = procedure
            .auction_period
            .as_ref()
            .and_then(|period| period.start_date)
            .unwrap_or(now);
        let mut parameters = turn_based::Parameters::new(
            planned,
            Direction::Ascending,
            procedure.minimal_step.amount,
            participants,
        );
        // Set up after its first turn would have begun (the server was
        // down), the auction starts now rather than cut a bidder's turn.
        if now >= planned + parameters.timing.opening_pause {
            parameters.start = now;
        }
        Some(Setup {
            procedure_id: procedure.id.clone(),
            auction_id: procedure.auction_id.clone(),
            parameters,
        })
    }
}
