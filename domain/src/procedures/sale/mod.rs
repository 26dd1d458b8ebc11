//! What every Prozorro.sale procedure shares (spec `multi-award-sale.md`,
//! whose life cycle, organisation, lot, award, contract and cancellation
//! models the Dutch sale also follows): the multiLang organisation
//! ([`party`]) and lot ([`lot`]) models, the rules their fields obey
//! ([`fields`]), awards and contracts ([`award`]) and the cancellation
//! request ([`cancellation`]). Each sale's own rules stay in its folder.

pub mod actor;
pub mod award;
pub mod cancellation;
pub mod decision_documents;
pub mod document_types;
pub mod fields;
pub mod lot;
pub mod party;
pub mod status;

pub use actor::{Actor, Role};
pub use award::{
    AWARD_DOCUMENT_TYPES, Award, AwardStatus, CONTRACT_DOCUMENT_TYPES, Contract, ContractStatus,
    TERMINATION_REASONS,
};
pub use cancellation::{CANCELLATION_DOCUMENT_TYPES, Cancellation, CancellationInput};
pub use document_types::{BID_DOCUMENT_TYPES, PROCEDURE_DOCUMENT_TYPES};
pub use lot::{Classification, Item, Unit};
pub use party::{Address, ContactPoint, Identifier, Organization};
pub use status::ProcedureStatus;

crate::procedures::common::records::documented_records!(Award, Contract, Cancellation);
