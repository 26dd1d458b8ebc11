//! Given / when / then specs of the priceQuotation rules. The spec's test
//! vectors PQ-1…PQ-10 (price-quotation.md §6) are here at the decider level;
//! the HTTP suite in `tests/` runs them again over the wire. Each spec is
//! given the events of a tender ([`fixtures`]) and checks what one command
//! decides; the state is looked at only where the rule is about it (what
//! readers see, where several steps lead).

mod activation;
mod agreement_check;
mod awarding;
mod bidding;
mod cancellation;
mod creation;
mod disclosure;
mod documents;
mod fixtures;
mod signatures;
mod wire;
