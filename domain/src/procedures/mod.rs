//! One folder per procedure type, each holding that procedure's whole
//! rulebook, the rules they share in `common`, and the requests every
//! type's HTTP API takes alike ([`Requests`]).

pub(crate) mod common;
pub mod dutch_sale;
pub use common::{BidOwner, Parties};
pub mod multi_award_sale;
pub mod open_tender;
pub mod price_quotation;
mod requests;
pub mod sale;

pub use requests::Requests;
