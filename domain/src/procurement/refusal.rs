//! Why a command was refused, in the vocabulary of the OpenProcurement error
//! envelope `{"location", "name", "description"}`, so the API can answer with
//! exactly what the reference API says without knowing any rule itself.

use std::fmt;

/// The class of a refusal; the API maps each to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The input breaks a rule (422).
    Invalid,
    /// The caller may not do this, or not in the current status (403).
    Forbidden,
    /// The addressed object does not exist (404).
    NotFound,
    /// Try again later: an outside system was unreachable (409).
    Conflict,
}

/// Where the offending input was: the request body, the URL or the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Body,
    Url,
    Query,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Body => "body",
            Location::Url => "url",
            Location::Query => "query",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub location: Location,
    /// The field or parameter at fault, e.g. `items.profile` or `data`.
    pub name: String,
    pub description: String,
    /// The reference API writes this description as a one-element list
    /// (`["…"]`), as it does for some of its model checks.
    pub listed: bool,
}

impl Refusal {
    fn new(
        kind: RefusalKind,
        location: Location,
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Refusal {
            kind,
            location,
            name: name.into(),
            description: description.into(),
            listed: false,
        }
    }

    /// The same refusal, its description written as a one-element list.
    pub fn as_list(self) -> Self {
        Refusal {
            listed: true,
            ..self
        }
    }

    /// A rule about the body's field `name` is broken (422).
    pub fn invalid(name: impl Into<String>, description: impl Into<String>) -> Self {
        Refusal::new(RefusalKind::Invalid, Location::Body, name, description)
    }

    /// The action is not allowed in the object's current state (403).
    pub fn not_allowed(description: impl Into<String>) -> Self {
        Refusal::new(RefusalKind::Forbidden, Location::Body, "data", description)
    }

    /// The caller lacks the right to act on this object (403), the
    /// reference API's `{"location": "url", "name": "permission"}`.
    pub fn forbidden() -> Self {
        Refusal::new(
            RefusalKind::Forbidden,
            Location::Url,
            "permission",
            "Forbidden",
        )
    }

    /// The object named by the URL parameter `name` does not exist (404).
    pub fn not_found(name: impl Into<String>) -> Self {
        Refusal::new(RefusalKind::NotFound, Location::Url, name, "Not Found")
    }

    /// Something the body refers to does not exist (404 naming the body's
    /// field, as the reference API answers an unknown catalogue profile).
    pub fn missing(name: impl Into<String>, description: impl Into<String>) -> Self {
        Refusal::new(RefusalKind::NotFound, Location::Body, name, description)
    }

    /// An outside system could not be reached; nothing changed (409).
    pub fn conflict(name: impl Into<String>, description: impl Into<String>) -> Self {
        Refusal::new(RefusalKind::Conflict, Location::Body, name, description)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}: {}",
            self.location.as_str(),
            self.name,
            self.description
        )
    }
}

impl std::error::Error for Refusal {}
