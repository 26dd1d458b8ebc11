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
//!   auction runs: the auction is cancelled;
//! - a bid the procedure counts among the running auction's participants
//!   ([`RunsAuction::auction_participants`]) is not yet in it: it joins.
//!
//! An auction that ends without a ranking (a Dutch auction nobody stopped)
//! is recorded through [`AuctionHandOff::auction_failed`]. An engine that
//! asks its terms ([`AuctionEngine::ASKS_TERMS`], the Dutch auction's
//! disclaimer) takes a participant's commands only once it has accepted
//! them; the answer is a fact in the log (`AuctionTermsAnswered`), final.

mod event;
mod published;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

pub use event::{Event, LINKED, TERMS};

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

    /// The bids that take part in the running auction. A procedure whose
    /// bids may still be placed once its auction runs (the Dutch sale's
    /// AD-3: until round 1 ends) names them all, and each one the engine
    /// does not know yet joins it in the same append; by default nobody
    /// joins after the auction was set up.
    fn auction_participants(_state: &Self::State) -> Vec<String> {
        Vec::new()
    }
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
    /// The participant's answer to the auction's terms ("Погоджуюсь" /
    /// "Не погоджуюсь"), for an engine that asks them.
    Terms {
        bid_id: String,
        accepted: bool,
    },
}

impl Participation {
    pub fn bid_id(&self) -> &str {
        match self {
            Participation::Join { bid_id }
            | Participation::Bid { bid_id, .. }
            | Participation::CancelBid { bid_id }
            | Participation::Terms { bid_id, .. } => bid_id,
        }
    }

    /// The engine's command; `None` for the terms, which are this
    /// module's.
    fn command<P>(&self) -> Option<AuctionCommand<P>> {
        Some(match self.clone() {
            Participation::Join { bid_id } => AuctionCommand::Join { bid_id },
            Participation::Bid { bid_id, amount } => AuctionCommand::Bid { bid_id, amount },
            Participation::CancelBid { bid_id } => AuctionCommand::CancelBid { bid_id },
            Participation::Terms { .. } => return None,
        })
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
    /// Each participant's answer to the terms, by bid id (engines that ask).
    pub terms: BTreeMap<String, bool>,
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
            Command::Participate(request) => run.participate(request, context)?,
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

    fn evolve(mut state: Self::State, event: &Self::Event) -> Self::State {
        match event {
            Event::Procedure(event) => {
                state.procedure = P::evolve(std::mem::take(&mut state.procedure), event);
            }
            Event::Auction(event) => {
                state.auction = E::evolve(std::mem::take(&mut state.auction), event);
            }
            Event::Linked { auction_url, .. } => state.auction_url = Some(auction_url.clone()),
            Event::TermsAnswered {
                bid_id, accepted, ..
            } => {
                state.terms.insert(bid_id.clone(), *accepted);
            }
        }
        state
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

    /// A participant's request: the terms are answered here, anything
    /// else goes to the engine once the participant has accepted them (if
    /// the engine asks).
    fn participate(
        &mut self,
        request: &Participation,
        context: &Context<'_>,
    ) -> Result<(), Refusal> {
        let bid_id = request.bid_id();
        let Some(command) = request.command() else {
            let Participation::Terms { accepted, .. } = request else {
                return Ok(());
            };
            if !E::ASKS_TERMS {
                return Err(Refusal::not_allowed("This auction asks no terms"));
            }
            if E::participant_view(&self.state.auction, bid_id, context.now).is_none() {
                return Err(super::rules::unknown_bidder(bid_id));
            }
            // Spec Q16: an answer is final until the rules say otherwise.
            if self.state.terms.contains_key(bid_id) {
                return Err(Refusal::not_allowed(
                    "The auction's terms have already been answered",
                ));
            }
            self.push(Event::TermsAnswered {
                bid_id: bid_id.to_owned(),
                accepted: *accepted,
                at: context.now,
            });
            return Ok(());
        };
        if E::ASKS_TERMS && E::participant_view(&self.state.auction, bid_id, context.now).is_some()
        {
            match self.state.terms.get(bid_id) {
                Some(true) => {}
                Some(false) => {
                    return Err(Refusal::not_allowed(
                        "A participant who declined the auction's terms only observes it",
                    ));
                }
                None => return Err(Refusal::not_allowed("Accept the auction's terms first")),
            }
        }
        let events = E::decide(&self.state.auction, &command, context)?;
        self.auction(events);
        Ok(())
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
                (Some(_), true, Some(AuctionResult::Unsuccessful { reason, .. })) => {
                    let Some(record) = P::auction_failed(SERVICE, reason) else {
                        return Ok(());
                    };
                    let events = P::decide(&self.state.procedure, &record, context)?;
                    self.procedure(events);
                }
                (Some(_), true, None) => {
                    let late: Vec<String> = P::auction_participants(&self.state.procedure)
                        .into_iter()
                        .filter(|bid_id| {
                            E::participant_view(&self.state.auction, bid_id, context.now).is_none()
                        })
                        .collect();
                    if late.is_empty() {
                        return Ok(());
                    }
                    for bid_id in late {
                        let join = AuctionCommand::Join { bid_id };
                        let events = E::decide(&self.state.auction, &join, context)?;
                        self.auction(events);
                    }
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
