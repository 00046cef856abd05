//! The ids agentry gives tasks, agents and workers (`tk_`, `ag_`, `wk_` and 16 hex
//! digits), and the check that an id has that form: every path under the state folder
//! is built from such ids only, so an id from outside (`../../x`) reaches no file.

/// A new id: `PREFIX_` and 16 random lower-case hex digits.
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{:016x}", fastrand::u64(..))
}

/// Whether `id` has the form [`new_id`] gives: `PREFIX_` and 16 lower-case hex digits.
pub(crate) fn is_generated_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}
