//! Who is calling: the broker behind the `Authorization: Bearer <key>`
//! header, and the object token (`acc_token`) presented with the request.
//! Tokens are random 128-bit values; only their SHA-256 is ever stored.

use axum::http::{HeaderMap, StatusCode, header};
use sha2::{Digest, Sha256};

use crate::brokers::{Broker, Brokers, Role};
use crate::error::ApiError;

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
    let key = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value)
        .trim();
    brokers.authenticate(key).ok_or_else(|| {
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
