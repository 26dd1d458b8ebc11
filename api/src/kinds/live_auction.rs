//! The adapter of a procedure type whose auction the CDB runs itself: the
//! type's own adapter with its procedure joined to an auction engine
//! (`domain::auction::Auctioned`). Requests are the type's own; the
//! outside hand-off (`…/auction`) is gone, since the auction's result now
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
    engine: PhantomData<fn() -> E>,
}

impl<A: Adapter, E> LiveAuction<A, E> {
    pub fn new(inner: A) -> Self {
        let resources = inner
            .resources()
            .iter()
            .copied()
            .filter(|resource| *resource != Resource::Auction)
            .collect();
        LiveAuction {
            inner,
            resources,
            engine: PhantomData,
        }
    }
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

    fn openapi(&self) -> &'static str {
        self.inner.openapi()
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
