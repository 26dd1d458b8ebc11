//! Open Contracting Data Standard (OCDS) 1.1 output for opencdb.
//!
//! - [`release`] maps the public documents of a procedure before and after
//!   one of its events to one OCDS release, with tags derived from what
//!   changed;
//! - [`merge`] merges the releases of one contracting process into its
//!   compiled release and its versioned release, by the merge rules read
//!   from the release schema.

pub mod merge;
pub mod release;
