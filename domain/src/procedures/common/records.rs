//! How a procedure describes its records to the shared rules: its state, its
//! top record (a sale's procedure, a tender), its bids and the caller.

use serde::Serialize;

use super::Parties;
use crate::procurement::{Document, Identifier, Organization, Period};

/// A record a command names by its id.
pub trait Identified {
    fn id(&self) -> &str;
}

/// A record documents are attached to.
pub trait Documented: Identified {
    fn documents_mut(&mut self) -> &mut Vec<Document>;
}

/// A bid, as the rules on taking bids see it.
pub trait BidRecord: Identified + Serialize {
    /// Withdrawn by its bidder: no rule sees it any more.
    fn is_withdrawn(&self) -> bool;
    /// The parties bidding (a tender's tenderers), when they are the shared
    /// [`Organization`]; a procedure with its own organisation model (the
    /// sale's multiLang one) leaves this empty and answers
    /// [`BidRecord::bids_as`] itself.
    fn parties(&self) -> &[Organization] {
        &[]
    }

    /// Whether `party` (compared by register and code) is among the
    /// parties bidding.
    fn bids_as(&self, party: &Identifier) -> bool {
        self.parties()
            .iter()
            .any(|other| other.identifier.same_as(party))
    }
}

/// The top record of a procedure: as serialised, its public document
/// before [`super::disclosure`] takes out what is sealed.
pub trait Root: Serialize {
    type Bid: BidRecord;
    /// How refusals name this record's status: "in current (…) tender status".
    const STATUS_OF: &'static str;
    fn status_str(&self) -> &'static str;
    /// Whether the status is the one bids are taken in.
    fn is_tendering(&self) -> bool;
    fn tender_period(&self) -> &Period;
    /// The broker that owns the procedure.
    fn owner(&self) -> &str;
    fn bids(&self) -> &[Self::Bid];
}

/// A broker and the hash of the token it was given for a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner<'a> {
    pub broker: &'a str,
    pub token_hash: &'a str,
}

/// The state a decision is taken on.
pub trait Records {
    type Root: Root;
    /// The settings the procedure was created with, shown with its document.
    type Config: Serialize;
    /// The URL parameter a missing procedure is reported on.
    const ROOT_PARAM: &'static str;
    /// `None` until the procedure is created.
    fn root(&self) -> Option<&Self::Root>;
    fn config(&self) -> &Self::Config;
    fn parties(&self) -> &Parties;
}

/// Who sends a command.
pub trait Caller {
    /// The broker acting, or `None` for a caller acting in no broker's name
    /// (a sale's auction module), which therefore owns nothing.
    fn broker(&self) -> Option<&str>;
    /// The hash of the object token presented, if any.
    fn token_hash(&self) -> Option<&str>;
}

/// [`Identified`] and [`Documented`] for record types with `id: String` and
/// `documents: Vec<Document>` fields.
macro_rules! documented_records {
    ($($record:ty),+ $(,)?) => {$(
        impl $crate::procedures::common::Identified for $record {
            fn id(&self) -> &str {
                &self.id
            }
        }

        impl $crate::procedures::common::Documented for $record {
            fn documents_mut(&mut self) -> &mut Vec<$crate::procurement::Document> {
                &mut self.documents
            }
        }
    )+};
}

pub(crate) use documented_records;
