//! Read models built only from the global event log.
//!
//! Three read models, applied together by one [`projector::Projector`] and
//! stored with the log position they reflect in the same transaction
//! ([`read_store`]):
//! - documents: each procedure's public document, exactly the bytes
//!   `GET /api/2.5/tenders/{id}` serves, with a revision counter;
//! - feed: the listing and change-feed index (id, dateModified, status,
//!   procurementMethodType, owner, the position of the last change);
//! - contracts: every contract of a public document as its own resource
//!   (`GET /api/2.5/contracts/{id}`), with a revision counter and the
//!   position of its last change.
//!
//! With the documents, in the same transaction, each store keeps the
//! search index ([`search`]) that search and statistics read, and the
//! history of every document ([`revisions`]) that OCDS releases are made of.
//! With the feed, each keeps the public event log ([`public_events`]): every
//! event as the public may see it, rendered once.
//!
//! What is public is never decided here: each procedure type's
//! [`domain::Published`] rules render the document and redact events.

pub mod documents_cache;
pub mod model;
pub mod project;
pub mod projector;
pub mod public_events;
pub mod read_store;
pub mod revisions;
pub mod search;
pub mod search_query;
pub mod view;

pub use model::{ChangeBatch, ContractRow, Digest, DocumentRow, FeedEntry, FeedQuery, FeedRow};
pub use project::{ProjectError, Projection};
pub use projector::Projector;
pub use public_events::PublicEventRow;
pub use read_store::{ReadStore, ReadStoreError, Snapshot};
pub use revisions::{RevisionChange, RevisionQuery, RevisionRow};
pub use view::Kinds;
