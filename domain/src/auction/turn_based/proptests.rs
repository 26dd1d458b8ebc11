//! Property tests of the turn-based auction: over random bidders, steps,
//! directions and random bid attempts at random moments, the engine
//! accepts a bid exactly when it is in the bidder's own turn, positive, in
//! kopiykas and improves the bidder's own current amount by at least the
//! step (so it never accepts a worse or off-step bid); each round's order
//! is worst first; and the final ranking is the order of the final amounts
//! under the tie rule.
//!
//! Every expectation comes from a model of the test's own, written from
//! the rules (spec §2.3 timings, §3.1 order, §4 bounds, Q1 ties), never
//! from the engine's functions: the model keeps each bidder's public amount
//! and date, publishes a turn's last accepted bid when the turn ends, and
//! orders rounds itself.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::auction::{Command, Direction};
use crate::procurement::Amount;
use crate::testing::CountingIds;
use crate::{Context, Decider};

const TURN_MS: i64 = 120_000;

fn t0() -> DateTime<Utc> {
    crate::testing::utc(2024, 5, 14, 9, 0)
}

/// The start of round `r`'s first turn (1-based): 5 min, then per round
/// n turns and a 2 min pause.
fn round_start(r: usize, n: usize) -> DateTime<Utc> {
    t0() + TimeDelta::milliseconds(300_000 + (r as i64 - 1) * (n as i64 + 1) * TURN_MS)
}

struct Model {
    direction: Direction,
    step: Decimal,
    n: usize,
    amounts: Vec<Decimal>,
    dates: Vec<DateTime<Utc>>,
    orders: Vec<Vec<usize>>,
    closed: usize,
    pending: Option<(usize, Decimal, DateTime<Utc>)>,
}

impl Model {
    /// `a` stands better than `b`: the amount, then the earlier date, then
    /// the earlier position.
    fn better(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.amounts[a], self.amounts[b]);
        let amount_better = match self.direction {
            Direction::Descending => x < y,
            Direction::Ascending => x > y,
        };
        amount_better || (x == y && (self.dates[a], a) < (self.dates[b], b))
    }

    fn ranking(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.n).collect();
        // Insertion by the pairwise rule, not by the engine's comparator.
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 && self.better(order[j], order[j - 1]) {
                order.swap(j, j - 1);
                j -= 1;
            }
        }
        order
    }

    /// Everything the schedule has passed by `now`.
    fn advance(&mut self, now: DateTime<Utc>) {
        loop {
            let rounds = self.orders.len();
            if self.closed < rounds * self.n {
                let t = self.closed - (rounds - 1) * self.n;
                let end =
                    round_start(rounds, self.n) + TimeDelta::milliseconds((t as i64 + 1) * TURN_MS);
                if end > now {
                    return;
                }
                let owner = self.orders[rounds - 1][t];
                if let Some((bidder, amount, at)) = self.pending.take() {
                    assert_eq!(bidder, owner);
                    self.amounts[owner] = amount;
                    self.dates[owner] = at;
                }
                self.closed += 1;
            } else if rounds < 3 {
                let pause = round_start(rounds + 1, self.n)
                    - TimeDelta::milliseconds(if rounds == 0 { 300_000 } else { TURN_MS });
                if pause > now {
                    return;
                }
                let mut order = self.ranking();
                order.reverse();
                self.orders.push(order);
            } else {
                return;
            }
        }
    }

    /// The bidder whose turn runs at `now`, if a turn runs.
    fn owner_at(&self, now: DateTime<Utc>) -> Option<usize> {
        (1..=3).find_map(|r| {
            let start = round_start(r, self.n);
            let elapsed = (now - start).num_milliseconds();
            (0..self.n as i64 * TURN_MS)
                .contains(&elapsed)
                .then(|| self.orders[r - 1][(elapsed / TURN_MS) as usize])
        })
    }

    fn allows(&self, bidder: usize, amount: Decimal) -> bool {
        let current = self.amounts[bidder];
        amount > Decimal::ZERO
            && amount.normalize().scale() <= 2
            && match self.direction {
                Direction::Descending => amount <= current - self.step,
                Direction::Ascending => amount >= current + self.step,
            }
    }
}

fn decide(
    state: &mut State,
    command: Command<Parameters>,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, crate::procurement::Refusal> {
    let ids = CountingIds::starting_at(1);
    let events = TurnBased::decide(state, &command, &Context::new(now, &ids))?;
    for event in &events {
        crate::testing::assert_round_trip(event);
        *state = TurnBased::evolve(std::mem::take(state), event);
    }
    Ok(events)
}

/// One attempt: the turn (0..3n), bid as its owner or as someone else, the
/// amount as a change of the bidder's amount in thousandths, the moment
/// within the turn in ms (120 000 = its end), or a withdrawal.
type Attempt = (usize, bool, usize, i64, i64, bool);

fn walk(
    descending: bool,
    initial: Vec<(i64, i64)>,
    step: i64,
    mut attempts: Vec<Attempt>,
) -> Result<(), TestCaseError> {
    let n = initial.len();
    let direction = if descending {
        Direction::Descending
    } else {
        Direction::Ascending
    };
    let participants: Vec<Participant> = initial
        .iter()
        .enumerate()
        .map(|(i, (units, hours))| Participant {
            bid_id: format!("bid-{i}"),
            amount: Amount::new(Decimal::from(*units)).expect("amount"),
            date: t0() - TimeDelta::hours(24 + hours),
        })
        .collect();
    let mut model = Model {
        direction,
        step: Decimal::from(step),
        n,
        amounts: participants.iter().map(|p| p.amount.decimal()).collect(),
        dates: participants.iter().map(|p| p.date).collect(),
        orders: Vec::new(),
        closed: 0,
        pending: None,
    };
    let parameters = Parameters::new(
        t0(),
        direction,
        Amount::new(Decimal::from(step)).expect("step"),
        participants,
    );
    let mut state = State::default();
    decide(
        &mut state,
        Command::Schedule {
            auction_id: "a".into(),
            parameters,
        },
        t0() - TimeDelta::hours(1),
    )
    .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let moment = |a: &Attempt| {
        let round = a.0 / n + 1;
        round_start(round, n) + TimeDelta::milliseconds((a.0 % n) as i64 * TURN_MS + a.4)
    };
    attempts.sort_by_key(moment);
    for attempt in &attempts {
        let now = moment(attempt);
        model.advance(now);
        let owner = model.owner_at(now);
        let bidder = if attempt.1 {
            owner.unwrap_or(attempt.2 % n)
        } else {
            attempt.2 % n
        };
        let bid_id = format!("bid-{bidder}");
        if attempt.5 {
            let result = decide(&mut state, Command::CancelBid { bid_id }, now);
            prop_assert_eq!(result.is_ok(), owner == Some(bidder));
            if owner == Some(bidder) {
                model.pending = None;
            }
            continue;
        }
        let wanted = (model.amounts[bidder] + Decimal::new(attempt.3, 3)).max(Decimal::ZERO);
        let amount = Amount::new(wanted).expect("amount");
        let result = decide(
            &mut state,
            Command::Bid {
                bid_id,
                amount: Some(amount),
            },
            now,
        );
        let allowed = owner == Some(bidder) && model.allows(bidder, wanted);
        prop_assert_eq!(
            result.is_ok(),
            allowed,
            "bid {} by {} at {}: {:?}",
            wanted,
            bidder,
            now,
            result
        );
        if allowed {
            model.pending = Some((bidder, wanted, now));
        }
    }
    let end = round_start(3, n) + TimeDelta::milliseconds(n as i64 * TURN_MS);
    decide(&mut state, Command::Tick, end).map_err(|e| TestCaseError::fail(e.to_string()))?;
    model.advance(end);
    let auction = state.auction.as_ref().expect("scheduled");
    // Each round's order, worst first, as the model computed it.
    let orders: Vec<Vec<usize>> = auction
        .orders
        .iter()
        .map(|o| o.iter().map(|&i| auction.bidders[i].position).collect())
        .collect();
    prop_assert_eq!(&orders, &model.orders);
    let state::Phase::Finished { ranking } = &auction.phase else {
        return Err(TestCaseError::fail("not finished"));
    };
    let ranked: Vec<(String, Decimal, DateTime<Utc>)> = ranking
        .iter()
        .map(|r| (r.bid_id.clone(), r.amount.decimal(), r.date))
        .collect();
    let expected: Vec<(String, Decimal, DateTime<Utc>)> = model
        .ranking()
        .into_iter()
        .map(|i| (format!("bid-{i}"), model.amounts[i], model.dates[i]))
        .collect();
    prop_assert_eq!(ranked, expected);
    Ok(())
}

fn attempt() -> impl Strategy<Value = Attempt> {
    (
        0usize..15,
        prop::bool::weighted(0.8),
        0usize..5,
        prop_oneof![-60_000i64..60_000, (-60i64..60).prop_map(|k| k * 1000)],
        prop_oneof![0i64..TURN_MS, Just(TURN_MS - 1), Just(TURN_MS)],
        prop::bool::weighted(0.1),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn bids_are_accepted_exactly_when_they_improve_by_the_step_and_the_ranking_follows(
        descending in any::<bool>(),
        initial in prop::collection::vec((50i64..=120, 0i64..3), 2..=5),
        step in 1i64..=20,
        attempts in prop::collection::vec(attempt(), 0..40),
    ) {
        // Turns beyond the auction's 3n are folded back into it.
        let n = initial.len();
        let attempts = attempts.into_iter().map(|mut a| { a.0 %= 3 * n; a }).collect();
        walk(descending, initial, step, attempts)?;
    }
}
