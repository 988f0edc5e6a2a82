//! Integration tests for nodeconfig live in `tests/`, one file per topic; this crate has no code.
