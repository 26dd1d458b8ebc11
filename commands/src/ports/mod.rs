//! Ports to systems outside the CDB: the e-catalogue and document storage.

pub mod catalogue;
pub mod documents;
