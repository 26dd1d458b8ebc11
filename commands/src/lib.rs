//! The application layer: the command pipeline (load → decide → append), the
//! [`store::EventStore`] trait with its embedded and PostgreSQL backends, and
//! the injected clock and id generator.

pub mod clock;
pub mod ids;
pub mod numbers;
pub mod pipeline;
pub mod ports;
pub mod scheduler;
pub mod states;
pub mod store;

pub use clock::{Clock, FrozenClock, ScaledClock, SystemClock};
pub use ids::{SequentialIds, UlidIds};
pub use numbers::Numbers;
pub use pipeline::{CommandError, CommandHandler, Executed};
pub use scheduler::{PrepareDue, PrepareError, Scheduler, SchedulerError};
