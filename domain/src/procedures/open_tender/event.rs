//! What happened to a belowThreshold tender. Every computed date (periods,
//! `clarificationsUntil`, auction plans, complaint periods) is recorded in
//! the event that used it, so replay never recomputes with a newer
//! calendar (spec §15).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extended::Party;
use super::{
    Award, Bid, BidStatus, Cancellation, Config, Contract, LotValue, Question, Tender, Terms,
};
use crate::event::TaggedEvent;
use crate::procurement::{Document, Item, Money, Period, Target};

/// How the tender period ended (spec §5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "next", rename_all = "camelCase")]
pub enum TenderingOutcome {
    /// No valid bid: the lot and the tender are `unsuccessful`.
    Unsuccessful,
    /// Two or more bids: `active.auction`.
    Auction,
    /// One bid (or no auction configured): the first award.
    Qualification { award: Box<Award> },
}

/// One bid's final price for the lot, as the auction gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuctionOutcome {
    pub bid_id: String,
    pub value: Money,
}

/// A bidder's URL into the lot's auction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipationUrl {
    pub bid_id: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    TenderCreated {
        tender: Box<Tender>,
        config: Config,
        owner_token_hash: String,
        transfer_token_hash: String,
    },
    TenderEdited {
        terms: Box<Terms>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// `draft → active.enquiries`. `late` records an activation whose
    /// enquiry period had already ended (spec Q5), for auditors.
    TenderActivated {
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        late: bool,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    TenderingStarted {
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    QuestionAsked {
        question: Box<Question>,
    },
    QuestionAnswered {
        question_id: String,
        answer: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    BidSubmitted {
        bid: Box<Bid>,
        owner: String,
        token_hash: String,
        /// The hash of the bid's transfer token; absent in bids placed
        /// before bids had one. Never public.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transfer_hash: Option<String>,
    },
    BidEdited {
        bid_id: String,
        tenderers: Option<Vec<Party>>,
        lot_values: Option<Vec<LotValue>>,
        items: Option<Vec<Item>>,
        subcontracting_details: Option<String>,
        status: Option<BidStatus>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// DELETE: the bid is removed from the tender (spec B8).
    BidWithdrawn {
        bid_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The tender period is over: every `draft` bid is deleted (spec §5.2
    /// step 1; not listed, so the public log does not count them);
    /// `excluded` the later bids of a tenderer already bidding through
    /// another broker (one bid per tenderer, enforced here so that no
    /// refusal tells a third party who has bid): they become
    /// `unsuccessful`.
    TenderingEnded {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excluded: Vec<String>,
        outcome: TenderingOutcome,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The lot's auction URL and the bidders' own URLs into it (each shown
    /// to its bid's owner only; the public log shows the lot's URL alone).
    AuctionUrlsSet {
        lot_id: String,
        auction_url: String,
        participation_urls: Vec<ParticipationUrl>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The auction's results for the lot, and the first award.
    AuctionCompleted {
        lot_id: String,
        results: Vec<AuctionOutcome>,
        award: Option<Award>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The sealed bids are opened, as everyone may now see them: after the
    /// auction, or at the tender period's end when the auction is skipped.
    /// Never in a tender that ends (or is cancelled) before that.
    BidsDisclosed {
        bids: Vec<Bid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    AwardAccepted {
        award_id: String,
        complaint_period: Period,
        contract: Box<Contract>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The award is unsuccessful; the next-cheapest bid's award follows,
    /// or none is left (the tender is `active.awarded` until the complaint
    /// period ends, then `unsuccessful`).
    AwardRejected {
        award_id: String,
        complaint_period: Period,
        next_award: Option<Award>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// An accepted award taken back: it and its contract are cancelled;
    /// `next_award` is the new pending award (the same bid is eligible).
    AwardCancelled {
        award_id: String,
        next_award: Option<Award>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    ContractActivated {
        contract_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        date_signed: DateTime<Utc>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Every award unsuccessful and the last complaint period over.
    TenderUnsuccessful {
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    CancellationRequested {
        cancellation: Cancellation,
    },
    /// The tender is cancelled. `purged`: it was cancelled before its bids
    /// were opened, and every bid is removed from it (spec §12, Q3): never
    /// shown to anyone again; the store keeps their events for auditors.
    /// A flag, not the bids' ids, so that the public log does not tell how
    /// many there were.
    CancellationActivated {
        cancellation_id: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        purged: bool,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    CancellationAbandoned {
        cancellation_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    DocumentAdded {
        #[serde(with = "crate::procedures::common::tender_target")]
        target: Target,
        document: Document,
    },
    DocumentEdited {
        #[serde(with = "crate::procedures::common::tender_target")]
        target: Target,
        document: Document,
    },
    DocumentVersionAdded {
        #[serde(with = "crate::procedures::common::tender_target")]
        target: Target,
        document: Document,
    },
}

impl TaggedEvent for Event {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::BidSubmitted { bid, .. } => format!("bid-{}", bid.id),
            Event::BidEdited { bid_id, .. } | Event::BidWithdrawn { bid_id, .. } => {
                format!("bid-{bid_id}")
            }
            Event::AwardAccepted { award_id, .. }
            | Event::AwardRejected { award_id, .. }
            | Event::AwardCancelled { award_id, .. } => format!("award-{award_id}"),
            Event::ContractActivated { contract_id, .. } => format!("contract-{contract_id}"),
            Event::AuctionCompleted { .. } | Event::AuctionUrlsSet { .. } => {
                format!("auction-{procedure_id}")
            }
            Event::DocumentAdded { target, .. }
            | Event::DocumentEdited { target, .. }
            | Event::DocumentVersionAdded { target, .. } => target.stream(procedure_id),
            _ => format!("tender-{procedure_id}"),
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::TenderCreated { .. } => "TenderCreated",
            Event::TenderEdited { .. } => "TenderEdited",
            Event::TenderActivated { .. } => "TenderActivated",
            Event::TenderingStarted { .. } => "TenderingStarted",
            Event::QuestionAsked { .. } => "QuestionAsked",
            Event::QuestionAnswered { .. } => "QuestionAnswered",
            Event::BidSubmitted { .. } => "BidSubmitted",
            Event::BidEdited { .. } => "BidEdited",
            Event::BidWithdrawn { .. } => "BidWithdrawn",
            Event::TenderingEnded { .. } => "TenderingEnded",
            Event::AuctionUrlsSet { .. } => "AuctionUrlsSet",
            Event::AuctionCompleted { .. } => "AuctionCompleted",
            Event::BidsDisclosed { .. } => "BidsDisclosed",
            Event::AwardAccepted { .. } => "AwardAccepted",
            Event::AwardRejected { .. } => "AwardRejected",
            Event::AwardCancelled { .. } => "AwardCancelled",
            Event::ContractActivated { .. } => "ContractActivated",
            Event::TenderUnsuccessful { .. } => "TenderUnsuccessful",
            Event::CancellationRequested { .. } => "CancellationRequested",
            Event::CancellationActivated { .. } => "CancellationActivated",
            Event::CancellationAbandoned { .. } => "CancellationAbandoned",
            Event::DocumentAdded { .. } => "DocumentAdded",
            Event::DocumentEdited { .. } => "DocumentEdited",
            Event::DocumentVersionAdded { .. } => "DocumentVersionAdded",
        }
    }
}
