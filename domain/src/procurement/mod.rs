//! The vocabulary procurement procedures share, shaped like the
//! OpenProcurement API 2.5 data model: money, organisations, items,
//! criteria, documents, periods, and the refusal every rule speaks in.

pub mod criterion;
pub mod document;
pub mod item;
pub mod money;
pub mod multi_lang;
pub mod one_bid_per_party;
pub mod organization;
pub mod period;
pub mod public;
pub mod refusal;

pub use criterion::{Criterion, RequirementResponse, RequirementResponseInput};
pub use document::{Document, DocumentEdit, DocumentInput, Target};
pub use item::{Item, Unit, check_quantities};
pub use money::{Amount, ContractValue, Money, require_positive};
pub use multi_lang::{MultiLang, Need};
pub use organization::{Address, ContactPoint, Identifier, Organization};
pub use period::{Classification, Period};
pub use refusal::{Location, Refusal, RefusalKind};
