//! The HTTP adapters of the procedure types opencdb ships: for each, its
//! collection and resources and how a request becomes one of its commands.
//! The rules themselves are in the domain (`domain::procedures::*`).

pub mod multi_award_sale;
pub mod price_quotation;
