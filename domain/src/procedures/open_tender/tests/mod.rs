//! Spec vectors of belowThreshold (spec §16), on `domain::testing::Spec`:
//! the history is given as events, the command tried, the events or the
//! refusal expected.

mod auction;
mod auction_engine;
mod bidding;
mod cancellation;
mod creation;
mod fixtures;
mod particulars;
mod qualification;
mod questions;
mod rules;
mod tendering_end;
mod wire;
