//! A sale's records as the shared rules ([`crate::procedures::common`]) see
//! them.

use crate::procedures::common::{self, BidRecord, Parties, Records, Root};
use crate::procedures::multi_award_sale::{
    Bid, BidStatus, Config, Procedure, ProcedureStatus, State,
};
use crate::procurement::one_bid_per_party::Party;
use crate::procurement::{Identifier, Period};

common::records::documented_records!(Bid);

impl BidRecord for Bid {
    fn is_withdrawn(&self) -> bool {
        self.status == BidStatus::Deleted
    }

    fn bids_as(&self, party: &Identifier) -> bool {
        self.bidders
            .iter()
            .any(|bidder| Party::key(bidder) == (party.scheme.as_str(), party.id.as_str()))
    }
}

impl Root for Procedure {
    type Bid = Bid;
    const STATUS_OF: &'static str = "procedure";

    fn status_str(&self) -> &'static str {
        self.status.as_str()
    }

    fn is_tendering(&self) -> bool {
        self.status == ProcedureStatus::ActiveTendering
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
    type Root = Procedure;
    type Config = Config;
    const ROOT_PARAM: &'static str = "procedure_id";

    fn root(&self) -> Option<&Procedure> {
        self.procedure.as_ref()
    }

    fn config(&self) -> &Config {
        &self.config
    }

    fn parties(&self) -> &Parties {
        &self.parties
    }
}
