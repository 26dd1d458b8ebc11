//! Who acts on a sale: a platform (broker) for the Organizer or a
//! participant, told apart by the object token it presents, or the auction
//! module.

use crate::procedures::common::Caller;

/// What the caller authenticated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// A platform acting for the Organizer or a participant; which of them
    /// it speaks for is decided by the object token it presents.
    #[default]
    Broker,
    /// The auction module, the only one allowed to post auction results.
    AuctionService,
}

/// Who is acting: the authenticated broker (or service), its role, and the
/// hash of the object token it presented (`acc_token`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub broker: String,
    pub token_hash: Option<String>,
    pub role: Role,
}

impl Actor {
    /// A platform presenting `token_hash` (or none).
    pub fn broker(broker: impl Into<String>, token_hash: Option<&str>) -> Self {
        Actor {
            broker: broker.into(),
            token_hash: token_hash.map(str::to_owned),
            role: Role::Broker,
        }
    }

    /// The auction module.
    pub fn auction_service(name: impl Into<String>) -> Self {
        Actor {
            broker: name.into(),
            token_hash: None,
            role: Role::AuctionService,
        }
    }
}

impl Caller for Actor {
    /// Only a broker owns anything; the auction module acts in no broker's
    /// name.
    fn broker(&self) -> Option<&str> {
        (self.role == Role::Broker).then_some(self.broker.as_str())
    }

    fn token_hash(&self) -> Option<&str> {
        self.token_hash.as_deref()
    }
}
