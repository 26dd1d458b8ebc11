//! A router that remembers what it routes. Every API module declares its
//! routes through [`Routes`] instead of `axum::Router` directly, so the list
//! of (method, path) pairs comes from the router itself: the OpenAPI check
//! and the secrecy scan walk that list, and a route added anywhere is under
//! both without anyone editing a test.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{
    MethodRouter, delete as axum_delete, get as axum_get, patch as axum_patch, post as axum_post,
    put as axum_put,
};
use axum::{Extension, Router};

use crate::server::AppState;

/// One registered route: a method and its path pattern (`{name}` for a
/// path parameter, as axum writes it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteEntry {
    pub method: Method,
    pub path: String,
}

/// The methods of one path with their handlers.
pub struct Endpoint {
    methods: Vec<Method>,
    router: MethodRouter<AppState>,
}

macro_rules! methods {
    ($(($free:ident, $axum:ident, $method:ident)),*) => {
        $(
            pub fn $free<H, T>(handler: H) -> Endpoint
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                Endpoint {
                    methods: vec![Method::$method],
                    router: $axum(handler),
                }
            }
        )*

        impl Endpoint {
            $(
                pub fn $free<H, T>(mut self, handler: H) -> Endpoint
                where
                    H: Handler<T, AppState>,
                    T: 'static,
                {
                    self.methods.push(Method::$method);
                    self.router = self.router.merge($axum(handler));
                    self
                }
            )*
        }
    };
}

methods!(
    (get, axum_get, GET),
    (post, axum_post, POST),
    (patch, axum_patch, PATCH),
    (put, axum_put, PUT),
    (delete, axum_delete, DELETE)
);

#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    entries: Vec<RouteEntry>,
}

impl Routes {
    pub fn new() -> Self {
        Routes::default()
    }

    pub fn route(mut self, path: impl Into<String>, endpoint: Endpoint) -> Self {
        let path = path.into();
        self.router = self.router.route(&path, endpoint.router);
        self.entries
            .extend(endpoint.methods.into_iter().map(|method| RouteEntry {
                method,
                path: path.clone(),
            }));
        self
    }

    /// Adds `extension` to every request of the routes added so far.
    pub fn layer<T: Clone + Send + Sync + 'static>(mut self, extension: Extension<T>) -> Self {
        self.router = self.router.layer(extension);
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.entries.extend(other.entries);
        self.router = self.router.merge(other.router);
        self
    }

    /// Every (method, path) routed, sorted.
    pub fn entries(&self) -> Vec<RouteEntry> {
        let mut entries = self.entries.clone();
        entries.sort();
        entries
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
