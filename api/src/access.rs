//! Who is calling: the broker behind the `Authorization: Bearer <key>`
//! header (or HTTP Basic with the key as the user name), and the object token (`acc_token`) presented with the request.
//! Tokens are random 128-bit values; only their SHA-256 is ever stored.

use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::brokers::{Broker, Brokers, Role};
use crate::error::ApiError;

/// The key in an `Authorization` header, in the forms the reference API
/// accepts: `Bearer <key>`, or HTTP Basic with the key as the user name
/// (any password). Anything else (a bare key, another scheme) has none.
fn presented_key(value: &str) -> Option<String> {
    let (scheme, credentials) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credentials.to_owned()).filter(|key| !key.is_empty());
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(credentials.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, _password) = decoded.split_once(':')?;
    Some(user.to_owned()).filter(|key| !key.is_empty())
}

/// The broker named by the request's key; 401 when there is no key or it is unknown.
pub fn broker<'b>(brokers: &'b Brokers, headers: &HeaderMap) -> Result<&'b Broker, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "header",
                "Authorization",
                "A broker key is required: Authorization: Bearer <key>",
            )
        })?;
    presented_key(value)
        .and_then(|key| brokers.authenticate(&key))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "header",
                "Authorization",
                "Unknown broker key",
            )
        })
}

/// The calling broker, which must hold `role`.
pub fn broker_with_role<'b>(
    brokers: &'b Brokers,
    headers: &HeaderMap,
    role: Role,
) -> Result<&'b Broker, ApiError> {
    let broker = broker(brokers, headers)?;
    if !broker.has_role(role) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "url",
            "permission",
            "Forbidden",
        ));
    }
    Ok(broker)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh token, as returned once in `access`.
pub fn new_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::presented_key;

    #[test]
    fn only_the_reference_forms_present_a_key() {
        // "key:" and "key:secret" in base64.
        for (header, key) in [
            ("Bearer k-123", "k-123"),
            ("bearer k-123", "k-123"),
            ("BEARER k-123", "k-123"),
            ("Basic ay0xMjM6", "k-123"),
            ("basic ay0xMjM6c2VjcmV0", "k-123"),
        ] {
            assert_eq!(presented_key(header).as_deref(), Some(key), "{header}");
        }
        for header in [
            "k-123",
            "Bearer",
            "Bearer ",
            "Bearerk-123",
            "Token k-123",
            "Basic k-123",
            "Basic ay0xMjM=",
            "Basic OnNlY3JldA==",
            "Basic ",
        ] {
            assert_eq!(presented_key(header), None, "{header}");
        }
    }
}
