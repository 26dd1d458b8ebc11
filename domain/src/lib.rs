//! The domain of opencdb: values, events and one decider per procedure type.
//!
//! This crate is pure. It never reads a clock, never draws random numbers and
//! never performs I/O: the current time and fresh ids arrive through
//! [`Context`], facts from outside systems arrive inside commands, and every
//! decision is a plain function of (state, command, context).

pub mod auction;
pub mod calendar;
pub mod context;
pub mod decider;
pub mod event;
pub mod handoff;
pub mod id;
pub mod procedures;
pub mod procurement;
pub mod published;
pub mod testing;
pub mod time;

pub use context::{Context, IdSource};
pub use decider::{Decider, Scheduled};
pub use event::{DomainEvent, EventDecodeError};
pub use handoff::AuctionHandOff;
pub use id::Id;
pub use published::{PublicEvent, Published};
