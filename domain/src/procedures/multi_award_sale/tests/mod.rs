//! Given / when / then specs of the multi-award sale rules: every test
//! vector of spec §5 (TV-A*, TV-B*, TV-D*) at the decider level, bad input,
//! disclosure. A spec is given the events of a sale ([`fixtures`]) and
//! checks what one command decides; the vectors that are about where
//! several steps lead drive a [`sale::Sale`] and check every award's and
//! contract's status after every step and the final allocation. The
//! property tests are in `proptests/`.

mod auction;
mod cancellation;
mod contracts;
mod disclosure;
mod documents;
mod examples;
pub(super) mod fixtures;
mod live_auction;
mod multi_lang;
mod publication;
mod qualification;
pub(super) mod sale;
mod tendering;
mod wire;
