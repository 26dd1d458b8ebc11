//! The routes of every collection the registry serves, with only the
//! resources some type in the collection has. Each collection's routes carry
//! the collection as a request extension, which is how one set of handlers
//! serves them all.

use axum::Extension;

use super::documents::{OfAward, OfBid, OfCancellation, OfContract};
use super::objects::{Awards, Cancellations, Contracts, Lots, Questions};
use super::{Collection, Resource, auction, bids, documents, itself as procedure, objects};
use crate::registry::Registry;
use crate::routes::{Endpoint, Routes, get, patch, post};

/// `GET`, `PATCH` and `PUT` of one document of holder `H`.
fn document_of<H: documents::Holder>() -> Endpoint {
    get(documents::read_of::<H>)
        .patch(documents::edit_of::<H>)
        .put(documents::replace_of::<H>)
}

/// Every route of every collection in `registry`.
pub fn routes(registry: &Registry) -> Routes {
    registry
        .collections()
        .into_iter()
        .fold(Routes::new(), |routes, collection| {
            let has = |resource: Resource| {
                registry
                    .kinds()
                    .any(|kind| kind.collection() == collection && kind.has(resource))
            };
            routes.merge(collection_routes(collection, has))
        })
}

fn collection_routes(collection: &'static Collection, has: impl Fn(Resource) -> bool) -> Routes {
    let base = collection.path;
    let at = |suffix: &str| format!("{base}{suffix}");
    let mut routes = Routes::new()
        .route(at(""), get(procedure::feed).post(procedure::create))
        .route(at("/{id}"), get(procedure::read).patch(procedure::patch))
        .route(
            at("/{id}/documents"),
            get(documents::list_of_procedure).post(documents::add_to_procedure),
        )
        .route(
            at("/{id}/documents/{document_id}"),
            get(documents::read_of_procedure)
                .patch(documents::edit_of_procedure)
                .put(documents::replace_of_procedure),
        );
    if has(Resource::Ownership) {
        routes = routes.route(at("/{id}/ownership"), post(procedure::ownership));
    }
    if has(Resource::Auction) {
        routes = routes.route(at("/{id}/auction"), get(auction::read).post(auction::post));
    }
    if has(Resource::LotAuction) {
        routes = routes.route(
            at("/{id}/auction/{lot_id}"),
            patch(auction::patch_lot).post(auction::post_lot),
        );
    }
    if has(Resource::Bids) {
        routes = routes
            .route(at("/{id}/bids"), get(bids::list).post(bids::create))
            .route(
                at("/{id}/bids/{bid_id}"),
                get(bids::read).patch(bids::patch).delete(bids::withdraw),
            )
            .route(
                at("/{id}/bids/{bid_id}/documents"),
                get(documents::list_of::<OfBid>).post(documents::add_to::<OfBid>),
            )
            .route(
                at("/{id}/bids/{bid_id}/documents/{document_id}"),
                document_of::<OfBid>(),
            );
    }
    if has(Resource::Awards) {
        routes = routes
            .route(at("/{id}/awards"), get(objects::list::<Awards>))
            .route(
                at("/{id}/awards/{award_id}"),
                get(objects::read::<Awards>).patch(objects::patch::<Awards>),
            )
            .route(
                at("/{id}/awards/{award_id}/documents"),
                get(documents::list_of::<OfAward>).post(documents::add_to::<OfAward>),
            )
            .route(
                at("/{id}/awards/{award_id}/documents/{document_id}"),
                document_of::<OfAward>(),
            );
    }
    if has(Resource::Contracts) {
        routes = routes
            .route(at("/{id}/contracts"), get(objects::list::<Contracts>))
            .route(
                at("/{id}/contracts/{contract_id}"),
                get(objects::read::<Contracts>).patch(objects::patch::<Contracts>),
            )
            .route(
                at("/{id}/contracts/{contract_id}/documents"),
                get(documents::list_of::<OfContract>).post(documents::add_to::<OfContract>),
            )
            .route(
                at("/{id}/contracts/{contract_id}/documents/{document_id}"),
                document_of::<OfContract>(),
            );
    }
    if has(Resource::Cancellations) {
        let object: Endpoint = if has(Resource::CancellationEdits) {
            get(objects::read::<Cancellations>).patch(objects::patch::<Cancellations>)
        } else {
            get(objects::read::<Cancellations>)
        };
        routes = routes
            .route(
                at("/{id}/cancellations"),
                get(objects::list::<Cancellations>).post(objects::create::<Cancellations>),
            )
            .route(at("/{id}/cancellations/{cancellation_id}"), object)
            .route(
                at("/{id}/cancellations/{cancellation_id}/documents"),
                get(documents::list_of::<OfCancellation>).post(documents::add_to::<OfCancellation>),
            )
            .route(
                at("/{id}/cancellations/{cancellation_id}/documents/{document_id}"),
                document_of::<OfCancellation>(),
            );
    }
    if has(Resource::Questions) {
        routes = routes
            .route(
                at("/{id}/questions"),
                get(objects::list::<Questions>).post(objects::create::<Questions>),
            )
            .route(
                at("/{id}/questions/{question_id}"),
                get(objects::read::<Questions>).patch(objects::patch::<Questions>),
            );
    }
    if has(Resource::Lots) {
        routes = routes
            .route(
                at("/{id}/lots"),
                get(objects::list::<Lots>).post(objects::create::<Lots>),
            )
            .route(
                at("/{id}/lots/{lot_id}"),
                get(objects::read::<Lots>).patch(objects::patch::<Lots>),
            );
    }
    routes.layer(Extension(collection))
}
