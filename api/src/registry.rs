//! The procedure registry: the one list of procedure types the server
//! serves, built once at start-up (`Registry::builtin`, or
//! `Registry::new().with(adapter)…` in a test). The router, the read side,
//! the scheduler, replay, the change feeds and the OpenAPI document all take
//! their list of types from it, so a type registered here is served
//! everywhere and a type left out is served nowhere.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use commands::Scheduler;
use commands::store::{EventStore, StoreError};
use serde_json::Value as Json;

use domain::auction::{Dutch, TurnBased};

use crate::kinds::Adapted;
use crate::kinds::dutch_sale::DutchSaleAdapter;
use crate::kinds::live_auction::LiveAuction;
use crate::kinds::multi_award_sale::SaleAdapter;
use crate::kinds::open_tender::OpenTenderAdapter;
use crate::kinds::price_quotation::PriceQuotationAdapter;
use crate::openapi::OpenApiError;
use crate::procedure::kind::Erased;
use crate::procedure::{Adapter, Collection, Kind, SchedulerPorts};
use crate::sale_periods::SalePeriods;

#[derive(Clone, Default)]
pub struct Registry {
    kinds: BTreeMap<&'static str, Arc<dyn Kind>>,
    /// The read side's view of the same list, kept in step by [`Registry::with`].
    published: projections::Kinds,
    /// The OpenAPI document of the types registered, assembled on first use.
    openapi: Arc<OnceLock<Result<String, OpenApiError>>>,
}

/// An event of a procedure type the registry does not know.
#[derive(Debug, thiserror::Error)]
#[error(
    "the event log holds procedures of kind {kind:?} (first event at position {position}), which this build does not serve"
)]
pub struct UnknownKindInLog {
    pub kind: String,
    pub position: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Unknown(#[from] UnknownKindInLog),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who runs a procedure type's auction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AuctionRunner {
    /// The CDB itself: the auction is part of the procedure's log, with its
    /// page at `/auctions/{id}`.
    #[default]
    Cdb,
    /// An outside auction module, through the `…/auction` hand-off.
    External,
}

/// The operator's settings of the types opencdb ships.
#[derive(Debug, Clone, Default)]
pub struct Builtin {
    pub sale_periods: SalePeriods,
    /// Who runs the multi-award sale's auction (the Dutch sale's is always
    /// run by the CDB).
    pub sale_auction: AuctionRunner,
    /// Who runs the open tender's lot auctions.
    pub tender_auction: AuctionRunner,
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// The procedure types opencdb ships, with the operator's settings.
    pub fn builtin(settings: Builtin) -> Self {
        let dutch = Adapted(DutchSaleAdapter::new(settings.sale_periods.clone()));
        let sale = Adapted(SaleAdapter::new(settings.sale_periods));
        // The Dutch sale's auction is always the CDB's.
        let registry = Registry::new()
            .with(Adapted(PriceQuotationAdapter))
            .with(LiveAuction::<_, Dutch>::new(dutch));
        let tender = Adapted(OpenTenderAdapter);
        let registry = match settings.tender_auction {
            AuctionRunner::Cdb => registry.with(LiveAuction::<_, TurnBased>::new(tender)),
            AuctionRunner::External => registry.with(tender),
        };
        match settings.sale_auction {
            AuctionRunner::Cdb => registry.with(LiveAuction::<_, TurnBased>::new(sale)),
            AuctionRunner::External => registry.with(sale),
        }
    }

    /// Serves procedures of the adapter's type. Registering a kind twice
    /// replaces the first registration.
    pub fn with<A: Adapter>(mut self, adapter: A) -> Self
    where
        Erased<A>: Kind,
    {
        let kind: Arc<dyn Kind> = Arc::new(Erased(Arc::new(adapter)));
        // Contracts name their procedure as its collection's errors do.
        self.published = kind
            .publish(self.published)
            .naming_procedures(kind.name(), kind.collection().id_field);
        self.openapi = Arc::default();
        self.kinds.insert(kind.name(), kind);
        self
    }

    pub fn kind(&self, name: &str) -> Option<&Arc<dyn Kind>> {
        self.kinds.get(name)
    }

    /// Every registered type, by kind name.
    pub fn kinds(&self) -> impl Iterator<Item = &Arc<dyn Kind>> {
        self.kinds.values()
    }

    /// The names of every type served (what a route over every type lists).
    pub fn names(&self) -> Vec<&'static str> {
        self.kinds.keys().copied().collect()
    }

    /// The collections the registered types live in, each once, by path.
    pub fn collections(&self) -> Vec<&'static Collection> {
        let mut collections: Vec<&'static Collection> =
            self.kinds().map(|kind| kind.collection()).collect();
        collections.sort_by_key(|collection| collection.path);
        collections.dedup_by_key(|collection| collection.path);
        collections
    }

    /// The kinds of `collection`.
    pub fn in_collection(&self, collection: &Collection) -> Vec<&'static str> {
        self.kinds()
            .filter(|kind| kind.collection() == collection)
            .map(|kind| kind.name())
            .collect()
    }

    /// The type a create request in `collection` asks for by its selector.
    pub fn selected(&self, collection: &Collection, data: &Json) -> Option<&Arc<dyn Kind>> {
        let value = data.get(collection.selector)?.as_str()?;
        self.kinds()
            .find(|kind| kind.collection() == collection && kind.selector_values().contains(&value))
    }

    /// The read side's list of types.
    pub fn published(&self) -> &projections::Kinds {
        &self.published
    }

    /// Registers every type's automatic transitions with `scheduler`; a
    /// type whose transitions need outside facts consults them through
    /// `ports`.
    pub fn schedule(&self, scheduler: &mut Scheduler, ports: &SchedulerPorts) {
        for kind in self.kinds() {
            kind.schedule(scheduler, ports);
        }
    }

    /// Every type's OpenAPI fragment.
    pub fn openapi_fragments(&self) -> Vec<&str> {
        self.kinds().map(|kind| kind.openapi()).collect()
    }

    /// The OpenAPI document: the common part with every type's fragment.
    pub fn openapi(&self) -> &Result<String, OpenApiError> {
        self.openapi.get_or_init(|| {
            let mut fragments = vec![crate::openapi::SEARCH, crate::openapi::OCDS];
            fragments.extend(self.openapi_fragments());
            crate::openapi::document(&fragments)
        })
    }

    /// Fails when the log holds a procedure of a kind not registered, naming
    /// the kind and the position of its first event.
    pub async fn check_log(&self, store: &dyn EventStore) -> Result<(), CheckError> {
        for (kind, position) in store.kinds_in_log().await? {
            if self.kind(&kind).is_none() {
                return Err(UnknownKindInLog { kind, position }.into());
            }
        }
        Ok(())
    }
}
