//! `strategy = "replace"`: the later value wins outright.

/// The later value replaces the earlier one, whatever its type.
///
/// ```
/// let mut nameservers = vec!["10.0.0.2"];
/// nodeconfig_core::strategy::replace(&mut nameservers, vec!["1.1.1.1"]);
/// assert_eq!(nameservers, ["1.1.1.1"]);
/// ```
#[inline]
pub fn replace<T>(existing: &mut T, incoming: T) {
    *existing = incoming;
}

/// For an `Option` field: a later `Some` replaces, a later `None` keeps the earlier value.
///
/// The derive uses it for `replace` on a field whose type is spelled `Option<...>`.
///
/// ```
/// use nodeconfig_core::strategy::replace_option;
///
/// let mut domains = Some(vec!["corp.example"]);
/// replace_option(&mut domains, None);
/// assert_eq!(domains, Some(vec!["corp.example"]));
/// replace_option(&mut domains, Some(vec![]));
/// assert_eq!(domains, Some(vec![]));
/// ```
#[inline]
pub fn replace_option<T>(existing: &mut Option<T>, incoming: Option<T>) {
    if incoming.is_some() {
        *existing = incoming;
    }
}
