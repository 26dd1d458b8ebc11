//! A procedure whose auction the CDB runs itself. [`Auctioned<P, E>`] is one
//! decider made of the procedure's `P` and the auction engine's `E`: the
//! procedure's events and its auction's (stream `auction-<id>`) share one
//! log, one version sequence and one hash chain, so replay, `verify` and the
//! read side cover both, and the stored kind stays the procedure's.
//!
//! Besides passing commands on, it takes three decisions of its own after
//! every command, in the same append as what caused them:
//! - the procedure is in its auction stage ([`RunsAuction::auction_setup`])
//!   and no auction is scheduled: it records where the auction is watched
//!   (`AuctionLinked`) and schedules it with the procedure's parameters;
//! - the auction has a ranking while the procedure is still in its auction
//!   stage: the procedure records the outcome through the same command the
//!   external hand-off produces ([`AuctionHandOff::auction_outcome`]), so
//!   the auction's end and the procedure's next step are one commit;
//! - the procedure has left its auction stage (it was cancelled) while the
//!   auction runs: the auction is cancelled.
//!
//! An auction that ends without a ranking (a Dutch auction nobody stopped)
//! is left for the procedure to read through [`Live`]; a procedure type
//! with such an ending decides its own next step.

mod event;
mod published;
#[cfg(test)]
mod tests;

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

pub use event::{Event, LINKED};

use super::{AuctionEngine, AuctionResult, Command as AuctionCommand, Stage};
use crate::handoff::AuctionHandOff;
use crate::procurement::{Amount, Refusal};
use crate::{Context, Decider, Scheduled};

/// The service name the auction's outcome is recorded under.
pub const SERVICE: &str = "auction";

/// The procedure `P` with its auction run by the engine `E`.
pub struct Auctioned<P, E>(PhantomData<(P, E)>);

/// What a procedure gives to set its auction up.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup<Parameters> {
    /// The procedure's id: it names the auction's stream and page.
    pub procedure_id: String,
    /// The id the procedure shows for its auction (`auctionID`).
    pub auction_id: String,
    pub parameters: Parameters,
}

/// A procedure type that can run its auction with engine `E`; it reads
/// what the auction may know through its hand-off rules.
pub trait RunsAuction<E: AuctionEngine>: AuctionHandOff + Scheduled<Error = Refusal> {
    /// The auction to run while the procedure is in its auction stage, at
    /// `now`; `None` outside that stage.
    fn auction_setup(state: &Self::State, now: DateTime<Utc>) -> Option<Setup<E::Parameters>>;
}

/// What a participant asks of the auction, through its participation link.
#[derive(Debug, Clone, PartialEq)]
pub enum Participation {
    Join {
        bid_id: String,
    },
    /// An amount, or `None` to accept the price on offer (Dutch round 1).
    Bid {
        bid_id: String,
        amount: Option<Amount>,
    },
    CancelBid {
        bid_id: String,
    },
}

impl Participation {
    pub fn bid_id(&self) -> &str {
        match self {
            Participation::Join { bid_id }
            | Participation::Bid { bid_id, .. }
            | Participation::CancelBid { bid_id } => bid_id,
        }
    }

    fn command<P>(&self) -> AuctionCommand<P> {
        match self.clone() {
            Participation::Join { bid_id } => AuctionCommand::Join { bid_id },
            Participation::Bid { bid_id, amount } => AuctionCommand::Bid { bid_id, amount },
            Participation::CancelBid { bid_id } => AuctionCommand::CancelBid { bid_id },
        }
    }
}

/// What the auction page, the live channel and participation links read of
/// a procedure. A procedure type without an auction run here takes the
/// defaults: it has none.
pub trait Live: Decider {
    /// Whether procedures of this type run their auction in the CDB.
    const RUNS_AUCTION: bool = false;

    /// What everyone may see of the auction at `now`; `None` while there
    /// is none.
    fn auction_view(_state: &Self::State, _now: DateTime<Utc>) -> Option<Json> {
        None
    }

    /// What participant `bid_id` sees at `now`; `None` when it takes no
    /// part.
    fn participant_view(_state: &Self::State, _bid_id: &str, _now: DateTime<Utc>) -> Option<Json> {
        None
    }

    /// The auction's stages (empty while there is none).
    fn auction_stages(_state: &Self::State) -> &[Stage] {
        &[]
    }

    /// The auction's protocol once it has ended: every stage, every turn
    /// and bid with its time, and the result.
    fn auction_protocol(_state: &Self::State) -> Option<Json> {
        None
    }

    /// The command a participant's request asks for; `None` when the type
    /// runs no auction here.
    fn participation(_request: Participation) -> Option<Self::Command> {
        None
    }
}

/// The joined state: the procedure's, its auction's and the auction's page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State<ProcedureState, AuctionState> {
    pub procedure: ProcedureState,
    pub auction: AuctionState,
    /// Where observers watch the auction (`auctionUrl`), once scheduled.
    pub auction_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command<ProcedureCommand> {
    /// A command of the procedure's own.
    Procedure(ProcedureCommand),
    /// A participant's request to the auction.
    Participate(Participation),
    /// The scheduler's: whatever is due in the procedure or its auction.
    Due,
}

type Joined<P, E> = State<<P as Decider>::State, <E as Decider>::State>;
type JoinedEvent<P, E> = Event<<P as Decider>::Event, <E as Decider>::Event>;

impl<P, E> Decider for Auctioned<P, E>
where
    P: RunsAuction<E>,
    P::State: Clone,
    E: AuctionEngine,
    E::State: Clone,
{
    type State = Joined<P, E>;
    type Command = Command<P::Command>;
    type Event = JoinedEvent<P, E>;
    type Error = Refusal;

    const KIND: &'static str = P::KIND;

    fn decide(
        state: &Self::State,
        command: &Self::Command,
        context: &Context<'_>,
    ) -> Result<Vec<Self::Event>, Refusal> {
        let mut run = Run::<P, E> {
            state: state.clone(),
            events: Vec::new(),
        };
        match command {
            Command::Procedure(command) => {
                let events = P::decide(&run.state.procedure, command, context)?;
                run.procedure(events);
            }
            Command::Participate(request) => {
                let events = E::decide(&run.state.auction, &request.command(), context)?;
                run.auction(events);
            }
            Command::Due => {
                let events = E::decide(&run.state.auction, &E::due_command(), context)?;
                run.auction(events);
                let events = P::decide(&run.state.procedure, &P::due_command(), context)?;
                run.procedure(events);
            }
        }
        run.settle(context)?;
        Ok(run.events)
    }

    fn evolve(state: Self::State, event: &Self::Event) -> Self::State {
        let State {
            procedure,
            auction,
            auction_url,
        } = state;
        match event {
            Event::Procedure(event) => State {
                procedure: P::evolve(procedure, event),
                auction,
                auction_url,
            },
            Event::Auction(event) => State {
                procedure,
                auction: E::evolve(auction, event),
                auction_url,
            },
            Event::Linked { auction_url, .. } => State {
                procedure,
                auction,
                auction_url: Some(auction_url.clone()),
            },
        }
    }
}

impl<P, E> Scheduled for Auctioned<P, E>
where
    P: RunsAuction<E>,
    P::State: Clone,
    E: AuctionEngine,
    E::State: Clone,
{
    fn next_check(state: &Self::State) -> Option<DateTime<Utc>> {
        [
            P::next_check(&state.procedure),
            E::next_check(&state.auction),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn due_command() -> Self::Command {
        Command::Due
    }
}

/// One decision in progress: the state so far and the events that made it.
struct Run<P: Decider, E: Decider> {
    state: Joined<P, E>,
    events: Vec<JoinedEvent<P, E>>,
}

impl<P, E> Run<P, E>
where
    P: RunsAuction<E>,
    P::State: Clone,
    E: AuctionEngine,
    E::State: Clone,
{
    fn procedure(&mut self, events: Vec<P::Event>) {
        for event in events {
            self.push(Event::Procedure(event));
        }
    }

    fn auction(&mut self, events: Vec<E::Event>) {
        for event in events {
            self.push(Event::Auction(event));
        }
    }

    fn push(&mut self, event: JoinedEvent<P, E>) {
        let state = std::mem::take(&mut self.state);
        self.state = Auctioned::<P, E>::evolve(state, &event);
        self.events.push(event);
    }

    /// The decisions the module documentation lists; each leads to a state
    /// where none is due again, so three rounds always settle.
    fn settle(&mut self, context: &Context<'_>) -> Result<(), Refusal> {
        for _ in 0..3 {
            let setup = P::auction_setup(&self.state.procedure, context.now);
            let scheduled = !E::stages(&self.state.auction).is_empty();
            let result = E::result(&self.state.auction);
            match (setup, scheduled, result) {
                (Some(setup), false, _) => {
                    let auction_url =
                        format!("{}/auctions/{}", context.public_url(), setup.procedure_id);
                    self.push(Event::Linked {
                        auction_url,
                        at: context.now,
                    });
                    let schedule = AuctionCommand::Schedule {
                        auction_id: setup.auction_id,
                        parameters: setup.parameters,
                    };
                    let events = E::decide(&self.state.auction, &schedule, context)?;
                    self.auction(events);
                }
                (Some(_), true, Some(result @ AuctionResult::Completed { .. })) => {
                    let Some(outcome) = result.outcome() else {
                        return Ok(());
                    };
                    let record = P::auction_outcome(SERVICE, outcome);
                    let events = P::decide(&self.state.procedure, &record, context)?;
                    self.procedure(events);
                }
                (None, true, None) => {
                    let events = E::decide(&self.state.auction, &AuctionCommand::Cancel, context)?;
                    self.auction(events);
                }
                _ => return Ok(()),
            }
        }
        Ok(())
    }
}
