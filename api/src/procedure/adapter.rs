//! What a procedure type provides to be served over HTTP: which collection
//! and resources it has, and how a request becomes one of its commands.
//! Everything else (authentication, dispatch, loading, running the command,
//! rendering, `Location`, tokens in `access`) is generic.

use std::sync::Arc;

use async_trait::async_trait;
use axum::http::HeaderMap;
use commands::PrepareDue;
use commands::ports::catalogue::Catalogue;
use domain::auction::{Live, Participation};
use domain::handoff::AuctionOutcome;
use domain::procurement::{DocumentEdit, DocumentInput, Refusal};
use domain::{Decider, Published, Scheduled};
use serde_json::Value as Json;

use super::Collection;
use crate::brokers::Broker;
use crate::error::ApiError;
use crate::server::AppState;

/// A resource a procedure type may or may not have. A request on a resource
/// the procedure's type lacks is answered as if the route did not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    /// `POST …/{id}/ownership`: another broker takes the procedure over.
    Ownership,
    Bids,
    Awards,
    Contracts,
    /// `GET`/`POST …/cancellations` and their documents.
    Cancellations,
    /// `PATCH …/cancellations/{id}`: cancellations with a life cycle.
    CancellationEdits,
    /// `GET`/`POST …/auction`: the auction hand-off.
    Auction,
    /// `PATCH`/`POST …/auction/{lot_id}`: the hand-off per lot (the
    /// outside module's URLs, then its results).
    LotAuction,
    /// `GET`/`POST …/questions`, `PATCH …/questions/{id}` (the answer).
    Questions,
    /// `GET`/`POST …/lots`, `PATCH …/lots/{id}`.
    Lots,
}

/// The object a document is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Procedure,
    Bid(String),
    Award(String),
    Contract(String),
    Cancellation(String),
}

/// A write as the generic layer parsed it from the route: the ids from the
/// path, the request's `data` (a JSON object) for the adapter to parse.
#[derive(Debug, Clone)]
pub enum Write {
    /// `POST <collection>`; `id` is the new procedure's id.
    Create {
        id: String,
        data: Json,
        config: Option<Json>,
    },
    /// `PATCH <collection>/{id}`.
    Edit {
        data: Json,
    },
    /// `POST …/ownership`.
    TransferOwnership {
        data: Json,
    },
    SubmitBid {
        data: Json,
    },
    EditBid {
        bid_id: String,
        data: Json,
    },
    WithdrawBid {
        bid_id: String,
    },
    EditAward {
        award_id: String,
        data: Json,
    },
    EditContract {
        contract_id: String,
        data: Json,
    },
    Cancel {
        data: Json,
    },
    EditCancellation {
        cancellation_id: String,
        data: Json,
    },
    /// A document whose body was checked against document storage.
    AddDocument {
        target: Target,
        document: Box<DocumentInput>,
    },
    /// `PATCH …/documents/{document_id}`.
    EditDocument {
        target: Target,
        document_id: String,
        edit: Box<DocumentEdit>,
    },
    /// `PUT …/documents/{document_id}`: a new version, its body checked
    /// against document storage.
    AddDocumentVersion {
        target: Target,
        document_id: String,
        document: Box<DocumentInput>,
    },
    /// `POST …/questions`.
    AskQuestion {
        data: Json,
    },
    /// `PATCH …/questions/{question_id}`: the answer.
    AnswerQuestion {
        question_id: String,
        data: Json,
    },
    /// `POST …/lots`.
    AddLot {
        data: Json,
    },
    /// `PATCH …/lots/{lot_id}`.
    EditLot {
        lot_id: String,
        data: Json,
    },
    /// `POST …/auction` by the auction service.
    RecordAuction {
        outcome: AuctionOutcome,
    },
    /// `PATCH …/auction/{lot_id}` by the auction service: the lot's
    /// `auctionUrl` and the bidders' `participationUrl`s.
    LotAuctionUrls {
        lot_id: String,
        data: Json,
    },
    /// `POST …/auction/{lot_id}` by the auction service: the lot's results.
    RecordLotAuction {
        lot_id: String,
        data: Json,
    },
    /// A participant's request to the auction the CDB runs, through its
    /// participation link; the generic layer maps it ([`Live`]).
    Participate(Participation),
}

/// Who is writing: the authenticated broker (or service) and the hash of
/// the object token it presented, if any.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub broker: &'a Broker,
    pub token_hash: Option<String>,
}

/// The command for a write, with the fresh tokens to hand back in the
/// answer's `access` object (owner, transfer or bid tokens).
pub struct Prepared<C> {
    pub command: C,
    pub access: Option<Json>,
}

impl<C> Prepared<C> {
    pub fn command(command: C) -> Self {
        Prepared {
            command,
            access: None,
        }
    }

    pub fn with_access(command: C, access: Json) -> Self {
        Prepared {
            command,
            access: Some(access),
        }
    }
}

/// What an adapter may use while turning a request into a command: the
/// server (for outside facts such as the e-catalogue, numbering, settings),
/// the procedure's id and the caller.
pub struct Ports<'a> {
    pub app: &'a AppState,
    pub id: &'a str,
    pub caller: &'a Caller<'a>,
    pub headers: &'a HeaderMap,
}

impl Ports<'_> {
    /// The next number of the per-day `sequence` (e.g. `tenderID:2026-12-01`).
    pub async fn next_number(&self, sequence: &str) -> Result<u64, ApiError> {
        self.app
            .handler
            .next_number(sequence)
            .await
            .map_err(crate::write::store_failed)
    }

    /// Refuses documents sent inside a request body (not attached through
    /// `…/documents`) unless each was uploaded here with its hash.
    pub async fn check_attached(&self, documents: &[DocumentInput]) -> Result<(), ApiError> {
        crate::attachments::check_all_attached(
            self.app.documents.as_ref(),
            &self.app.public_url,
            documents,
        )
        .await
    }

    /// The procedure's current state, folded from the log.
    pub async fn load<D: Decider<Error = Refusal>>(&self) -> Result<D::State, ApiError> {
        let loaded = self
            .app
            .handler
            .load::<D>(self.id)
            .await
            .map_err(crate::write::command_failed)?;
        Ok(loaded.state)
    }
}

/// What a type's scheduled transitions may consult outside the log: the
/// server's ports, handed to [`Adapter::prepare_due`] when the scheduler is
/// set up.
#[derive(Clone, Default)]
pub struct SchedulerPorts {
    /// The e-catalogue; `None` when none is configured.
    pub catalogue: Option<Arc<dyn Catalogue>>,
}

/// A procedure type's HTTP adapter; see the module documentation.
#[async_trait]
pub trait Adapter: Send + Sync + 'static {
    type Procedure: Decider<Error = Refusal> + Published + Scheduled + Live + Send + Sync + 'static;

    fn collection(&self) -> &'static Collection;

    /// The values of the collection's selector field that create a
    /// procedure of this type.
    fn selector_values(&self) -> &'static [&'static str];

    fn resources(&self) -> &[Resource];

    /// This type's part of the OpenAPI description (a partial document with
    /// its `paths` and `components.schemas`).
    fn openapi(&self) -> &str;

    /// The broker role recorded with a write (`broker`, `auction`).
    fn role(&self, write: &Write) -> &'static str {
        match write {
            Write::RecordAuction { .. }
            | Write::LotAuctionUrls { .. }
            | Write::RecordLotAuction { .. } => "auction",
            Write::Participate(_) => "participant",
            _ => "broker",
        }
    }

    /// The command `write` by `ports.caller` asks for.
    async fn command(
        &self,
        ports: &Ports<'_>,
        write: Write,
    ) -> Result<Prepared<<Self::Procedure as Decider>::Command>, ApiError>;

    /// The id of what `events` made: the new bid, cancellation or document.
    fn made(&self, events: &[<Self::Procedure as Decider>::Event]) -> Option<String>;

    /// What the auction may read; types with [`Resource::Auction`] answer
    /// from their `AuctionHandOff` rules.
    fn auction_view(&self, _state: &<Self::Procedure as Decider>::State) -> Result<Json, Refusal> {
        Err(Refusal::not_found("auction"))
    }

    /// How the scheduler prepares this type's due command when it needs
    /// facts from outside the log (see `commands::scheduler`); `None`, the
    /// default, issues the static `Scheduled::due_command`.
    fn prepare_due(&self, _ports: &SchedulerPorts) -> Option<Arc<dyn PrepareDue<Self::Procedure>>> {
        None
    }
}
