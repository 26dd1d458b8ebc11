//! A procedure type behind a type-erased interface, so the generic handlers
//! and the registry hold every type alike. [`Erased`] implements it for any
//! [`Adapter`].

use std::sync::Arc;

use async_trait::async_trait;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use commands::Scheduler;
use domain::auction::{Live, Stage};
use domain::procurement::Refusal;
use domain::{Decider, Published};
use serde_json::Value as Json;

use super::{Adapter, Caller, Collection, Ports, Prepared, Resource, SchedulerPorts, Write};
use crate::error::ApiError;
use crate::server::AppState;
use crate::write::{self, refused};

/// A procedure as the generic handlers read it.
pub trait Viewed: Send + Sync {
    /// The public document (`{"data": …, "config": …}`).
    fn envelope(&self) -> Json;
    /// Bid `bid_id` as a caller presenting `token_hash` may see it.
    fn bid(&self, bid_id: &str, token_hash: Option<&str>) -> Result<Json, Refusal>;
    fn bids_disclosed(&self) -> bool;
    /// What the auction may read now.
    fn auction(&self) -> Result<Json, Refusal>;
    /// Whether `token_hash` is bid `bid_id`'s token.
    fn holds_bid_token(&self, bid_id: &str, token_hash: Option<&str>) -> bool;
    /// What everyone may see of the auction the CDB runs, at `now`.
    fn auction_view(&self, now: DateTime<Utc>) -> Option<Json>;
    /// What participant `bid_id` sees of it at `now`.
    fn participant_view(&self, bid_id: &str, now: DateTime<Utc>) -> Option<Json>;
    /// Its stages (empty while there is none).
    fn auction_stages(&self) -> &[Stage];
    /// Its protocol, once it has ended.
    fn auction_protocol(&self) -> Option<Json>;
}

/// What a write left: the procedure after it, the id of what it made, and
/// the tokens to hand back.
pub struct Written {
    pub procedure: Box<dyn Viewed>,
    pub made: Option<String>,
    pub access: Option<Json>,
}

#[async_trait]
pub trait Kind: Send + Sync {
    /// The stored kind, e.g. `priceQuotation`.
    fn name(&self) -> &'static str;
    fn collection(&self) -> &'static Collection;
    fn selector_values(&self) -> &'static [&'static str];
    fn has(&self, resource: Resource) -> bool;
    /// Whether its procedures' auctions run in the CDB (`/api/auctions`).
    fn runs_auction(&self) -> bool;
    fn openapi(&self) -> &str;

    /// Adds this type to the read side's list.
    fn publish(&self, kinds: projections::Kinds) -> projections::Kinds;
    /// Lets the scheduler run this type's automatic transitions, preparing
    /// their commands with `ports` where the type needs outside facts.
    fn schedule(&self, scheduler: &mut Scheduler, ports: &SchedulerPorts);

    /// Procedure `id` folded from the log (it is known to be of this kind).
    async fn load(&self, app: &AppState, id: &str) -> Result<Box<dyn Viewed>, ApiError>;

    /// Runs `write` on procedure `id` as `caller`, and waits until the read
    /// models include it.
    async fn write(
        &self,
        app: &AppState,
        id: &str,
        caller: &Caller<'_>,
        headers: &HeaderMap,
        write: Write,
    ) -> Result<Written, ApiError>;
}

/// Any adapter as a [`Kind`].
pub struct Erased<A: Adapter>(pub Arc<A>);

type StateOf<A> = <<A as Adapter>::Procedure as Decider>::State;

struct Loaded<A: Adapter> {
    adapter: Arc<A>,
    state: StateOf<A>,
}

impl<A: Adapter> Viewed for Loaded<A>
where
    StateOf<A>: Send + Sync,
{
    fn envelope(&self) -> Json {
        A::Procedure::public_envelope(&self.state).unwrap_or(Json::Null)
    }

    fn bid(&self, bid_id: &str, token_hash: Option<&str>) -> Result<Json, Refusal> {
        A::Procedure::visible_bid(&self.state, bid_id, token_hash)
    }

    fn bids_disclosed(&self) -> bool {
        A::Procedure::bids_disclosed(&self.state)
    }

    fn auction(&self) -> Result<Json, Refusal> {
        self.adapter.auction_view(&self.state)
    }

    fn holds_bid_token(&self, bid_id: &str, token_hash: Option<&str>) -> bool {
        A::Procedure::holds_bid_token(&self.state, bid_id, token_hash)
    }

    fn auction_view(&self, now: DateTime<Utc>) -> Option<Json> {
        A::Procedure::auction_view(&self.state, now)
    }

    fn participant_view(&self, bid_id: &str, now: DateTime<Utc>) -> Option<Json> {
        A::Procedure::participant_view(&self.state, bid_id, now)
    }

    fn auction_stages(&self) -> &[Stage] {
        A::Procedure::auction_stages(&self.state)
    }

    fn auction_protocol(&self) -> Option<Json> {
        A::Procedure::auction_protocol(&self.state)
    }
}

#[async_trait]
impl<A: Adapter> Kind for Erased<A>
where
    StateOf<A>: Send + Sync,
    <A::Procedure as Decider>::Command: Send + Sync,
    <A::Procedure as Decider>::Event: Send + Sync,
{
    fn name(&self) -> &'static str {
        A::Procedure::KIND
    }

    fn collection(&self) -> &'static Collection {
        self.0.collection()
    }

    fn selector_values(&self) -> &'static [&'static str] {
        self.0.selector_values()
    }

    fn has(&self, resource: Resource) -> bool {
        self.0.resources().contains(&resource)
    }

    fn runs_auction(&self) -> bool {
        A::Procedure::RUNS_AUCTION
    }

    fn openapi(&self) -> &str {
        self.0.openapi()
    }

    fn publish(&self, kinds: projections::Kinds) -> projections::Kinds {
        kinds.with::<A::Procedure>()
    }

    fn schedule(&self, scheduler: &mut Scheduler, ports: &SchedulerPorts) {
        match self.0.prepare_due(ports) {
            Some(prepare) => scheduler.register_prepared::<A::Procedure>(prepare),
            None => scheduler.register::<A::Procedure>(),
        };
    }

    async fn load(&self, app: &AppState, id: &str) -> Result<Box<dyn Viewed>, ApiError> {
        let loaded = app
            .handler
            .load::<A::Procedure>(id)
            .await
            .map_err(write::command_failed)?;
        if A::Procedure::public_envelope(&loaded.state).is_none() {
            return Err(refused(Refusal::not_found(self.collection().id_field)));
        }
        Ok(Box::new(Loaded {
            adapter: Arc::clone(&self.0),
            state: loaded.state,
        }))
    }

    async fn write(
        &self,
        app: &AppState,
        id: &str,
        caller: &Caller<'_>,
        headers: &HeaderMap,
        request: Write,
    ) -> Result<Written, ApiError> {
        let role = self.0.role(&request);
        let ports = Ports {
            app,
            id,
            caller,
            headers,
        };
        let prepared = match request {
            // Participation is the same for every type: the engine's.
            Write::Participate(participation) => A::Procedure::participation(participation)
                .map(Prepared::command)
                .ok_or_else(|| refused(Refusal::not_found("auction")))?,
            request => self.0.command(&ports, request).await?,
        };
        let (state, events) = write::execute::<A::Procedure>(
            app,
            id,
            caller.broker,
            role,
            headers,
            &prepared.command,
        )
        .await?;
        Ok(Written {
            made: self.0.made(&events),
            access: prepared.access,
            procedure: Box::new(Loaded {
                adapter: Arc::clone(&self.0),
                state,
            }),
        })
    }
}
