//! The clock, injected so that tests (and the scheduler's tests) can freeze time.

use std::sync::Mutex;

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// How long `span` of this clock's time lasts in real time, for sleeps
    /// (a clock running faster than real time sleeps less).
    fn real(&self, span: Duration) -> Duration {
        span
    }

    /// How many times faster than real time the clock runs (1 normally).
    fn rate(&self) -> f64 {
        1.0
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct FrozenClock(Mutex<DateTime<Utc>>);

impl FrozenClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FrozenClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for FrozenClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A clock running `rate` times faster than real time from the moment it
/// was made: for demonstrations and whole-flow checks on an accelerated
/// timeline (`cdb serve --clock-rate`), never for production, since every
/// timestamp it gives is in the future of the real one.
#[derive(Debug)]
pub struct ScaledClock {
    origin: DateTime<Utc>,
    started: Instant,
    rate: f64,
}

impl ScaledClock {
    /// `None` unless `rate` is a finite number above zero.
    pub fn starting_now(rate: f64) -> Option<Self> {
        (rate.is_finite() && rate > 0.0).then(|| ScaledClock {
            origin: Utc::now(),
            started: Instant::now(),
            rate,
        })
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = self.started.elapsed().mul_f64(self.rate);
        self.origin + TimeDelta::from_std(elapsed).unwrap_or(TimeDelta::MAX)
    }

    fn real(&self, span: Duration) -> Duration {
        span.div_f64(self.rate)
    }

    fn rate(&self) -> f64 {
        self.rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scaled_clock_runs_faster_and_sleeps_shorter() {
        let clock = ScaledClock::starting_now(60.0).expect("rate");
        let before = clock.now();
        std::thread::sleep(Duration::from_millis(50));
        let passed = clock.now() - before;
        assert!(passed >= TimeDelta::seconds(3), "{passed}");
        assert_eq!(clock.real(Duration::from_secs(120)), Duration::from_secs(2));
        assert!(ScaledClock::starting_now(0.0).is_none());
        assert!(ScaledClock::starting_now(f64::NAN).is_none());
    }
}
