//! `sealedOffer` over HTTP: created under `/api/2.5/tenders` next to
//! priceQuotation by its `procurementMethodType`, with bids and nothing else.

use api::access;
use api::body;
use api::error::ApiError;
use api::procedure::{Adapter, Collection, Ports, Prepared, Resource, TENDERS, Write, async_trait};
use domain::procurement::Refusal;
use serde_json::json;

use crate::sealed_offer::{Command, Event, KIND, SealedOffer};

pub struct SealedOfferAdapter;

/// Its part of the OpenAPI description: the shared collection's routes are
/// described by the types already there, so it adds only its schemas.
const OPENAPI: &str = r#"{
  "components": {
    "schemas": {
      "SealedOfferCreate": {
        "type": "object",
        "required": ["procurementMethodType", "title", "tenderPeriod"],
        "properties": {
          "procurementMethodType": { "const": "sealedOffer" },
          "title": { "type": "string" },
          "tenderPeriod": {
            "type": "object",
            "required": ["endDate"],
            "properties": { "endDate": { "type": "string", "format": "date-time" } }
          }
        }
      }
    }
  }
}"#;

#[async_trait]
impl Adapter for SealedOfferAdapter {
    type Procedure = SealedOffer;

    fn collection(&self) -> &'static Collection {
        &TENDERS
    }

    fn selector_values(&self) -> &'static [&'static str] {
        &[KIND]
    }

    fn resources(&self) -> &'static [Resource] {
        &[Resource::Bids]
    }

    fn openapi(&self) -> &'static str {
        OPENAPI
    }

    async fn command(
        &self,
        ports: &Ports<'_>,
        write: Write,
    ) -> Result<Prepared<Command>, ApiError> {
        let broker = ports.caller.broker.name.clone();
        let token = access::new_token();
        let access = json!({ "token": token });
        let token_hash = access::hash_token(&token);
        match write {
            Write::Create { id, data, .. } => Ok(Prepared::with_access(
                Command::Create {
                    id,
                    owner: broker,
                    owner_token_hash: token_hash,
                    offer: body::part(data)?,
                },
                access,
            )),
            Write::SubmitBid { data } => Ok(Prepared::with_access(
                Command::SubmitBid {
                    broker,
                    token_hash,
                    bid: body::part(data)?,
                },
                access,
            )),
            _ => Err(api::write::refused(Refusal::not_allowed(
                "A sealed offer cannot be changed",
            ))),
        }
    }

    fn made(&self, events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::BidPlaced { bid, .. } => Some(bid.id.clone()),
            _ => None,
        })
    }
}
