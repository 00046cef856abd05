//! A refused value: [`Invalid`], what every value type of `request/` (the options,
//! the schemas) returns, worded to follow the flag or batch key that gave it. A leaf of
//! the leaf, so that `options` and `schema` both use it without using each other.

use std::fmt;

/// Why a value was refused: the rule it broke, worded to follow the flag or key
/// (`takes a number from 0 to 2 or `none`, not `3``), and what to try instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub rule: String,
    pub hint: Option<&'static str>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rule)
    }
}

impl std::error::Error for Invalid {}
