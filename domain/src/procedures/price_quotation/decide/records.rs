//! A tender's records as the shared rules ([`crate::procedures::common`])
//! see them.

use crate::procedures::common::{self, BidRecord, Caller, Owner, Records, Root};
use crate::procedures::price_quotation::{
    Actor, Award, Bid, BidStatus, Cancellation, Contract, State, Tender, TenderStatus,
};
use crate::procurement::{Organization, Period};

common::records::documented_records!(Bid, Award, Contract, Cancellation);

impl BidRecord for Bid {
    fn is_withdrawn(&self) -> bool {
        self.status == BidStatus::Deleted
    }

    fn parties(&self) -> &[Organization] {
        &self.tenderers
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
    const ROOT_PARAM: &'static str = "tender_id";

    fn root(&self) -> Option<&Tender> {
        self.tender.as_ref()
    }

    fn owner_token_hash(&self) -> &str {
        &self.owner_token_hash
    }

    fn bid_owner(&self, bid_id: &str) -> Option<Owner<'_>> {
        self.bid_owners.get(bid_id).map(|owner| Owner {
            broker: &owner.broker,
            token_hash: &owner.token_hash,
        })
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
