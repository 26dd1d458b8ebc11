//! The test servers' clock: frozen, moved by the test (`set`, `advance`),
//! until a test lets it run (`run`), from then on at a rate of its choosing
//! (the load benchmark's "real rules compressed ×60"); moving it while it
//! runs moves its base.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use commands::Clock;

#[derive(Debug)]
pub struct TestClock(Mutex<Base>);

#[derive(Debug, Clone, Copy)]
struct Base {
    at: DateTime<Utc>,
    /// Since when, and how fast, it runs; `None` while frozen.
    running: Option<(Instant, f64)>,
}

impl Base {
    fn now(&self) -> DateTime<Utc> {
        match self.running {
            None => self.at,
            Some((since, rate)) => {
                let passed = since.elapsed().mul_f64(rate);
                self.at + TimeDelta::from_std(passed).unwrap_or(TimeDelta::MAX)
            }
        }
    }
}

impl TestClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        TestClock(Mutex::new(Base { at, running: None }))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Base) -> T) -> T {
        let mut base = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut base)
    }

    pub fn set(&self, at: DateTime<Utc>) {
        self.with(|base| {
            base.at = at;
            base.running = base.running.map(|(_, rate)| (Instant::now(), rate));
        });
    }

    pub fn advance(&self, by: TimeDelta) {
        self.with(|base| {
            let now = base.now();
            base.at = now + by;
            base.running = base.running.map(|(_, rate)| (Instant::now(), rate));
        });
    }

    /// Stops the clock where it is.
    pub fn freeze(&self) {
        self.with(|base| {
            base.at = base.now();
            base.running = None;
        });
    }

    /// Lets the clock run `rate` times faster than real time from now.
    pub fn run(&self, rate: f64) {
        self.with(|base| {
            base.at = base.now();
            base.running = Some((Instant::now(), rate));
        });
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.with(|base| base.now())
    }

    fn real(&self, span: Duration) -> Duration {
        match self.with(|base| base.running) {
            Some((_, rate)) => span.div_f64(rate),
            None => span,
        }
    }

    fn rate(&self) -> f64 {
        self.with(|base| base.running.map_or(1.0, |(_, rate)| rate))
    }
}
