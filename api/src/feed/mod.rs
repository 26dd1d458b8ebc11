//! The read side over HTTP: the OpenProcurement-compatible change feed of a
//! collection (`GET /api/2.5/tenders?feed=changes…`) and the public event
//! log (`GET /api/2.5/events…`), each as pages or as server-sent events
//! (`mode=stream`). Both page by global log position, so an offset resumes
//! exactly where the last page ended, across restarts and rebuilds.

pub mod changes;
pub mod events;
pub mod params;
pub mod since;

use crate::routes::{Routes, get};

pub fn routes() -> Routes {
    Routes::new().route("/api/2.5/events", get(events::read))
}
