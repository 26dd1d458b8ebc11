//! A decision that sets off consequences (a disqualification promoting the
//! next waiting award, a signed contract letting the CDB choose the
//! conditional winner, the procedure's status following the awards) is
//! worked out on a scratch copy of the state: each event is folded in as
//! soon as it is decided, so the next rule reads exactly the state the
//! events will produce on replay.

use crate::procedures::common::lookup;
use crate::procedures::multi_award_sale::state::{State, evolve};
use crate::procedures::multi_award_sale::{Event, Procedure};
use crate::procurement::Refusal;

/// Events decided so far, folded into a scratch state as they are decided.
pub(super) struct Outcome {
    pub(super) scratch: State,
    pub(super) events: Vec<Event>,
}

impl Outcome {
    pub(super) fn new(state: &State) -> Self {
        Outcome {
            scratch: state.clone(),
            events: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, event: Event) {
        self.scratch = evolve(std::mem::take(&mut self.scratch), &event);
        self.events.push(event);
    }

    pub(super) fn procedure(&self) -> Result<&Procedure, Refusal> {
        lookup::root(&self.scratch)
    }
}
