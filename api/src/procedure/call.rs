//! What every generic handler reads from a request besides its path: the
//! server, the collection the route belongs to, the common query parameters,
//! the headers and the body; with the steps handlers share (authenticate,
//! take `data`, load, write).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query as QueryParams, Request};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::Value as Json;

use super::{Collection, Resource, Viewed, Write, Written, dispatch};
use crate::brokers::{Broker, Role};
use crate::error::ApiError;
use crate::reply::Query;
use crate::server::AppState;
use crate::{access, body};

pub struct Call {
    pub app: AppState,
    pub collection: &'static Collection,
    pub query: Query,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl FromRequest<AppState> for Call {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Extension(collection) =
            Extension::<&'static Collection>::from_request_parts(&mut parts, app)
                .await
                .map_err(IntoResponse::into_response)?;
        let QueryParams(query) = QueryParams::<Query>::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let body = Bytes::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Call {
            app: app.clone(),
            collection,
            query,
            headers,
            body,
        })
    }
}

impl Call {
    /// The broker the key authenticates, whatever its role.
    pub fn broker(&self) -> Result<&Broker, ApiError> {
        access::broker(&self.app.brokers, &self.headers)
    }

    /// The broker the key authenticates, if it has `role`.
    pub fn broker_with(&self, role: Role) -> Result<&Broker, ApiError> {
        access::broker_with_role(&self.app.brokers, &self.headers, role)
    }

    /// The body's `data` object.
    pub fn data(&self) -> Result<Json, ApiError> {
        body::data(&self.headers, &self.body)
    }

    pub fn pretty(&self) -> bool {
        self.query.pretty()
    }

    /// The object token the caller presented: `?acc_token=`, or the
    /// `X-Access-Token` header the official client sends (the reference
    /// accepts both).
    pub fn acc_token(&self) -> Option<&str> {
        self.query.acc_token.as_deref().or_else(|| {
            self.headers
                .get("x-access-token")
                .and_then(|value| value.to_str().ok())
        })
    }

    /// The hash of the object token the caller presented.
    pub fn token_hash(&self) -> Option<String> {
        self.acc_token().map(access::hash_token)
    }

    /// The body's `data` for a `PATCH` of object `object_id`: an unchanged
    /// `id` is dropped, since clients send the object back whole with its id
    /// (the reference accepts that); a different one is left for the
    /// adapter to refuse.
    pub fn edit_data(&self, object_id: &str) -> Result<Json, ApiError> {
        let mut data = self.data()?;
        if let Some(object) = data.as_object_mut()
            && object.get("id").and_then(Json::as_str) == Some(object_id)
        {
            object.remove("id");
        }
        Ok(data)
    }

    /// Procedure `id` of this collection, whose type must have `resource`.
    pub async fn load(
        &self,
        id: &str,
        resource: Option<Resource>,
    ) -> Result<Box<dyn Viewed>, ApiError> {
        dispatch::load(&self.app, self.collection, id, resource).await
    }

    /// Runs `write` on procedure `id` (whose type must have `resource`) as
    /// `broker`, presenting the request's `acc_token`.
    pub async fn write(
        &self,
        (id, resource): (&str, Option<Resource>),
        broker: &Broker,
        write: Write,
    ) -> Result<Written, ApiError> {
        self.write_as((id, resource), broker, self.acc_token(), write)
            .await
    }

    /// [`Call::write`] presenting `token` instead of the request's.
    pub async fn write_as(
        &self,
        (id, resource): (&str, Option<Resource>),
        broker: &Broker,
        token: Option<&str>,
        write: Write,
    ) -> Result<Written, ApiError> {
        let target = (self.collection, id, resource);
        dispatch::write(&self.app, target, broker, token, &self.headers, write).await
    }

    /// `path` below the collection, e.g. `/{id}/bids/{bid_id}`.
    pub fn path(&self, below: &str) -> String {
        format!("{}{below}", self.collection.path)
    }
}
