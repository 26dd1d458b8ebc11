//! Replaying the reference API's recorded exchanges against our server and
//! comparing the answers structurally (the runner is
//! `tests/tests/conformance.rs`; the recordings and their tutorial pages are
//! under `tests/conformance/`).
//!
//! - [`exchange`]: reading a recorded `.http` exchange;
//! - [`ordering`]: a procedure type's recordings in the order its tutorial
//!   page includes them;
//! - [`mapper`]: recorded ids, tokens, dates, brokers and document links
//!   turned into ours;
//! - [`compare`]: the structural comparison, as a list of readable
//!   differences;
//! - [`catalogue`]: the e-catalogue the recording was made against, fed to
//!   the fake one;
//! - [`replay`]: the replay itself;
//! - [`exceptions`]: the exchanges known not to match yet, with reasons;
//! - [`stand_ins`]: the requests sent where the recordings have a hole.

pub mod catalogue;
pub mod compare;
pub mod exceptions;
pub mod exchange;
pub mod mapper;
pub mod ordering;
pub mod replay;
pub mod stand_ins;
