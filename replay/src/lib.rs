//! Auditor tooling over the event log, one module per `cdb replay` command:
//! - [`verify`]: the stored history is the history that was written (hash
//!   chains, gap-free positions), in a store or in an exported bundle;
//! - [`rebuild`]: the read models rebuilt from the log equal the live ones;
//! - [`show`]: a procedure's public document as it was at any moment, and
//!   its history as JSON-patch diffs;
//! - [`export`]: one procedure's events as a self-contained bundle.

pub mod export;
pub mod rebuild;
pub mod show;
pub mod verify;

pub use export::{Bundle, export};
pub use rebuild::{RebuildReport, rebuild};
pub use show::{At, HistoryEntry, ShowError, history, show};
pub use verify::{VerifyError, VerifyReport, verify, verify_bundle};
