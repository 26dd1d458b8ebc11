//! `reverseLot` over HTTP: created under `/api/2.5/tenders` by its
//! `procurementMethodType`, with sealed prices as its bids; registered
//! wrapped in `LiveAuction`, so its auction runs in the server.

use api::access;
use api::body;
use api::error::ApiError;
use api::procedure::{Adapter, Collection, Ports, Prepared, Resource, TENDERS, Write, async_trait};
use domain::procurement::Refusal;
use serde_json::json;

use crate::reverse_lot::{Command, Event, KIND, ReverseLot};

pub struct ReverseLotAdapter;

const OPENAPI: &str = r#"{
  "components": {
    "schemas": {
      "ReverseLotCreate": {
        "type": "object",
        "required": ["procurementMethodType", "title", "minimalStep", "tenderPeriod"],
        "properties": {
          "procurementMethodType": { "const": "reverseLot" },
          "title": { "type": "string" }
        }
      }
    }
  }
}"#;

#[async_trait]
impl Adapter for ReverseLotAdapter {
    type Procedure = ReverseLot;

    fn collection(&self) -> &'static Collection {
        &TENDERS
    }

    fn selector_values(&self) -> &'static [&'static str] {
        &[KIND]
    }

    fn resources(&self) -> &[Resource] {
        &[Resource::Bids]
    }

    fn openapi(&self) -> &str {
        OPENAPI
    }

    async fn command(
        &self,
        ports: &Ports<'_>,
        write: Write,
    ) -> Result<Prepared<Command>, ApiError> {
        let token = access::new_token();
        let access = json!({ "token": token });
        let token_hash = access::hash_token(&token);
        match write {
            Write::Create { id, data, .. } => Ok(Prepared::with_access(
                Command::Create {
                    id,
                    owner: ports.caller.broker.name.clone(),
                    owner_token_hash: token_hash,
                    purchase: body::part(data)?,
                },
                access,
            )),
            Write::SubmitBid { data } => Ok(Prepared::with_access(
                Command::Offer {
                    token_hash,
                    offer: body::part(data)?,
                },
                access,
            )),
            _ => Err(api::write::refused(Refusal::not_allowed(
                "A reverse lot cannot be changed",
            ))),
        }
    }

    fn made(&self, events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::OfferPlaced { offer, .. } => Some(offer.id.clone()),
            _ => None,
        })
    }
}
