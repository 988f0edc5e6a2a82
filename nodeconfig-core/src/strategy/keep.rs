//! `strategy = "keep"`: the earlier value wins.

/// The earlier value stays; the later one is dropped.
///
/// ```
/// let mut cluster_name = String::from("prod");
/// nodeconfig_core::strategy::keep(&mut cluster_name, String::from("staging"));
/// assert_eq!(cluster_name, "prod");
/// ```
#[inline]
pub fn keep<T>(existing: &mut T, incoming: T) {
    let _ = (existing, incoming);
}

/// For an `Option` field: a later value only fills an earlier `None`.
///
/// The derive uses it for `keep` on a field whose type is spelled `Option<...>`.
///
/// ```
/// use nodeconfig_core::strategy::keep_option;
///
/// let mut id = None;
/// keep_option(&mut id, Some("i-1"));
/// keep_option(&mut id, Some("i-2"));
/// assert_eq!(id, Some("i-1"));
/// ```
#[inline]
pub fn keep_option<T>(existing: &mut Option<T>, incoming: Option<T>) {
    if existing.is_none() {
        *existing = incoming;
    }
}
