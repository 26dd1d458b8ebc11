//! What every procedure joined with an engine relies on: the log tells the
//! engine's events from the procedure's by name alone.

use serde_json::json;

use crate::auction::{AuctionEvent, dutch, turn_based};
use crate::procedures::dutch_sale::DutchSale;
use crate::procedures::multi_award_sale::MultiAwardSale;
use crate::procedures::price_quotation::PriceQuotation;
use crate::{Decider, DomainEvent, EventDecodeError};

fn unknown_to<D: Decider>(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter(|name| {
            !matches!(
                D::Event::decode(name, 1, &json!({})),
                Err(EventDecodeError::UnknownType { .. })
            )
        })
        .map(|name| (*name).to_owned())
        .collect()
}

#[test]
fn no_procedure_names_an_event_as_an_engine_does() {
    for names in [
        turn_based::Event::EVENT_TYPES,
        dutch::Event::EVENT_TYPES,
        &[super::LINKED, super::TERMS],
    ] {
        assert_eq!(unknown_to::<MultiAwardSale>(names), Vec::<String>::new());
        assert_eq!(unknown_to::<PriceQuotation>(names), Vec::<String>::new());
        assert_eq!(unknown_to::<DutchSale>(names), Vec::<String>::new());
    }
}
