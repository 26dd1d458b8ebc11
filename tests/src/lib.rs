pub mod http;
pub mod pg;
