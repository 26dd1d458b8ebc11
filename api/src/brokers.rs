//! Brokers (e-trading venues) and their API keys, from a TOML file:
//!
//! ```toml
//! [[broker]]
//! name = "broker"
//! key = "…"
//! roles = ["broker"]   # any of: broker, auction, admin
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Broker,
    Auction,
    Admin,
    /// The contracting service: reports a contract signed where a
    /// procedure's contracts are signed outside it (the open tender's).
    Contracting,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Broker {
    pub name: String,
    key: String,
    pub roles: Vec<Role>,
}

impl Broker {
    /// An identity the server itself writes under, never authenticated by
    /// a key (it has none): an auction's participants, through their links.
    pub fn service(name: &str) -> Self {
        Broker {
            name: name.to_owned(),
            key: String::new(),
            roles: Vec::new(),
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrokersFile {
    #[serde(default)]
    broker: Vec<Broker>,
}

/// The brokers allowed to write, looked up by the SHA-256 of their key so
/// the keys themselves are not kept around in a map.
#[derive(Debug, Default)]
pub struct Brokers {
    by_key_hash: HashMap<[u8; 32], Broker>,
}

#[derive(Debug, thiserror::Error)]
pub enum BrokersError {
    #[error("cannot read brokers file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write brokers file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("brokers file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

fn key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

impl Brokers {
    pub fn parse(text: &str, path: &Path) -> Result<Self, BrokersError> {
        let invalid = |message: String| BrokersError::Invalid {
            path: path.to_owned(),
            message,
        };
        let file: BrokersFile =
            toml::from_str(text).map_err(|e| invalid(e.message().to_owned()))?;
        if file.broker.is_empty() {
            return Err(invalid("no [[broker]] entries".into()));
        }
        let mut names = HashSet::new();
        let mut by_key_hash = HashMap::new();
        for broker in file.broker {
            if broker.name.trim().is_empty() {
                return Err(invalid("a broker has an empty name".into()));
            }
            if broker.key.len() < 16 {
                return Err(invalid(format!(
                    "broker {:?}: key must be at least 16 characters",
                    broker.name
                )));
            }
            if broker.roles.is_empty() {
                return Err(invalid(format!(
                    "broker {:?}: roles must not be empty",
                    broker.name
                )));
            }
            if !names.insert(broker.name.clone()) {
                return Err(invalid(format!("broker {:?} appears twice", broker.name)));
            }
            if by_key_hash.insert(key_hash(&broker.key), broker).is_some() {
                return Err(invalid("two brokers share one key".into()));
            }
        }
        Ok(Brokers { by_key_hash })
    }

    pub fn load(path: &Path) -> Result<Self, BrokersError> {
        let text = std::fs::read_to_string(path).map_err(|source| BrokersError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Loads `path`, first creating it if it does not exist with one broker
    /// named `broker` (role `broker`) and the auction module's key named
    /// `auction` (role `auction`), each with a random key. Returns whether
    /// it was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), BrokersError> {
        if path.exists() {
            return Self::load(path).map(|brokers| (brokers, false));
        }
        let random_key = || {
            let mut key = [0u8; 24];
            rand::rng().fill_bytes(&mut key);
            hex::encode(key)
        };
        let mut text = String::from(
            "# Brokers allowed to write to this opencdb server (generated on first start).\n\
             # Send the key as `Authorization: Bearer <key>`.\n",
        );
        for (name, role) in [("broker", "broker"), ("auction", "auction")] {
            let _ = writeln!(
                text,
                "\n[[broker]]\nname = \"{name}\"\nkey = \"{}\"\nroles = [\"{role}\"]",
                random_key()
            );
        }
        write_private(path, &text).map_err(|source| BrokersError::Write {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path).map(|brokers| (brokers, true))
    }

    /// The broker holding `key`, if any.
    pub fn authenticate(&self, key: &str) -> Option<&Broker> {
        self.by_key_hash.get(&key_hash(key))
    }

    pub fn len(&self) -> usize {
        self.by_key_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key_hash.is_empty()
    }
}

/// Writes a file readable only by its owner (it holds secrets).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_authenticates() {
        let text = r#"
            [[broker]]
            name = "a"
            key = "0123456789abcdef"
            roles = ["broker", "admin"]
            [[broker]]
            name = "auction"
            key = "fedcba9876543210"
            roles = ["auction"]
        "#;
        let brokers = Brokers::parse(text, Path::new("b.toml")).unwrap();
        assert_eq!(brokers.len(), 2);
        let a = brokers.authenticate("0123456789abcdef").unwrap();
        assert_eq!(a.name, "a");
        assert!(a.has_role(Role::Admin) && !a.has_role(Role::Auction));
        assert!(brokers.authenticate("wrong-key-000000").is_none());
    }

    #[test]
    fn rejects_bad_files_with_a_reason() {
        let cases = [
            ("", "no [[broker]]"),
            (
                "[[broker]]\nname='a'\nkey='short'\nroles=['broker']",
                "at least 16",
            ),
            (
                "[[broker]]\nname='a'\nkey='0123456789abcdef'\nroles=['king']",
                "unknown variant",
            ),
            (
                "[[broker]]\nname='a'\nkey='0123456789abcdef'\nroles=[]",
                "roles must not be empty",
            ),
            (
                "[[broker]]\nname='a'\nkey='0123456789abcdef'\nroles=['broker']\nextra=1",
                "unknown field",
            ),
            (
                "[[broker]]\nname='a'\nkey='0123456789abcdef'\nroles=['broker']\n[[broker]]\nname='a'\nkey='0123456789abcdeX'\nroles=['broker']",
                "appears twice",
            ),
            ("not toml", "brokers file"),
        ];
        for (text, expected) in cases {
            let error = Brokers::parse(text, Path::new("b.toml"))
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn creates_a_private_file_with_random_keys_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brokers.toml");
        let (first, created) = Brokers::load_or_create(&path).unwrap();
        assert!(created && first.len() == 2);
        let (_, created_again) = Brokers::load_or_create(&path).unwrap();
        assert!(!created_again);
        let text = std::fs::read_to_string(&path).unwrap();
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("key = \""))
            .map(|key| key.trim_end_matches('"'))
            .collect();
        assert_eq!(keys.len(), 2);
        assert_ne!(keys[0], keys[1]);
        let broker = first.authenticate(keys[0]).unwrap();
        assert_eq!(broker.name, "broker");
        assert!(broker.has_role(Role::Broker) && !broker.has_role(Role::Auction));
        let auction = first.authenticate(keys[1]).unwrap();
        assert_eq!(auction.name, "auction");
        assert!(auction.has_role(Role::Auction) && !auction.has_role(Role::Broker));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
}
