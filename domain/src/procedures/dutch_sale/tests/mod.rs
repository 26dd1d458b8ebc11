//! Given/when/then vectors of the Dutch sale, on the spec harness.
