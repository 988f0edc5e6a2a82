//! Dropping what a merge replaces or deletes without recursing once per level of nesting.

use serde_json::Value;

use super::RECURSION_BUDGET;

/// Drops the values a merge replaces or deletes without recursing: serde_json's own drop
/// recurses once per level of nesting, which a deep enough value would turn into a stack
/// overflow. The stack of containers still to take apart is reused for the whole merge, so a
/// merge allocates it once; scalars and empty containers are dropped at once.
#[derive(Default)]
pub(super) struct Discarded(Vec<Value>);

impl Discarded {
    /// Drops `value`, for a caller `depth` levels into its own recursion: taking the value apart
    /// recurses only for what is left of [`RECURSION_BUDGET`], so the two together stay within
    /// it. Inlined so that the common case, a scalar or a string, costs no call.
    #[inline]
    pub(super) fn keep(&mut self, value: Option<Value>, depth: usize) {
        match value {
            Some(value) if has_children(&value) => self.dismantle_all(value, depth),
            // A scalar, a string or an empty container: its own drop cannot recurse.
            _ => {}
        }
    }

    /// Takes `value` apart down to its last level.
    pub(super) fn dismantle_all(&mut self, value: Value, depth: usize) {
        self.dismantle(value, depth);
        while let Some(value) = self.0.pop() {
            self.dismantle(value, depth);
        }
    }

    /// Drops `value`'s children, recursing up to [`RECURSION_BUDGET`] levels and leaving what
    /// is deeper on the stack for [`dismantle_all`](Self::dismantle_all)'s loop.
    fn dismantle(&mut self, value: Value, depth: usize) {
        match value {
            Value::Array(items) if items.iter().any(has_children) => {
                for item in items {
                    self.child(item, depth);
                }
            }
            Value::Object(members) => {
                for (_, member) in members {
                    self.child(member, depth);
                }
            }
            // An array of scalars and strings (the common kind): serde_json's drop frees it in
            // one pass, faster than taking it apart.
            _ => {}
        }
    }

    #[inline]
    fn child(&mut self, value: Value, depth: usize) {
        if !has_children(&value) {
            return;
        }
        if depth < RECURSION_BUDGET {
            self.dismantle(value, depth + 1);
        } else {
            self.0.push(value);
        }
    }
}

/// Whether `value` holds other values, i.e. whether dropping it could recurse.
pub(super) fn has_children(value: &Value) -> bool {
    match value {
        Value::Array(items) => !items.is_empty(),
        Value::Object(members) => !members.is_empty(),
        _ => false,
    }
}

/// Drops `value` without recursing (see [`Discarded`]).
pub(super) fn drop_flat(value: Option<Value>) {
    Discarded::default().keep(value, 0);
}
