//! One folder per procedure type, each holding that procedure's whole rulebook.

pub mod price_quotation;
