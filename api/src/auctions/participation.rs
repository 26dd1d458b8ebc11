//! Participation links. A participant reaches its auction through a link
//! only its bid's owner is given (`participationUrl` on the bid): the
//! auction page's address with the bid id, an expiry and a signature,
//! HMAC-SHA256 over the procedure id, the bid id and the expiry under the
//! operator's secret. Nothing is stored: any server with the same secret
//! checks a link, and the expiry ends it a day after the auction.

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Deserialize;
use sha2::Sha256;

use crate::reply::{PublicUrl, absolute_url};

/// How long after the auction's last stage a link still opens it (to read
/// the results as a participant).
pub const VALID_AFTER_END: TimeDelta = TimeDelta::days(1);

/// The operator's secret the links are signed with.
#[derive(Clone)]
pub struct ParticipationKey {
    key: Vec<u8>,
}

impl std::fmt::Debug for ParticipationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParticipationKey(…)")
    }
}

/// A link's credentials, as the page and the API receive them in the query.
#[derive(Debug, Clone, Deserialize)]
pub struct Credentials {
    pub bidder: String,
    pub expires: i64,
    pub signature: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("The participation link is not valid")]
    Invalid,
    #[error("The participation link has expired")]
    Expired,
}

impl ParticipationKey {
    pub fn new(secret: &[u8]) -> Self {
        ParticipationKey {
            key: secret.to_vec(),
        }
    }

    /// A fresh secret, for a server started without one: its links stop
    /// working when it restarts.
    pub fn random() -> Self {
        let mut key = vec![0u8; 32];
        rand::rng().fill_bytes(&mut key);
        ParticipationKey { key }
    }

    fn mac(&self, procedure_id: &str, bid_id: &str, expires: i64) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(format!("{procedure_id}\n{bid_id}\n{expires}").as_bytes());
        mac
    }

    pub fn sign(&self, procedure_id: &str, bid_id: &str, expires: i64) -> String {
        hex::encode(
            self.mac(procedure_id, bid_id, expires)
                .finalize()
                .into_bytes(),
        )
    }

    /// Whether `credentials` open procedure `procedure_id`'s auction at
    /// `now` (in constant time over the signature).
    pub fn check(
        &self,
        procedure_id: &str,
        credentials: &Credentials,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        let signature = hex::decode(&credentials.signature).map_err(|_| LinkError::Invalid)?;
        self.mac(procedure_id, &credentials.bidder, credentials.expires)
            .verify_slice(&signature)
            .map_err(|_| LinkError::Invalid)?;
        if now.timestamp() >= credentials.expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    /// The participation link of bid `bid_id`, valid until `expires`.
    pub fn url(
        &self,
        base: &PublicUrl,
        procedure_id: &str,
        bid_id: &str,
        expires: DateTime<Utc>,
    ) -> String {
        let expires = expires.timestamp();
        let signature = self.sign(procedure_id, bid_id, expires);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("bidder", bid_id)
            .append_pair("expires", &expires.to_string())
            .append_pair("signature", &signature)
            .finish();
        absolute_url(base, &format!("/auctions/{procedure_id}?{query}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(key: &ParticipationKey, bid: &str, expires: i64) -> Credentials {
        Credentials {
            bidder: bid.to_owned(),
            expires,
            signature: key.sign("p1", bid, expires),
        }
    }

    #[test]
    fn a_link_opens_its_own_auction_until_it_expires() {
        let key = ParticipationKey::new(b"secret");
        let now = Utc::now();
        let expires = now.timestamp() + 60;
        let good = credentials(&key, "b1", expires);
        assert_eq!(key.check("p1", &good, now), Ok(()));
        assert_eq!(
            key.check("p1", &good, now + TimeDelta::seconds(61)),
            Err(LinkError::Expired)
        );
        assert_eq!(key.check("p2", &good, now), Err(LinkError::Invalid));
        let other_bid = Credentials {
            bidder: "b2".to_owned(),
            ..good.clone()
        };
        assert_eq!(key.check("p1", &other_bid, now), Err(LinkError::Invalid));
        let longer = Credentials {
            expires: expires + 3600,
            ..good.clone()
        };
        assert_eq!(key.check("p1", &longer, now), Err(LinkError::Invalid));
        let other_key = ParticipationKey::new(b"other");
        assert_eq!(other_key.check("p1", &good, now), Err(LinkError::Invalid));
        let garbage = Credentials {
            signature: "zz".to_owned(),
            ..good
        };
        assert_eq!(key.check("p1", &garbage, now), Err(LinkError::Invalid));
    }
}
