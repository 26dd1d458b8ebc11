//! Open Contracting Data Standard (OCDS) 1.1 output for opencdb.
//!
//! - [`release`] maps the public documents of a procedure before and after
//!   one of its events to one OCDS release, with tags derived from what
//!   changed;
//! - [`package`] wraps releases in a release package, and makes the record
//!   of a contracting process and the record package;
//! - [`merge`] merges the releases of one contracting process into its
//!   compiled release and its versioned release, by the merge rules read
//!   from the release schema;
//! - [`validate`] checks OCDS documents against the vendored schemas and
//!   codelists.

pub mod merge;
pub mod package;
pub mod release;
pub mod validate;
