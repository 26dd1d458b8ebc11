//! The adapter of a procedure type whose auction the CDB runs itself: the
//! type's own adapter with its procedure joined to an auction engine
//! (`domain::auction::Auctioned`). Requests are the type's own; the
//! outside hand-off (`…/auction`, `…/auction/{lot_id}`) is gone, since the auction's result now
//! comes from the engine in the same log.

use std::marker::PhantomData;

use async_trait::async_trait;
use domain::Decider;
use domain::auction::{AuctionEngine, Auctioned, RunsAuction, auctioned};

use crate::error::ApiError;
use crate::procedure::{Adapter, Collection, Ports, Prepared, Resource, Write};

pub struct LiveAuction<A, E> {
    inner: A,
    resources: Vec<Resource>,
    /// The type's OpenAPI fragment without the hand-off's paths.
    openapi: String,
    engine: PhantomData<fn() -> E>,
}

impl<A: Adapter, E> LiveAuction<A, E> {
    pub fn new(inner: A) -> Self {
        let resources = inner
            .resources()
            .iter()
            .copied()
            .filter(|resource| !matches!(resource, Resource::Auction | Resource::LotAuction))
            .collect();
        let openapi = without_handoff(inner.openapi());
        LiveAuction {
            inner,
            resources,
            openapi,
            engine: PhantomData,
        }
    }
}

/// `fragment` without the paths of the `…/auction` hand-off (and its
/// per-lot `…/auction/{lot_id}`); a fragment
/// that is not JSON is left for the document's assembly to report.
fn without_handoff(fragment: &str) -> String {
    let Ok(mut document) = serde_json::from_str::<serde_json::Value>(fragment) else {
        return fragment.to_owned();
    };
    if let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        paths.retain(|path, _| !path.ends_with("/auction") && !path.contains("/auction/"));
    }
    document.to_string()
}

type Inner<A> = <A as Adapter>::Procedure;

#[async_trait]
impl<A, E> Adapter for LiveAuction<A, E>
where
    A: Adapter,
    Inner<A>: RunsAuction<E>,
    <Inner<A> as Decider>::State: Clone + Send + Sync,
    <Inner<A> as Decider>::Command: Send + Sync,
    <Inner<A> as Decider>::Event: Clone + Send + Sync,
    E: AuctionEngine + Send + Sync + 'static,
    E::State: Clone + Send + Sync,
    E::Event: Send + Sync,
{
    type Procedure = Auctioned<Inner<A>, E>;

    fn collection(&self) -> &'static Collection {
        self.inner.collection()
    }

    fn selector_values(&self) -> &'static [&'static str] {
        self.inner.selector_values()
    }

    fn resources(&self) -> &[Resource] {
        &self.resources
    }

    fn openapi(&self) -> &str {
        &self.openapi
    }

    fn role(&self, write: &Write) -> &'static str {
        self.inner.role(write)
    }

    async fn command(
        &self,
        ports: &Ports<'_>,
        write: Write,
    ) -> Result<Prepared<auctioned::Command<<Inner<A> as Decider>::Command>>, ApiError> {
        let prepared = self.inner.command(ports, write).await?;
        Ok(Prepared {
            command: auctioned::Command::Procedure(prepared.command),
            access: prepared.access,
        })
    }

    fn made(&self, events: &[<Self::Procedure as Decider>::Event]) -> Option<String> {
        let own: Vec<<Inner<A> as Decider>::Event> = events
            .iter()
            .filter_map(|event| match event {
                auctioned::Event::Procedure(event) => Some(event.clone()),
                _ => None,
            })
            .collect();
        self.inner.made(&own)
    }
}
