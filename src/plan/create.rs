//! Placement for `create` (being written).
