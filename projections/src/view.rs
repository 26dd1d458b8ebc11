//! One procedure folded from its events, whatever its type. The read side
//! handles every procedure type the same way: it asks the procedure type's
//! own [`Published`] rules (next to its decider) for the public document and
//! for what of each event may be shown.

use std::marker::PhantomData;

use commands::store::RecordedEvent;
use domain::procedures::multi_award_sale::{self as bsm, MultiAwardSale};
use domain::procedures::price_quotation::{self as pq, PriceQuotation};
use domain::{DomainEvent, EventDecodeError, PublicEvent, Published};
use serde_json::Value as Json;

/// A procedure's state behind a kind-erased interface.
pub trait ProcedureView: Send {
    /// Folds one more event of the procedure into the state.
    fn apply(&mut self, event: &RecordedEvent) -> Result<(), EventDecodeError>;

    /// The public document as `GET` returns it, or `None` before it exists.
    fn envelope(&self) -> Option<Json>;

    /// Whether the procedure's bids are open to everyone now.
    fn bids_disclosed(&self) -> bool;
}

struct Folded<D: Published> {
    state: Option<D::State>,
    _decider: PhantomData<fn() -> D>,
}

impl<D> ProcedureView for Folded<D>
where
    D: Published,
    D::State: Send,
{
    fn apply(&mut self, event: &RecordedEvent) -> Result<(), EventDecodeError> {
        let decoded = D::Event::decode(&event.event_type, event.schema_version, &event.data)?;
        let state = self.state.take().unwrap_or_default();
        self.state = Some(D::evolve(state, &decoded));
        Ok(())
    }

    fn envelope(&self) -> Option<Json> {
        D::public_envelope(self.state.as_ref()?)
    }

    fn bids_disclosed(&self) -> bool {
        self.state.as_ref().is_some_and(D::bids_disclosed)
    }
}

fn folded<D>() -> Box<dyn ProcedureView>
where
    D: Published + 'static,
    D::State: Send,
{
    Box::new(Folded::<D> {
        state: None,
        _decider: PhantomData,
    })
}

fn public_event_of<D: Published>(event: &RecordedEvent) -> Result<PublicEvent, EventDecodeError> {
    let decoded = D::Event::decode(&event.event_type, event.schema_version, &event.data)?;
    Ok(D::public_event(&decoded))
}

#[derive(Debug, thiserror::Error)]
#[error("procedure type {0:?} is not known to this build")]
pub struct UnknownKind(pub String);

/// Every procedure kind the read side publishes (each has an arm in
/// [`new_view`] and [`public_event`]).
pub const KINDS: [&str; 2] = [pq::KIND, bsm::KIND];

/// A fresh, empty view for a procedure of `kind`.
pub fn new_view(kind: &str) -> Result<Box<dyn ProcedureView>, UnknownKind> {
    match kind {
        pq::KIND => Ok(folded::<PriceQuotation>()),
        bsm::KIND => Ok(folded::<MultiAwardSale>()),
        other => Err(UnknownKind(other.to_owned())),
    }
}

/// What of `event` (of a procedure of `kind`) the public event log shows.
pub fn public_event(kind: &str, event: &RecordedEvent) -> Result<PublicEvent, ViewError> {
    match kind {
        pq::KIND => Ok(public_event_of::<PriceQuotation>(event)?),
        bsm::KIND => Ok(public_event_of::<MultiAwardSale>(event)?),
        other => Err(UnknownKind(other.to_owned()).into()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error(transparent)]
    UnknownKind(#[from] UnknownKind),
    #[error(transparent)]
    Decode(#[from] EventDecodeError),
}

/// Folds a whole history (for example up to some position) into a view.
pub fn fold<'e>(
    kind: &str,
    events: impl IntoIterator<Item = &'e RecordedEvent>,
) -> Result<Box<dyn ProcedureView>, ViewError> {
    let mut view = new_view(kind)?;
    for event in events {
        view.apply(event)?;
    }
    Ok(view)
}
