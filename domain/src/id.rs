//! Identifiers: ULIDs (time-ordered), written on the wire as the ULID's 128
//! bits in 32 lowercase hex characters, the shape of the reference API's ids.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(u128);

impl Id {
    pub const fn from_u128(value: u128) -> Self {
        Id(value)
    }

    pub fn from_ulid(ulid: ulid::Ulid) -> Self {
        Id(ulid.0)
    }

    pub const fn as_u128(self) -> u128 {
        self.0
    }

    /// Milliseconds since the Unix epoch encoded in the ULID's time part.
    pub fn timestamp_ms(self) -> u64 {
        ulid::Ulid(self.0).timestamp_ms()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an id is 32 lowercase hexadecimal characters")]
pub struct InvalidId;

impl FromStr for Id {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let well_formed = s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed {
            return Err(InvalidId);
        }
        u128::from_str_radix(s, 16).map(Id).map_err(|_| InvalidId)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_is_32_lowercase_hex_and_round_trips() {
        let id = Id::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let text = id.to_string();
        assert_eq!(text, "0123456789abcdef0123456789abcdef");
        assert_eq!(text.parse::<Id>(), Ok(id));
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{text}\""));
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "",
            "xyz",
            "0123456789ABCDEF0123456789ABCDEF",
            &"0".repeat(33),
        ] {
            assert_eq!(bad.parse::<Id>(), Err(InvalidId), "{bad:?}");
        }
    }
}
