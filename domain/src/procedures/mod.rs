//! One folder per procedure type, each holding that procedure's whole rulebook.

pub mod multi_award_sale;
pub mod price_quotation;
