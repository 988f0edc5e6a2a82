//! `with = "..."` functions: the signature they must have, and the trait through which generated
//! code calls them (re-exported in `__private`, for generated code only).

use crate::MergeError;

/// The signature a `with = "..."` function must have.
pub type WithFn<T> = fn(&mut T, T) -> Result<(), MergeError>;

/// A function that fits `with = "..."` on a field of type `T`. The derive coerces the named
/// function to a fn pointer of any two arguments (`let f: fn(_, _) -> _ = path;`) and asks
/// for this trait, so that a function that does not fit gets this message, with the
/// expected signature, at the attribute (a coercion to the expected pointer type says
/// "expected fn pointer, found fn item" at the derive).
#[diagnostic::on_unimplemented(
    message = "the `with` function does not have the signature `fn(&mut {T}, {T}) -> Result<(), MergeError>`",
    label = "expected `fn(&mut {T}, {T}) -> Result<(), MergeError>`, found `{Self}`",
    note = "a `with` function takes the earlier value by `&mut` and the later value by value, and returns `Result<(), nodeconfig_core::MergeError>`"
)]
pub trait WithFunction<'a, T> {
    /// Calls the function.
    fn call(self, existing: &'a mut T, incoming: T) -> Result<(), MergeError>;
}

impl<'a, T> WithFunction<'a, T> for fn(&'a mut T, T) -> Result<(), MergeError> {
    #[inline]
    fn call(self, existing: &'a mut T, incoming: T) -> Result<(), MergeError> {
        self(existing, incoming)
    }
}

/// Checks a `with` function against the field's type, where nothing calls it (the impl
/// stub the derive emits beside attribute errors).
#[inline]
pub fn with_function<'a, T, F: WithFunction<'a, T>>(function: F) -> F {
    function
}
