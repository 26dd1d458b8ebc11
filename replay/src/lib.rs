//! Auditor tooling over the event log, one module per `cdb replay` command:
//! - [`verify`]: the stored history is the history that was written (hash
//!   chains, gap-free positions), in a store or in an exported bundle;
//! - [`rebuild`]: the read models rebuilt from the log equal the live ones;
//! - [`show`]: a procedure's public document as it was at any moment;
//! - [`history`]: every event of a procedure as a JSON-patch diff;
//! - [`export`]: one procedure's events as a self-contained bundle.
//!
//! See `docs/replay.md`.

pub mod export;
pub mod history;
pub mod rebuild;
pub mod show;
pub mod verify;

pub use export::{Bundle, ExportError, export};
pub use history::{HistoryEntry, history};
pub use rebuild::{RebuildError, RebuildReport, rebuild};
pub use show::{At, ShowError, show};
pub use verify::{
    BadEvent, BundleError, Problem, VerifyError, VerifyReport, verify, verify_bundle,
};
