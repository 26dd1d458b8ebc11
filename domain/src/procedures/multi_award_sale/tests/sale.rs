//! A sale driven step by step, for the rules that are about where several
//! decisions lead (the spec's status tables, the allocation, the property
//! walks): given events up to the point a vector starts, then each step
//! decided and folded in, the clock a minute later after each.

use std::ops::{Deref, DerefMut};

use chrono::Duration;
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use super::super::*;
use super::fixtures::*;
use crate::procedures::Requests;
use crate::testing::Spec;

pub struct Sale {
    spec: Spec<MultiAwardSale>,
    /// Bid ids in the order they were placed: U1, U2, …
    pub bids: Vec<String>,
    /// The firm (identifier) of each bid, for acting as its owner.
    pub firms: Vec<String>,
}

impl Deref for Sale {
    type Target = Spec<MultiAwardSale>;

    fn deref(&self) -> &Spec<MultiAwardSale> {
        &self.spec
    }
}

impl DerefMut for Sale {
    fn deref_mut(&mut self) -> &mut Spec<MultiAwardSale> {
        &mut self.spec
    }
}

impl Sale {
    /// Published at [`t0`] ([`created`]), a minute before anything else.
    pub fn published(quantity: Json, minimal_part: Json, min_price: Json) -> Self {
        let spec = Spec::given([created(quantity, minimal_part, min_price)])
            .at(t0() + Duration::minutes(1))
            .ids_from(2);
        Sale {
            spec,
            bids: Vec::new(),
            firms: Vec::new(),
        }
    }

    /// A sale of `quantity` with `minimal_part` and minimal price.
    pub fn new(quantity: i64, minimal_part: i64, min_price: i64) -> Self {
        Sale::published(json!(quantity), json!(minimal_part), json!(min_price))
    }

    /// Gives the next participant's bid, placed now; answers its id.
    pub fn place(&mut self, quantity: Json, price: Json) -> String {
        let u = self.bids.len() + 1;
        let now = self.now();
        self.record([bid_submitted(u, quantity, price, now)]);
        self.set_now(now + Duration::minutes(1));
        self.bids.push(bid_id(u));
        self.firms.push(firm(u));
        bid_id(u)
    }

    /// Published, the `(quantity, price)` bids of U1, U2, … placed, the
    /// tender period over, and (for two or more bids) the auction reported
    /// with every price unchanged.
    pub fn qualification(
        quantity: i64,
        minimal_part: i64,
        min_price: i64,
        bids: &[(i64, i64)],
    ) -> Self {
        let bids: Vec<(Json, Json)> = bids.iter().map(|&(q, p)| (json!(q), json!(p))).collect();
        Sale::qualification_of(
            json!(quantity),
            json!(minimal_part),
            json!(min_price),
            &bids,
        )
    }

    /// [`Sale::qualification`] for any JSON numbers. With one bid the
    /// tender period's end is decided (it starts qualification); with more
    /// it is given, and the auction's results are decided (they rank and
    /// allocate).
    pub fn qualification_of(
        quantity: Json,
        minimal_part: Json,
        min_price: Json,
        bids: &[(Json, Json)],
    ) -> Self {
        let mut sale = Sale::published(quantity, minimal_part, min_price);
        for (quantity, price) in bids {
            sale.place(quantity.clone(), price.clone());
        }
        if bids.len() > 1 {
            sale.auction_running();
            sale.auction_unraised();
        } else {
            sale.end_tendering();
        }
        sale
    }

    /// Decides `command` (it must be accepted) and moves the clock a minute.
    pub fn apply(&mut self, command: Command) -> Vec<Event> {
        let events = self.step(command);
        let now = self.now();
        self.set_now(now + Duration::minutes(1));
        events
    }

    pub fn procedure(&self) -> &Procedure {
        self.state().procedure.as_ref().expect("procedure exists")
    }

    /// The scheduler at the tender period's end.
    pub fn end_tendering(&mut self) -> Vec<Event> {
        self.set_now(tender_end());
        self.apply(Command::CheckDue)
    }

    /// Gives the tender period's end with every bid taking part and the
    /// auction started, as [`Sale::end_tendering`] decides it for two bids or
    /// more; the clock a minute later.
    pub fn auction_running(&mut self) {
        let everyone: Vec<usize> = (1..=self.bids.len()).collect();
        self.record([tendering_ended(&everyone), auction_started()]);
        self.set_now(tender_end() + Duration::minutes(1));
    }

    /// The auction module reports every bid at its own price, unraised.
    pub fn auction_unraised(&mut self) -> Vec<Event> {
        let now = self.now();
        let results = self
            .procedure()
            .bids
            .iter()
            .filter(|b| b.status == BidStatus::Active)
            .map(|b| AuctionResult {
                bid_id: b.id.clone(),
                value: b.value.amount,
                date: now,
            })
            .collect();
        self.set_now(now + Duration::hours(1));
        self.apply(Command::RecordAuctionResults {
            actor: auction(),
            results,
        })
    }

    /// The award of participant `u` (1-based, in submission order).
    pub fn award(&self, u: usize) -> &Award {
        let bid_id = &self.bids[u - 1];
        self.procedure()
            .awards
            .iter()
            .find(|a| &a.bid_id == bid_id)
            .expect("award of bid")
    }

    pub fn contract(&self, u: usize) -> Option<&Contract> {
        let award_id = &self.award(u).id;
        self.procedure()
            .contracts
            .iter()
            .find(|c| &c.award_id == award_id)
    }

    pub fn bid_owner(&self, u: usize) -> Actor {
        bidder_actor(&self.firms[u - 1])
    }

    /// The `PATCH` of U`u`'s award by `actor`, as the API reads it.
    pub fn award_command(&self, u: usize, actor: Actor, edit: Json) -> Command {
        let edit = serde_json::from_value(edit).expect("valid award edit");
        MultiAwardSale::award_patch(actor, self.award(u).id.clone(), edit).expect("an award intent")
    }

    pub fn award_document(&self, u: usize, kind: &str) -> Command {
        Command::AddDocument {
            actor: owner(),
            target: Target::Award(self.award(u).id.clone()),
            document: document(kind),
        }
    }

    /// "Qualify": upload `auctionProtocol`, then `pending → active`.
    pub fn qualify(&mut self, u: usize) -> Vec<Event> {
        self.apply(self.award_document(u, "auctionProtocol"));
        self.apply(self.award_command(u, owner(), json!({"status": "active"})))
    }

    /// "Disqualify": upload `rejectionProtocol`, set the reason, `→ unsuccessful`.
    pub fn disqualify(&mut self, u: usize) -> Vec<Event> {
        self.apply(self.award_document(u, "rejectionProtocol"));
        self.apply(self.award_command(
            u,
            owner(),
            json!({"status": "unsuccessful", "terminationReason": "protocolNotSigned"}),
        ))
    }

    /// "Sign C": upload `contractSigned`, then contract `pending → active`.
    pub fn sign(&mut self, u: usize) -> Vec<Event> {
        let contract_id = self.contract(u).expect("contract").id.clone();
        self.apply(Command::AddDocument {
            actor: owner(),
            target: Target::Contract(contract_id.clone()),
            document: document("contractSigned"),
        });
        self.apply(Command::SignContract {
            actor: owner(),
            contract_id,
        })
    }

    pub fn accept_command(&self, u: usize, quantity: Json) -> Command {
        self.award_command(
            u,
            self.bid_owner(u),
            json!({"status": "pending", "quantity": quantity}),
        )
    }

    pub fn refuse(&mut self, u: usize) -> Vec<Event> {
        self.apply(self.award_command(u, self.bid_owner(u), json!({"status": "cancelled"})))
    }

    pub fn complete_command(&self) -> Command {
        Command::Complete { actor: owner() }
    }

    /// Award statuses of U1, U2, …
    pub fn awards(&self) -> Vec<&'static str> {
        (1..=self.bids.len())
            .map(|u| self.award(u).status.as_str())
            .collect()
    }

    /// Contract statuses of U1, U2, … (`-` when there is none).
    pub fn contracts(&self) -> Vec<&'static str> {
        (1..=self.bids.len())
            .map(|u| self.contract(u).map_or("-", |c| c.status.as_str()))
            .collect()
    }

    pub fn status(&self) -> &'static str {
        self.procedure().status.as_str()
    }

    pub fn remainder(&self) -> Decimal {
        self.procedure().remainder()
    }

    pub fn quantity(&self, u: usize) -> Decimal {
        self.award(u).quantity()
    }

    /// Quantities of the awards that are sold or being sold (pending or
    /// active), per participant (0 otherwise).
    pub fn allocation(&self) -> Vec<Decimal> {
        (1..=self.bids.len())
            .map(|u| {
                let award = self.award(u);
                if award.status.is_allocated() {
                    award.quantity()
                } else {
                    Decimal::ZERO
                }
            })
            .collect()
    }

    pub fn qualification_end(&self) -> chrono::DateTime<chrono::Utc> {
        self.procedure()
            .qualification_period
            .as_ref()
            .and_then(|p| p.end_date)
            .expect("qualification period end")
    }

    /// Moves the clock to the end of the qualification period and runs
    /// the scheduler.
    pub fn qualification_period_ends(&mut self) -> Vec<Event> {
        let end = self.qualification_end();
        self.set_now(end);
        self.apply(Command::CheckDue)
    }
}

/// `complete` is refused in the sale's current state.
#[track_caller]
pub fn assert_refused_complete(g: &Sale) {
    g.when(g.complete_command())
        .then_refused(crate::procurement::RefusalKind::Forbidden, "data");
}
