//! One folder per procedure type, each holding that procedure's whole
//! rulebook, and the rules they share in `common`.

pub(crate) mod common;
pub use common::{BidOwner, Parties};
pub mod multi_award_sale;
pub mod price_quotation;
