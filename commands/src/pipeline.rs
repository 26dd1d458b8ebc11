//! The command pipeline: load the procedure's events, fold them into state,
//! let the decider decide, append the new events conditional on the version
//! that was read. A version conflict (another command on the same procedure
//! won the race) is retried a bounded number of times on fresh state.

use std::sync::Arc;

use domain::calendar::Calendar;
use domain::{Context, Decider, DomainEvent, EventDecodeError, IdSource};
use tracing::Instrument;

use crate::states::States;
use crate::store::{Append, AppendError, Appended, EventStore, Metadata, NewEvent, StoreError};
use crate::{Clock, Numbers};

/// How many times a command is decided before a conflict is reported.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum CommandError<E: std::error::Error + 'static> {
    /// The rules refuse the command; nothing was written.
    #[error(transparent)]
    Domain(E),
    /// Other commands kept changing the procedure; nothing was written.
    #[error("procedure {procedure_id} kept changing; gave up after {attempts} attempts")]
    Conflict { procedure_id: String, attempts: u32 },
    #[error(transparent)]
    Append(AppendError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored event no longer decodes: a bug or a missing upcaster.
    #[error("cannot load procedure {procedure_id}: {source}")]
    Decode {
        procedure_id: String,
        #[source]
        source: EventDecodeError,
    },
}

/// What a successful command did.
#[derive(Debug)]
pub struct Executed<D: Decider> {
    /// The procedure's state after the command.
    pub state: D::State,
    /// The procedure's version after the command.
    pub version: u64,
    /// The new events (empty when the command changed nothing).
    pub events: Vec<D::Event>,
    pub appended: Option<Appended>,
}

#[derive(Clone)]
pub struct CommandHandler {
    store: Arc<dyn EventStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    /// Human-readable numbers, reserved from the store in blocks.
    numbers: Arc<Numbers>,
    /// Recently folded procedures, so a command folds only what is new.
    states: Arc<States>,
    /// The working-day calendar every decision counts business days on.
    calendar: Arc<Calendar>,
    /// The server's public URL, for the links deciders record.
    public_url: Arc<str>,
    max_attempts: u32,
}

/// A procedure's current state and version.
pub struct Loaded<S> {
    pub state: S,
    pub version: u64,
}

impl CommandHandler {
    pub fn new(store: Arc<dyn EventStore>, clock: Arc<dyn Clock>, ids: Arc<dyn IdSource>) -> Self {
        CommandHandler {
            numbers: Arc::new(Numbers::new(Arc::clone(&store))),
            states: Arc::default(),
            store,
            clock,
            ids,
            calendar: Arc::new(Calendar::ukraine().clone()),
            public_url: Arc::from(""),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// Decides on `calendar` (the operator's) instead of the built-in one.
    pub fn with_calendar(mut self, calendar: Arc<Calendar>) -> Self {
        self.calendar = calendar;
        self
    }

    /// Decides knowing where the server is reached from outside.
    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.public_url = Arc::from(public_url);
        self
    }

    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The next number of sequence `name` (e.g. the day's `tenderID`
    /// counter), from this handler's reserved block.
    pub async fn next_number(&self, name: &str) -> Result<u64, StoreError> {
        self.numbers.next(name).await
    }

    /// A fresh id from the injected generator (e.g. for a new procedure).
    pub fn next_id(&self) -> domain::Id {
        self.ids.next_id()
    }

    /// Reads a procedure and folds it into the decider's state: from the
    /// state last folded here, when it is still kept, with only the events
    /// appended since.
    pub async fn load<D: Decider>(
        &self,
        procedure_id: &str,
    ) -> Result<Loaded<D::State>, CommandError<D::Error>> {
        let (mut version, mut state) = self
            .states
            .get::<D, D::State>(procedure_id)
            .unwrap_or_default();
        let newer = self
            .store
            .read_procedure_after(procedure_id, version)
            .await?;
        for stored in &newer {
            let event = D::Event::decode(&stored.event_type, stored.schema_version, &stored.data)
                .map_err(|source| CommandError::Decode {
                procedure_id: procedure_id.to_owned(),
                source,
            })?;
            state = D::evolve(state, &event);
            version = stored.procedure_version;
        }
        if !newer.is_empty() {
            self.states
                .put::<D, _>(procedure_id, version, state.clone());
        }
        Ok(Loaded { state, version })
    }

    /// Runs one command against one procedure.
    pub async fn execute<D: Decider>(
        &self,
        procedure_id: &str,
        command: &D::Command,
        metadata: &Metadata,
    ) -> Result<Executed<D>, CommandError<D::Error>> {
        let span = tracing::info_span!("command", kind = D::KIND, procedure = procedure_id);
        let result = self
            .execute_with_retry::<D>(procedure_id, command, metadata)
            .instrument(span)
            .await;
        let outcome = match &result {
            Ok(executed) if executed.events.is_empty() => "unchanged",
            Ok(_) => "applied",
            Err(CommandError::Domain(_)) => "refused",
            Err(CommandError::Conflict { .. }) => "conflict",
            Err(_) => "error",
        };
        metrics::counter!("cdb_commands_total", "kind" => D::KIND, "outcome" => outcome)
            .increment(1);
        result
    }

    async fn execute_with_retry<D: Decider>(
        &self,
        procedure_id: &str,
        command: &D::Command,
        metadata: &Metadata,
    ) -> Result<Executed<D>, CommandError<D::Error>> {
        for attempt in 1..=self.max_attempts {
            let Loaded { state, version } = self.load::<D>(procedure_id).await?;
            let now = self.clock.now();
            let context = Context::new(now, self.ids.as_ref())
                .with_calendar(&self.calendar)
                .with_public_url(&self.public_url);
            let events = D::decide(&state, command, &context).map_err(CommandError::Domain)?;
            if events.is_empty() {
                return Ok(Executed {
                    state,
                    version,
                    events,
                    appended: None,
                });
            }
            let append = Append {
                procedure_id: procedure_id.to_owned(),
                procedure_kind: D::KIND.to_owned(),
                expected_version: version,
                events: events
                    .iter()
                    .map(|event| NewEvent {
                        event_id: self.ids.next_id().to_string(),
                        stream_id: event.stream_id(procedure_id),
                        event_type: event.event_type().to_owned(),
                        schema_version: event.schema_version(),
                        data: event.to_data(),
                        metadata: metadata.clone(),
                        recorded_at: now,
                    })
                    .collect(),
            };
            match self.store.append(append).await {
                Ok(appended) => {
                    let state = events.iter().fold(state, D::evolve);
                    if !appended.duplicate {
                        self.states.put::<D, _>(
                            procedure_id,
                            appended.procedure_version,
                            state.clone(),
                        );
                    }
                    return Ok(Executed {
                        state,
                        version: appended.procedure_version,
                        events,
                        appended: Some(appended),
                    });
                }
                Err(AppendError::Conflict { actual, .. }) => {
                    metrics::counter!("cdb_command_conflicts_total", "kind" => D::KIND)
                        .increment(1);
                    tracing::debug!(
                        attempt,
                        expected = version,
                        actual,
                        "version conflict, deciding again"
                    );
                }
                Err(AppendError::Store(error)) => return Err(CommandError::Store(error)),
                Err(error) => return Err(CommandError::Append(error)),
            }
        }
        Err(CommandError::Conflict {
            procedure_id: procedure_id.to_owned(),
            attempts: self.max_attempts,
        })
    }
}
