//! Open Contracting Data Standard (OCDS) 1.1 output for opencdb.
//!
//! [`merge`] merges the releases of one contracting process into its
//! compiled release and its versioned release, by the merge rules read from
//! the release schema.

pub mod merge;
