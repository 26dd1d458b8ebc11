//! Spec vectors of belowThreshold (spec §16), on `domain::testing::Spec`.
