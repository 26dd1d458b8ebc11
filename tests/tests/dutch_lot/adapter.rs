//! `dutchLot` over HTTP: created under `/api/2.5/tenders` by its
//! `procurementMethodType`, with applications as its bids; registered
//! wrapped in `LiveAuction`, so its auction runs in the server.

use api::access;
use api::body;
use api::error::ApiError;
use api::procedure::{Adapter, Collection, Ports, Prepared, Resource, TENDERS, Write, async_trait};
use domain::procurement::Refusal;
use serde_json::json;

use crate::dutch_lot::{Command, DutchLot, Event, KIND};

pub struct DutchLotAdapter;

const OPENAPI: &str = r#"{
  "components": {
    "schemas": {
      "DutchLotCreate": {
        "type": "object",
        "required": ["procurementMethodType", "title", "value", "minimalStep", "tenderPeriod"],
        "properties": {
          "procurementMethodType": { "const": "dutchLot" },
          "title": { "type": "string" }
        }
      }
    }
  }
}"#;

#[async_trait]
impl Adapter for DutchLotAdapter {
    type Procedure = DutchLot;

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
                    lot: body::part(data)?,
                },
                access,
            )),
            Write::SubmitBid { data } => Ok(Prepared::with_access(
                Command::Apply {
                    token_hash,
                    application: body::part(data)?,
                },
                access,
            )),
            _ => Err(api::write::refused(Refusal::not_allowed(
                "A Dutch lot cannot be changed",
            ))),
        }
    }

    fn made(&self, events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::ApplicationPlaced { application, .. } => Some(application.id.clone()),
            _ => None,
        })
    }
}
