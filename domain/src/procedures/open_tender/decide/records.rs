//! A tender's records as the shared rules ([`crate::procedures::common`])
//! see them.

use crate::procedures::common::{self, BidRecord, Caller, Parties, Records, Root};
use crate::procedures::open_tender::{
    Actor, Award, Bid, Cancellation, Config, Contract, State, Tender, TenderStatus,
};
use crate::procurement::{Identifier, Period};

common::records::documented_records!(Bid, Award, Contract, Cancellation);

impl common::Identified for crate::procedures::open_tender::Question {
    fn id(&self) -> &str {
        &self.id
    }
}

impl common::Identified for crate::procedures::open_tender::Lot {
    fn id(&self) -> &str {
        &self.id
    }
}

impl BidRecord for Bid {
    /// A withdrawn bid is removed from the tender (spec B8).
    fn is_withdrawn(&self) -> bool {
        false
    }

    /// Its tenderers are this procedure's parties (with their signers),
    /// compared as the shared organisations are.
    fn bids_as(&self, party: &Identifier) -> bool {
        self.tenderers
            .iter()
            .any(|tenderer| tenderer.identifier.same_as(party))
    }
}

impl Root for Tender {
    type Bid = Bid;
    const STATUS_OF: &'static str = "tender";

    fn status_str(&self) -> &'static str {
        self.status.as_str()
    }

    fn is_tendering(&self) -> bool {
        self.status == TenderStatus::ActiveTendering
    }

    fn tender_period(&self) -> &Period {
        &self.tender_period
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn bids(&self) -> &[Bid] {
        &self.bids
    }
}

impl Records for State {
    type Root = Tender;
    type Config = Config;
    const ROOT_PARAM: &'static str = "tender_id";

    fn root(&self) -> Option<&Tender> {
        self.tender.as_ref()
    }

    fn config(&self) -> &Config {
        &self.config
    }

    fn parties(&self) -> &Parties {
        &self.parties
    }
}

impl Caller for Actor {
    fn broker(&self) -> Option<&str> {
        Some(&self.broker)
    }

    fn token_hash(&self) -> Option<&str> {
        self.token_hash.as_deref()
    }
}
