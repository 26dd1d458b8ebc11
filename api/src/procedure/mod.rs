//! The generic HTTP layer every procedure type is served by. One set of
//! handlers for the resources procedures have (the procedure, bids, awards,
//! contracts, cancellations, questions, lots, documents on each, the auction
//! hand-off, ownership), parameterised by the procedure type: a request on an existing
//! procedure is dispatched on its stored kind, a `POST` that creates one on
//! the selector field of its body (`procurementMethodType`,
//! `sellingMethod`), as the reference API picks its view on the shared
//! `/tenders/{id}` path.
//!
//! A procedure type plugs in through an [`Adapter`] (request body → command,
//! which resources it has) registered in the [`Registry`](crate::registry::Registry);
//! no handler here names a procedure type.

pub mod adapter;
pub mod auction;
pub mod bids;
pub mod call;
pub mod collection;
pub mod dispatch;
pub mod documents;
pub mod itself;
pub mod kind;
pub mod lists;
pub mod objects;
pub mod routes;

pub use adapter::{Adapter, Caller, Ports, Prepared, Resource, SchedulerPorts, Target, Write};
/// Adapters implement [`Adapter`] with it; re-exported so a procedure crate
/// needs no dependency of its own for it.
pub use async_trait::async_trait;
pub use collection::{Collection, PROCEDURES, TENDERS};
pub use kind::{Kind, Viewed, Written};
