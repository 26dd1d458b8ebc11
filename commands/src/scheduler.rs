//! The scheduler ("chronograph") for automatic transitions.
//!
//! Every procedure type with automatic transitions implements
//! [`Scheduled`]: from its state it tells when it is next due
//! ([`Scheduled::next_check`]) and which command carries out whatever is due
//! then ([`Scheduled::due_command`]). The scheduler keeps an in-memory index
//! of due times, and when a time comes it issues that command through the
//! ordinary [`CommandHandler`] pipeline, as the broker `chronograph` with the
//! role `system`.
//!
//! # Nothing to persist
//!
//! The index is derived from the event log and nothing else. On start the
//! scheduler reads the global log from position 0 (in pages), loads every
//! procedure of a registered kind and asks it for its `next_check`; then it
//! follows new commits ([`EventStore::subscribe`](crate::store::EventStore::subscribe))
//! from the last position it saw and recomputes the due time of each
//! procedure touched. A restart (or a second server) therefore rebuilds
//! exactly the same index: a transition carried out before the restart is in
//! the log, so the procedure is no longer due; one that was pending is still
//! pending. There is no schedule table to drift out of step with the log.
//!
//! # Idempotent
//!
//! The due command is decided on the procedure's current state like any other
//! command, and deciding it when nothing is due returns no events (a contract
//! of [`Scheduled`]). So issuing it twice appends once; and when two server
//! processes fire the same procedure at once, both decide on the same
//! version, the store accepts one append and refuses the other with a
//! version conflict, and the loser's retry (in the pipeline) decides again
//! on the new state, finds nothing due, and appends nothing.
//!
//! # Failures
//!
//! - A due command the rules refuse (a domain error), or a procedure whose
//!   events no longer decode, is logged (`warn`) and its due time dropped
//!   until the procedure changes again: the scheduler neither stops nor spins
//!   on it. The same holds for a due command that changes nothing although
//!   `next_check` says it is due (a decider bug).
//! - A store failure, a conflict that outlived the pipeline's retries, or a
//!   due command that could not be prepared (below) is logged and retried
//!   after one tick; nothing is appended meanwhile.
//!
//! # Time
//!
//! Due times are compared with the injected [`Clock`](crate::Clock), so a
//! test drives the scheduler with a [`FrozenClock`](crate::FrozenClock). The
//! background loop ([`Scheduler::run`]) sleeps until the next commit or the
//! next due time, but never longer than one tick (1 s by default), because a
//! frozen (or adjusted) clock does not advance with real time.
//!
//! # Due commands that need outside facts
//!
//! A type registered with [`Scheduler::register`] is fired with its static
//! [`Scheduled::due_command`]. One whose transition depends on facts from
//! outside the log (priceQuotation checks its bidders in the e-catalogue when
//! the tender period ends) is registered with
//! [`Scheduler::register_prepared`] and a [`PrepareDue`] instead: when the
//! procedure is due, the scheduler loads it, asks the preparation for the
//! command (the preparation fetches the facts and puts them in the command,
//! so the domain stays pure and the resulting events record them), and
//! issues that command through the same pipeline. The guarantees above hold
//! unchanged: the command is still decided on the procedure's current state
//! and appended conditional on its version, so a second server that prepared
//! the same command at once appends nothing. A preparation that fails (the
//! outside system cannot be reached) is logged and retried after one tick,
//! with nothing appended, like a store failure. A procedure that is no
//! longer due when loaded is not prepared at all, so nothing outside is asked
//! for a transition already carried out.
//!
//! Metrics: `cdb_scheduler_fired_total{kind}` counts due commands that
//! appended events (every issued command is also counted by the pipeline's
//! `cdb_commands_total{kind,outcome}`).

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Decider, Scheduled};
use futures_util::StreamExt;
use tokio::sync::Mutex;
use tracing::Instrument;

use crate::pipeline::{CommandError, CommandHandler};
use crate::store::{AppendError, Metadata, StoreError};

/// How long the background loop sleeps at most between passes.
pub const DEFAULT_TICK: Duration = Duration::from_secs(1);

/// The broker name the scheduler's commands are recorded under.
pub const BROKER: &str = "chronograph";

/// The role the scheduler's commands are recorded under.
pub const ROLE: &str = "system";

/// Events read from the log per request while catching up.
const PAGE: usize = 1000;
/// Procedures refreshed per round while catching up.
const REFRESH_CHUNK: usize = 256;
/// Procedures loaded or fired at once.
const CONCURRENCY: usize = 8;
/// The kind cache is cleared when it grows beyond this many procedures
/// (kinds never change, so the cache is always right, only bounded).
const KIND_CACHE_LIMIT: usize = 100_000;
/// Due commands issued to one procedure in one pass (several transitions
/// may be due at once); beyond that it waits one tick.
const MAX_FIRINGS_PER_PASS: u32 = 16;

/// Why a scheduler pass could not finish; the next pass retries.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a [`PrepareDue`] could not prepare a due command (e.g. the outside
/// system it asks cannot be reached); the scheduler retries after a tick.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PrepareError(pub String);

impl PrepareError {
    pub fn new(reason: impl std::fmt::Display) -> Self {
        PrepareError(reason.to_string())
    }
}

/// Prepares the due command of a procedure of type `D` from its state with
/// facts from outside the log; see the module documentation.
#[async_trait]
pub trait PrepareDue<D: Decider>: Send + Sync {
    /// The command to issue now that the procedure in `state` is due.
    async fn prepare(&self, state: &D::State) -> Result<D::Command, PrepareError>;
}

/// Issues due automatic commands; see the module documentation.
pub struct Scheduler {
    handler: CommandHandler,
    kinds: HashMap<&'static str, Arc<dyn Kind>>,
    tick: Duration,
    index: Mutex<Index>,
}

impl Scheduler {
    pub fn new(handler: CommandHandler) -> Self {
        Scheduler {
            handler,
            kinds: HashMap::new(),
            tick: DEFAULT_TICK,
            index: Mutex::new(Index::default()),
        }
    }

    /// The longest the background loop sleeps between passes (at least 1 ms).
    pub fn with_tick(mut self, tick: Duration) -> Self {
        self.tick = tick.max(Duration::from_millis(1));
        self
    }

    /// Schedules procedures of kind `D::KIND`. Registering again replaces
    /// the earlier registration; the index is rebuilt from the log on the
    /// next pass.
    pub fn register<D>(&mut self) -> &mut Self
    where
        D: Scheduled + 'static,
        D::State: Send + Sync,
        D::Command: Send + Sync,
        D::Event: Send,
    {
        self.insert::<D>(None)
    }

    /// Schedules procedures of kind `D::KIND` whose due command `prepare`
    /// makes from the procedure's state with outside facts, instead of
    /// [`Scheduled::due_command`]. Registering again replaces the earlier
    /// registration, as with [`Scheduler::register`].
    pub fn register_prepared<D>(&mut self, prepare: Arc<dyn PrepareDue<D>>) -> &mut Self
    where
        D: Scheduled + 'static,
        D::State: Send + Sync,
        D::Command: Send + Sync,
        D::Event: Send,
    {
        self.insert::<D>(Some(prepare))
    }

    fn insert<D>(&mut self, prepare: Option<Arc<dyn PrepareDue<D>>>) -> &mut Self
    where
        D: Scheduled + 'static,
        D::State: Send + Sync,
        D::Command: Send + Sync,
        D::Event: Send,
    {
        let registered = Registered::<D> {
            prepare,
            decider: PhantomData,
        };
        self.kinds.insert(D::KIND, Arc::new(registered));
        *self.index.get_mut() = Index::default();
        self
    }

    /// One pass: catch up with the log, then issue the due command of every
    /// procedure whose due time has come by the clock. Returns how many
    /// commands appended events.
    pub async fn run_due(&self) -> Result<usize, SchedulerError> {
        let mut index = self.index.lock().await;
        self.catch_up(&mut index).await?;
        Ok(self.fire_due(&mut index).await)
    }

    /// The pending due times after catching up with the log, earliest
    /// first: `(due, procedure id)`.
    pub async fn scheduled(&self) -> Result<Vec<(DateTime<Utc>, String)>, SchedulerError> {
        let mut index = self.index.lock().await;
        self.catch_up(&mut index).await?;
        Ok(index
            .due
            .iter()
            .map(|(due, id)| (*due, id.clone()))
            .collect())
    }

    /// Runs passes until `shutdown` resolves: after each pass it waits for
    /// a commit, the next due time, or one tick, whichever comes first.
    /// Errors are logged and retried after a tick.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let mut commits = self.handler.store().subscribe();
        let kinds: Vec<&str> = self.kinds.keys().copied().collect();
        tracing::info!(?kinds, tick = ?self.tick, "scheduler started");
        tokio::pin!(shutdown);
        loop {
            // Anything committed from here on wakes the wait below.
            commits.borrow_and_update();
            let wait = match self.run_due().await {
                Ok(_) => self.wait_after_pass().await,
                Err(error) => {
                    tracing::warn!(%error, "scheduler pass failed; retrying after a tick");
                    self.tick
                }
            };
            let committed = async {
                if commits.changed().await.is_err() {
                    // The store is gone; only the tick or shutdown can wake us.
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                () = &mut shutdown => break,
                () = committed => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        tracing::info!("scheduler stopped");
    }

    /// Until the earliest due time by the clock, capped at one tick.
    async fn wait_after_pass(&self) -> Duration {
        let index = self.index.lock().await;
        let now = self.handler.clock().now();
        index
            .due
            .iter()
            .find(|(_, id)| !index.backoff.contains_key(id))
            .map_or(self.tick, |(due, _)| {
                let until = (*due - now).to_std().unwrap_or(Duration::ZERO);
                self.handler.clock().real(until).min(self.tick)
            })
    }

    /// Reads the log from the last position seen and recomputes the due time
    /// of every procedure touched.
    async fn catch_up(&self, index: &mut Index) -> Result<(), SchedulerError> {
        let store = self.handler.store();
        loop {
            let page = store.read_all(index.position, PAGE).await?;
            let Some(last) = page.last() else { break };
            index.position = last.position;
            for event in &page {
                if !index.stale.contains(&event.procedure_id) {
                    index.stale.insert(event.procedure_id.clone());
                }
            }
            if page.len() < PAGE {
                break;
            }
        }
        self.refresh_stale(index).await
    }

    async fn refresh_stale(&self, index: &mut Index) -> Result<(), SchedulerError> {
        let store = self.handler.store();
        while !index.stale.is_empty() {
            let chunk: Vec<String> = index.stale.iter().take(REFRESH_CHUNK).cloned().collect();

            // Which of them are of a registered kind.
            let mut resolved: Vec<(&String, &'static str)> = Vec::new();
            let mut unknown: Vec<&String> = Vec::new();
            for id in &chunk {
                match index.kinds.get(id) {
                    Some(Some(kind)) => resolved.push((id, *kind)),
                    Some(None) => {}
                    None => unknown.push(id),
                }
            }
            let fetched = concurrently(
                unknown
                    .into_iter()
                    .map(|id| async move { (id, store.procedure_kind(id).await) })
                    .collect(),
            )
            .await;
            for (id, kind) in fetched {
                let kind = kind?.and_then(|kind| self.registered_kind(&kind));
                index.cache_kind(id, kind);
                if let Some(kind) = kind {
                    resolved.push((id, kind));
                }
            }

            // Their next due times.
            let loaded = concurrently(
                resolved
                    .into_iter()
                    .map(|(id, kind)| async move {
                        let result = match self.kinds.get(kind) {
                            Some(scheduled) => scheduled.next_check(&self.handler, id).await,
                            None => Ok(None),
                        };
                        (id, kind, result)
                    })
                    .collect(),
            )
            .await;
            for (id, kind, result) in loaded {
                match result {
                    Ok(due) => index.set_due(id, kind, due),
                    Err(Failure::Store(error)) => return Err(error.into()),
                    Err(failure) => {
                        tracing::warn!(
                            kind,
                            procedure = %id,
                            error = %failure,
                            "cannot compute the next due time; not scheduled until the procedure changes"
                        );
                        index.set_due(id, kind, None);
                    }
                }
            }
            for id in &chunk {
                index.stale.remove(id);
            }
        }
        Ok(())
    }

    /// Issues one procedure's due command.
    async fn fire(
        &self,
        id: String,
        kind: &'static str,
        due: DateTime<Utc>,
        metadata: &Metadata,
    ) -> (String, &'static str, Result<Fired, Failure>) {
        let span = tracing::info_span!("scheduler_fire", kind, procedure = %id, due = %due);
        let result = match self.kinds.get(kind) {
            Some(scheduled) => {
                scheduled
                    .fire(&self.handler, &id, metadata)
                    .instrument(span)
                    .await
            }
            None => Err(Failure::Broken(format!("kind {kind} is not registered"))),
        };
        (id, kind, result)
    }

    fn registered_kind(&self, kind: &str) -> Option<&'static str> {
        self.kinds.get_key_value(kind).map(|(kind, _)| *kind)
    }

    /// Fires every due procedure (repeatedly while a procedure stays due and
    /// its command keeps appending, up to [`MAX_FIRINGS_PER_PASS`]).
    async fn fire_due(&self, index: &mut Index) -> usize {
        let metadata = Metadata {
            broker: Some(BROKER.to_owned()),
            role: Some(ROLE.to_owned()),
            ..Metadata::default()
        };
        let mut appended = 0;
        let mut firings: HashMap<String, u32> = HashMap::new();
        loop {
            let now = self.handler.clock().now();
            let real_now = Instant::now();
            index.backoff.retain(|_, until| *until > real_now);
            let due: Vec<(DateTime<Utc>, String, &'static str)> = index
                .due
                .iter()
                .take_while(|(due, _)| *due <= now)
                .filter(|(_, id)| !index.backoff.contains_key(id))
                .filter_map(|(due, id)| {
                    let (_, kind) = index.due_of.get(id)?;
                    Some((*due, id.clone(), *kind))
                })
                .collect();
            if due.is_empty() {
                break;
            }
            let metadata = &metadata;
            let results = concurrently(
                due.into_iter()
                    .map(|(due, id, kind)| self.fire(id, kind, due, metadata))
                    .collect(),
            )
            .await;
            for (id, kind, result) in results {
                let attempts = firings.entry(id.clone()).or_default();
                *attempts += 1;
                match result {
                    Ok(fired) => {
                        if fired.appended {
                            appended += 1;
                            metrics::counter!("cdb_scheduler_fired_total", "kind" => kind)
                                .increment(1);
                            tracing::info!(kind, procedure = %id, "automatic transition applied");
                        }
                        let still_due = fired.next_check.is_some_and(|next| next <= now);
                        if still_due && !fired.appended {
                            tracing::warn!(
                                kind,
                                procedure = %id,
                                "the due command changed nothing although next_check says it is due; \
                                 not scheduled until the procedure changes"
                            );
                            index.set_due(&id, kind, None);
                        } else {
                            index.set_due(&id, kind, fired.next_check);
                            if still_due && *attempts >= MAX_FIRINGS_PER_PASS {
                                index.backoff.insert(id, real_now + self.tick);
                            }
                        }
                    }
                    Err(
                        failure @ (Failure::Store(_)
                        | Failure::Conflict(_)
                        | Failure::Unprepared(_)),
                    ) => {
                        tracing::warn!(kind, procedure = %id, error = %failure, "due command failed; retrying after a tick");
                        index.backoff.insert(id, real_now + self.tick);
                    }
                    Err(failure) => {
                        tracing::warn!(
                            kind,
                            procedure = %id,
                            error = %failure,
                            "due command refused; not scheduled until the procedure changes"
                        );
                        index.set_due(&id, kind, None);
                    }
                }
            }
        }
        appended
    }
}

/// Runs the futures, at most [`CONCURRENCY`] at a time, and returns their
/// outputs in completion order.
async fn concurrently<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    futures_util::stream::iter(futures)
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

/// What the scheduler knows, all derived from the log.
#[derive(Default)]
struct Index {
    /// The global position read up to.
    position: u64,
    /// Pending due times, earliest first.
    due: BTreeSet<(DateTime<Utc>, String)>,
    /// Procedure → its entry in `due`, and its kind.
    due_of: HashMap<String, (DateTime<Utc>, &'static str)>,
    /// Procedures touched by events whose due time is not recomputed yet.
    stale: BTreeSet<String>,
    /// Procedure → its kind if registered here (`None`: not scheduled here).
    kinds: HashMap<String, Option<&'static str>>,
    /// Procedures whose last firing failed for a passing reason: not fired
    /// again before this (real) instant.
    backoff: HashMap<String, Instant>,
}

impl Index {
    fn set_due(&mut self, id: &str, kind: &'static str, due: Option<DateTime<Utc>>) {
        if let Some((old, _)) = self.due_of.remove(id) {
            self.due.remove(&(old, id.to_owned()));
        }
        match due {
            Some(due) => {
                self.due.insert((due, id.to_owned()));
                self.due_of.insert(id.to_owned(), (due, kind));
            }
            None => {
                self.backoff.remove(id);
            }
        }
    }

    fn cache_kind(&mut self, id: &str, kind: Option<&'static str>) {
        if self.kinds.len() >= KIND_CACHE_LIMIT {
            self.kinds.clear();
        }
        self.kinds.insert(id.to_owned(), kind);
    }
}

/// What one firing did.
struct Fired {
    appended: bool,
    /// The procedure's next due time after the command.
    next_check: Option<DateTime<Utc>>,
}

/// Why loading or firing a procedure failed.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// The rules refused the due command.
    #[error("refused: {0}")]
    Refused(String),
    /// The procedure cannot be loaded or written as it is (undecodable
    /// events, an invalid append): a bug, not fixed by retrying.
    #[error("{0}")]
    Broken(String),
    /// Other commands kept changing the procedure.
    #[error("{0}")]
    Conflict(String),
    /// The due command's outside facts could not be had.
    #[error("cannot prepare the due command: {0}")]
    Unprepared(PrepareError),
    #[error(transparent)]
    Store(StoreError),
}

impl<E: std::error::Error + 'static> From<CommandError<E>> for Failure {
    fn from(error: CommandError<E>) -> Self {
        match error {
            CommandError::Domain(refusal) => Failure::Refused(refusal.to_string()),
            CommandError::Conflict { .. } | CommandError::Append(AppendError::Conflict { .. }) => {
                Failure::Conflict(error.to_string())
            }
            CommandError::Store(error) | CommandError::Append(AppendError::Store(error)) => {
                Failure::Store(error)
            }
            CommandError::Append(_) | CommandError::Decode { .. } => {
                Failure::Broken(error.to_string())
            }
        }
    }
}

/// One registered procedure type, with its decider's types erased.
#[async_trait]
trait Kind: Send + Sync {
    async fn next_check(
        &self,
        handler: &CommandHandler,
        procedure_id: &str,
    ) -> Result<Option<DateTime<Utc>>, Failure>;

    async fn fire(
        &self,
        handler: &CommandHandler,
        procedure_id: &str,
        metadata: &Metadata,
    ) -> Result<Fired, Failure>;
}

struct Registered<D: Decider> {
    /// `None`: the static [`Scheduled::due_command`].
    prepare: Option<Arc<dyn PrepareDue<D>>>,
    decider: PhantomData<fn() -> D>,
}

#[async_trait]
impl<D> Kind for Registered<D>
where
    D: Scheduled + 'static,
    D::State: Send + Sync,
    D::Command: Send + Sync,
    D::Event: Send,
{
    async fn next_check(
        &self,
        handler: &CommandHandler,
        procedure_id: &str,
    ) -> Result<Option<DateTime<Utc>>, Failure> {
        let loaded = handler.load::<D>(procedure_id).await?;
        Ok(D::next_check(&loaded.state))
    }

    async fn fire(
        &self,
        handler: &CommandHandler,
        procedure_id: &str,
        metadata: &Metadata,
    ) -> Result<Fired, Failure> {
        let command = match &self.prepare {
            None => D::due_command(),
            Some(prepare) => {
                let loaded = handler.load::<D>(procedure_id).await?;
                let next_check = D::next_check(&loaded.state);
                let now = handler.clock().now();
                if next_check.is_none_or(|due| due > now) {
                    // Carried out meanwhile (another server, a command).
                    return Ok(Fired {
                        appended: false,
                        next_check,
                    });
                }
                prepare
                    .prepare(&loaded.state)
                    .await
                    .map_err(Failure::Unprepared)?
            }
        };
        let executed = handler
            .execute::<D>(procedure_id, &command, metadata)
            .await?;
        Ok(Fired {
            appended: !executed.events.is_empty(),
            next_check: D::next_check(&executed.state),
        })
    }
}
