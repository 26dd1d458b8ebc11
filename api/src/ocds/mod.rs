//! OCDS 1.1 over the read side: the releases of every published procedure
//! in commit order (`GET /api/2.5/ocds/releases`, paged like the change
//! feeds and live as server-sent events), the record of one contracting
//! process (`GET /api/2.5/ocds/records/{ocid}`), and `cdb export ocds`.
//! Everything is made at read time from the documents' history
//! ([`projections::revisions`]), which holds only public documents, so OCDS
//! output never shows more than the API does; the operator's ocid prefix
//! never enters the stored rows.

pub mod export;
pub mod mapping;
pub mod records;
pub mod releases;

use crate::routes::{Routes, get};

pub use mapping::{OcdsError, validate_prefix};

pub const RELEASES_PATH: &str = "/api/2.5/ocds/releases";
pub const RECORDS_PATH: &str = "/api/2.5/ocds/records";

pub fn routes() -> Routes {
    Routes::new()
        .route(RELEASES_PATH, get(releases::serve))
        .route(format!("{RECORDS_PATH}/{{ocid}}"), get(records::serve))
}
