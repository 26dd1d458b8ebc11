pub mod http;
pub mod pg;
pub mod pq;
pub mod sale;
pub mod sse;
