//! Given / when / then specs of the Dutch auction: every rule of spec
//! `dutch-auction.md`, its worked scenarios V-1 and V-2 (from "round 1
//! stopped by P1 at 1200.00", Q19), the derived vectors V-3…V-12, the
//! worked schedule of §4.3, and an end-to-end run through round 1. The
//! property tests are in `../proptests.rs`.

mod end_to_end;
pub(super) mod fixtures;
mod round1;
mod rounds;
mod schedule;
mod visibility;
