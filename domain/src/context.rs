//! What a decision may know about the world besides state and command: the
//! time it is taken at, a source of fresh ids, the working-day calendar and
//! the server's public URL (for the links a decider records).
//! All are injected so that a test can freeze time, predict ids and name its
//! own days off, and so that the calendar an operator loads at start-up is
//! the one every decider counts business days with.

use chrono::{DateTime, Utc};

use crate::Id;
use crate::calendar::Calendar;

/// A source of fresh, unique ids. Implementations live outside the domain
/// (a ULID generator in production, a counter in tests).
pub trait IdSource: Send + Sync {
    fn next_id(&self) -> Id;
}

pub struct Context<'a> {
    /// The moment the decision is taken; every timestamp a decider writes
    /// into an event comes from here.
    pub now: DateTime<Utc>,
    ids: &'a dyn IdSource,
    calendar: &'a Calendar,
    /// Where the server is reached from outside (no trailing `/`), for the
    /// links a decider records, such as an auction's page; empty when not
    /// known, which makes such links relative.
    public_url: &'a str,
}

impl<'a> Context<'a> {
    /// A context counting business days on the built-in calendar
    /// ([`Calendar::ukraine`]).
    pub fn new(now: DateTime<Utc>, ids: &'a dyn IdSource) -> Self {
        Context {
            now,
            ids,
            calendar: Calendar::ukraine(),
            public_url: "",
        }
    }

    /// The same context counting business days on `calendar` (an operator's
    /// lists loaded with [`Calendar::from_json`]).
    pub fn with_calendar(self, calendar: &'a Calendar) -> Self {
        Context { calendar, ..self }
    }

    /// The same context with the server's public URL.
    pub fn with_public_url(self, public_url: &'a str) -> Self {
        Context {
            public_url: public_url.trim_end_matches('/'),
            ..self
        }
    }

    /// The server's public URL without a trailing `/` (empty if unknown).
    pub fn public_url(&self) -> &'a str {
        self.public_url
    }

    pub fn next_id(&self) -> Id {
        self.ids.next_id()
    }

    /// The calendar periods counted in business days are laid on.
    pub fn calendar(&self) -> &'a Calendar {
        self.calendar
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    struct NoIds;

    impl IdSource for NoIds {
        fn next_id(&self) -> Id {
            Id::from_ulid(ulid::Ulid::nil())
        }
    }

    #[test]
    fn the_built_in_calendar_unless_another_is_given() {
        let now = Utc
            .with_ymd_and_hms(2024, 3, 4, 10, 0, 0)
            .single()
            .expect("valid time");
        let plain = Calendar::default();
        assert!(std::ptr::eq(
            Context::new(now, &NoIds).calendar(),
            Calendar::ukraine()
        ));
        let context = Context::new(now, &NoIds).with_calendar(&plain);
        assert!(std::ptr::eq(context.calendar(), &plain));
        assert_eq!(context.now, now);
    }
}
