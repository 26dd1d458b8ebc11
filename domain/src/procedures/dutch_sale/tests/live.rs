//! The sale with its auction run by the CDB: `Auctioned<DutchSale, Dutch>`,
//! the procedure's log and the Dutch engine's in one. A [`Live`] is a spec
//! of the joined decider driven step by step as the scheduler and the
//! participants' pages would drive it.

use chrono::{DateTime, Utc};

use super::super::*;
use super::fixtures::*;
use crate::Scheduled;
use crate::auction::auctioned::{self, Participation};
use crate::auction::{AuctionEngine, Auctioned, Dutch, dutch};
use crate::testing::{Outcome, Spec};

pub type LiveSale = Auctioned<DutchSale, Dutch>;
pub type LiveEvent = auctioned::Event<Event, dutch::Event>;
pub type LiveCommand = auctioned::Command<Command>;

pub struct Live {
    pub spec: Spec<LiveSale>,
}

impl Live {
    /// The sale published with `n` bids of participants 1..=n, at the
    /// auction's start.
    pub fn with_bids(n: usize) -> Self {
        Live::given(std::iter::once(created()).chain(bids(n)).collect())
    }

    /// The sale as `events` of the procedure leave it, at the auction's
    /// start.
    pub fn given(events: Vec<Event>) -> Self {
        let spec = Spec::given(events.into_iter().map(LiveEvent::Procedure))
            .at(auction_start())
            .ids_from(2);
        Live { spec }
    }

    pub fn state(&self) -> &auctioned::State<State, dutch::State> {
        self.spec.state()
    }

    pub fn procedure(&self) -> &Procedure {
        procedure(&self.state().procedure)
    }

    pub fn status(&self) -> &'static str {
        self.procedure().status.as_str()
    }

    pub fn awards(&self) -> Vec<(String, &'static str)> {
        awards(&self.state().procedure)
    }

    pub fn next_check(&self) -> Option<DateTime<Utc>> {
        LiveSale::next_check(self.state())
    }

    /// `command` at `at`, which must be accepted; its events.
    #[track_caller]
    pub fn at(&mut self, at: DateTime<Utc>, command: LiveCommand) -> Vec<LiveEvent> {
        self.spec.set_now(at);
        self.spec.step(command)
    }

    /// `command` tried at `at`, the history unchanged.
    pub fn when_at(&mut self, at: DateTime<Utc>, command: LiveCommand) -> Outcome<'_, LiveSale> {
        self.spec.set_now(at);
        self.spec.when(command)
    }

    /// A command of the procedure's own at `at`.
    #[track_caller]
    pub fn procedure_command(&mut self, at: DateTime<Utc>, command: Command) -> Vec<LiveEvent> {
        self.at(at, auctioned::Command::Procedure(command))
    }

    /// The scheduler at `at`.
    #[track_caller]
    pub fn due(&mut self, at: DateTime<Utc>) -> Vec<LiveEvent> {
        self.at(at, auctioned::Command::Due)
    }

    /// `auctionPeriod.startDate`: the auction is set up.
    #[track_caller]
    pub fn start(&mut self) -> Vec<LiveEvent> {
        self.due(auction_start())
    }

    /// Participant `u` accepts the auction's terms at `at`.
    #[track_caller]
    pub fn accept_terms(&mut self, u: usize, at: DateTime<Utc>) {
        self.at(
            at,
            auctioned::Command::Participate(Participation::Terms {
                bid_id: bid_id(u),
                accepted: true,
            }),
        );
    }

    /// Participant `u` bids `value` at `at` (`None`: round 1's stop).
    #[track_caller]
    pub fn bid(&mut self, u: usize, at: DateTime<Utc>, value: Option<&str>) -> Vec<LiveEvent> {
        self.at(at, bid(u, value))
    }

    /// The auction set up with participants 1..=n, each of whom accepted
    /// the terms during the pause.
    pub fn running(n: usize) -> Self {
        let mut live = Live::with_bids(n);
        live.start();
        for u in 1..=n {
            live.accept_terms(u, on_auction_day("09:38:10"));
        }
        live
    }

    /// The engine's step stage `k` (round 1).
    pub fn step(&self, k: u32) -> crate::auction::Stage {
        Dutch::stages(&self.state().auction)
            .iter()
            .find(|stage| stage.kind == "step" && stage.number == Some(k))
            .cloned()
            .unwrap_or_else(|| panic!("no step {k}"))
    }
}

/// Participant `u`'s bid in the auction (`None`: round 1's stop).
pub fn bid(u: usize, value: Option<&str>) -> LiveCommand {
    auctioned::Command::Participate(Participation::Bid {
        bid_id: bid_id(u),
        amount: value.map(amount),
    })
}

/// The procedure's events among `events`, by stored name.
pub fn types(events: &[LiveEvent]) -> Vec<&'static str> {
    crate::testing::event_types(events)
}
