//! One procedure folded from its events, whatever its type. The read side
//! handles every procedure type the same way: it asks the procedure type's
//! own [`Published`] rules (next to its decider) for the public document and
//! for what of each event may be shown. Which types there are is not known
//! here: the server's registry hands the read side a [`Kinds`] list.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Arc;

use commands::store::RecordedEvent;
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

/// What the read side needs of one procedure type.
trait ViewKind: Send + Sync {
    fn new_view(&self) -> Box<dyn ProcedureView>;
    fn public_event(&self, event: &RecordedEvent) -> Result<PublicEvent, EventDecodeError>;
}

struct ViewOf<D>(PhantomData<fn() -> D>);

impl<D> ViewKind for ViewOf<D>
where
    D: Published + 'static,
    D::State: Send,
{
    fn new_view(&self) -> Box<dyn ProcedureView> {
        Box::new(Folded::<D> {
            state: None,
            _decider: PhantomData,
        })
    }

    fn public_event(&self, event: &RecordedEvent) -> Result<PublicEvent, EventDecodeError> {
        let decoded = D::Event::decode(&event.event_type, event.schema_version, &event.data)?;
        Ok(D::public_event(&decoded))
    }
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

#[derive(Debug, thiserror::Error)]
#[error("procedure type {0:?} is not known to this build")]
pub struct UnknownKind(pub String);

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error(transparent)]
    UnknownKind(#[from] UnknownKind),
    #[error(transparent)]
    Decode(#[from] EventDecodeError),
}

/// How a contract names its procedure when no kind says otherwise: the
/// OpenProcurement contracting API's field.
pub const DEFAULT_PROCEDURE_FIELD: &str = "tender_id";

/// The procedure types the read side publishes, by their stored kind.
#[derive(Clone, Default)]
pub struct Kinds {
    kinds: BTreeMap<&'static str, Arc<dyn ViewKind>>,
    /// The field under which a kind's contracts name their procedure.
    procedure_fields: BTreeMap<&'static str, &'static str>,
}

impl Kinds {
    pub fn new() -> Self {
        Kinds::default()
    }

    /// Publishes procedures of kind `D::KIND` by `D`'s rules.
    pub fn with<D>(mut self) -> Self
    where
        D: Published + 'static,
        D::State: Send,
    {
        self.kinds
            .insert(D::KIND, Arc::new(ViewOf::<D>(PhantomData)));
        self
    }

    /// Contracts of procedures of `kind` name their procedure in `field`
    /// (`tender_id`, `procedure_id`: how its collection names a procedure).
    pub fn naming_procedures(mut self, kind: &'static str, field: &'static str) -> Self {
        self.procedure_fields.insert(kind, field);
        self
    }

    /// The field under which contracts of `kind` name their procedure.
    pub fn procedure_field(&self, kind: &str) -> &'static str {
        self.procedure_fields
            .get(kind)
            .copied()
            .unwrap_or(DEFAULT_PROCEDURE_FIELD)
    }

    /// Every kind known, in name order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.kinds.keys().copied()
    }

    pub fn knows(&self, kind: &str) -> bool {
        self.kinds.contains_key(kind)
    }

    fn kind(&self, kind: &str) -> Result<&Arc<dyn ViewKind>, UnknownKind> {
        self.kinds
            .get(kind)
            .ok_or_else(|| UnknownKind(kind.to_owned()))
    }

    /// A fresh, empty view for a procedure of `kind`.
    pub fn new_view(&self, kind: &str) -> Result<Box<dyn ProcedureView>, UnknownKind> {
        Ok(self.kind(kind)?.new_view())
    }

    /// What of `event` (of a procedure of `kind`) the public event log shows.
    pub fn public_event(
        &self,
        kind: &str,
        event: &RecordedEvent,
    ) -> Result<PublicEvent, ViewError> {
        Ok(self.kind(kind)?.public_event(event)?)
    }

    /// Folds a whole history (for example up to some position) into a view.
    pub fn fold<'e>(
        &self,
        kind: &str,
        events: impl IntoIterator<Item = &'e RecordedEvent>,
    ) -> Result<Box<dyn ProcedureView>, ViewError> {
        let mut view = self.new_view(kind)?;
        for event in events {
            view.apply(event)?;
        }
        Ok(view)
    }
}

impl std::fmt::Debug for Kinds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.kinds.keys()).finish()
    }
}
