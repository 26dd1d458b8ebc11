//! The tender's reverse auction (spec §9): what an auction may read of the
//! tender while it is `active.auction`, how its outcome comes back, and
//! the auction the CDB runs itself ([`crate::auction::Auctioned`] with the
//! descending turn-based engine).
//!
//! Run by the CDB, the auction starts at the lot's
//! `auctionPeriod.startDate` with the lot's `minimalStep` and, as bidders,
//! the bids whose lot value for the lot is active, in the tender's bid
//! order, at their sealed prices. Its ranking comes back as
//! [`Command::RecordAuctionOutcome`]: the hand-off has no state to name the
//! lot or the tender's bid order with, so the decider supplies both (the
//! tender has one lot, §13) and applies the rules of the outside module's
//! positional [`Command::RecordAuction`]. An outside module still reads
//! [`AuctionHandOff::auction_view`] and reports through `RecordAuction` or
//! the same outcome.

use chrono::{DateTime, Utc};
use serde_json::{Value as Json, json};

use super::{Bid, Command, Lot, LotStatus, LotValue, LotValueStatus, OpenTender, State};
use super::{Tender, TenderStatus};
use crate::auction::turn_based::{self, Participant, TurnBased};
use crate::auction::{Direction, RunsAuction, Setup};
use crate::handoff::{AuctionHandOff, AuctionOutcome};
use crate::procedures::common::{lookup, refusals};
use crate::procurement::{Amount, Refusal};

/// The bids in `lot`'s auction, in the tender's order: counted bids whose
/// lot value for it is active (the ones `RecordAuction` needs an amount
/// for).
fn participants<'t>(tender: &'t Tender, lot: &Lot) -> Vec<(&'t Bid, &'t LotValue)> {
    tender
        .bids
        .iter()
        .filter(|bid| bid.counts())
        .filter_map(|bid| {
            let value = bid
                .lot_value(&lot.id)
                .filter(|value| value.status == LotValueStatus::Active)?;
            Some((bid, value))
        })
        .collect()
}

/// The price the bid was sealed with: the auction starts from it, and no
/// result may exceed it (Q11).
fn sealed(value: &LotValue) -> Amount {
    value.initial_value.as_ref().unwrap_or(&value.value).amount
}

impl AuctionHandOff for OpenTender {
    /// The auction role's read, not the public's: the bids are still
    /// sealed to everyone else, so this is only served to the auction.
    fn auction_view(state: &State) -> Result<Json, Refusal> {
        let tender = lookup::root(state)?;
        if tender.status != TenderStatus::ActiveAuction {
            return Err(refusals::status_refusal(tender, "get auction info"));
        }
        let lot = tender.lot().ok_or_else(|| Refusal::not_found("lot_id"))?;
        let bids: Vec<Json> = participants(tender, lot)
            .into_iter()
            .map(|(bid, value)| {
                json!({
                    "id": bid.id,
                    "date": crate::time::format_kyiv(bid.date),
                    "lotValues": [{
                        "relatedLot": value.related_lot,
                        "value": value.initial_value.as_ref().unwrap_or(&value.value),
                        "date": crate::time::format_kyiv(value.date),
                    }],
                })
            })
            .collect();
        Ok(json!({
            "id": tender.id,
            "tenderID": tender.tender_id,
            "status": tender.status,
            "procurementMethodType": tender.procurement_method_type,
            "awardCriteria": tender.award_criteria,
            "value": tender.value,
            "lots": [{
                "id": lot.id,
                "status": lot.status,
                "value": lot.value,
                "minimalStep": lot.minimal_step,
                "auctionPeriod": lot.auction_period,
            }],
            "bids": bids,
        }))
    }

    /// The service is not recorded: the tender's auction report carries no
    /// actor, the API authenticates the auction role.
    fn auction_outcome(_service: &str, outcome: AuctionOutcome) -> Command {
        Command::RecordAuctionOutcome { outcome }
    }
}

impl RunsAuction<TurnBased> for OpenTender {
    fn auction_setup(state: &State, now: DateTime<Utc>) -> Option<Setup<turn_based::Parameters>> {
        let tender = state.tender.as_ref()?;
        if tender.status != TenderStatus::ActiveAuction {
            return None;
        }
        let lot = tender.lot().filter(|lot| lot.status == LotStatus::Active)?;
        let planned = lot.auction_period.as_ref()?.start_date?;
        let step = lot.minimal_step.as_ref()?.amount;
        let participants: Vec<Participant> = participants(tender, lot)
            .into_iter()
            .map(|(bid, value)| Participant {
                bid_id: bid.id.clone(),
                amount: sealed(value),
                date: bid.date,
            })
            .collect();
        // The engine refuses fewer than two, and a refused setup would
        // refuse every command to the tender; the tender period's end never
        // starts an auction for one bid (it awards it directly), so this
        // only guards a state the decider does not produce.
        if participants.len() < 2 {
            return None;
        }
        let mut parameters =
            turn_based::Parameters::new(planned, Direction::Descending, step, participants);
        // Set up after its first turn would have begun (the server was down
        // at the tender period's end), the auction starts now rather than be
        // refused or cut a bidder's turn, as the multi-award sale's does.
        // Replay is unaffected: the start is recorded in `AuctionScheduled`.
        if now >= planned + parameters.timing.opening_pause {
            parameters.start = now;
        }
        Some(Setup {
            procedure_id: tender.id.clone(),
            auction_id: format!("{}_{}", tender.tender_id, lot.id),
            parameters,
        })
    }
}

/// Its auction can run through `Auctioned`, which says so; the tender alone
/// shows none.
impl crate::auction::Live for OpenTender {}
