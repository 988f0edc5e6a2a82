//! Linear scans that bound a document before it is parsed: nesting and value counts of JSON
//! text, keys and array items of TOML text. A hostile document then costs one pass over its
//! bytes and a clear error, not a parser's recursion or a gigabyte of parsed values.

/// What a scan of JSON text found: the first depth over the limit, or the values counted.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonShape {
    /// Nesting first exceeds the limit at this depth.
    TooDeep(usize),
    /// More than the limit of values (counted as an upper bound).
    TooMany,
    /// Within both limits.
    Fits,
}

/// Scans JSON text (strings skipped). The values are bounded above by one per `,`, `:`, `[`
/// and `{` plus one, so no document within the count can hold more values than allowed.
pub(crate) fn json_shape(text: &str, max_depth: usize, max_values: usize) -> JsonShape {
    let (mut depth, mut values, mut in_string, mut escaped) = (0_usize, 1_usize, false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                values += 1;
                if depth > max_depth {
                    return JsonShape::TooDeep(depth);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' | b':' => values += 1,
            _ => {}
        }
        if values > max_values {
            return JsonShape::TooMany;
        }
    }
    JsonShape::Fits
}

/// Whether TOML text may hold more than `max` keys and array items. Every key is followed by
/// `=` (or is a `[table]` header) and every array item but the first by `,`; counting `=`, `,`
/// and `[` outside strings and comments bounds them from above.
pub(crate) fn toml_keys_over(text: &str, max: usize) -> bool {
    toml_key_bound(text, max) > max
}

/// The bound [`toml_keys_over`] counts, stopping once it passes `stop_after`.
pub(crate) fn toml_key_bound(text: &str, stop_after: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut count, mut at) = (0_usize, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'#' => {
                at = find(bytes, at, b"\n");
                continue;
            }
            b'"' | b'\'' => {
                at = skip_string(bytes, at);
                continue;
            }
            b'=' | b',' | b'[' => count += 1,
            _ => {}
        }
        if count > stop_after {
            return count;
        }
        at += 1;
    }
    count
}

/// The offset just past the TOML string starting at `start` (basic, literal, or multi-line).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = [quote; 3];
    if bytes[start..].starts_with(&triple) {
        let mut at = start + 3;
        loop {
            let end = find(bytes, at, &triple);
            if end >= bytes.len() || quote == b'\'' || !escaped(bytes, start + 3, end) {
                return (end + 3).min(bytes.len());
            }
            at = end + 1;
        }
    }
    let mut at = start + 1;
    while at < bytes.len() && bytes[at] != b'\n' {
        if bytes[at] == quote && (quote == b'\'' || !escaped(bytes, start + 1, at)) {
            return at + 1;
        }
        at += 1;
    }
    at
}

/// Whether the byte at `at` is escaped by an odd run of backslashes after `from`.
fn escaped(bytes: &[u8], from: usize, at: usize) -> bool {
    let run = bytes[from..at]
        .iter()
        .rev()
        .take_while(|&&byte| byte == b'\\')
        .count();
    run % 2 == 1
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> usize {
    bytes[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map_or(bytes.len(), |offset| from + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_scan_skips_strings_and_counts_values() {
        assert_eq!(json_shape(r#"{"a": "[[[[[[,,,"}"#, 2, 10), JsonShape::Fits);
        assert_eq!(json_shape("[[[", 2, 10), JsonShape::TooDeep(3));
        assert_eq!(json_shape("[1,2,3,4]", 8, 4), JsonShape::TooMany);
        assert_eq!(json_shape("[1,2,3,4]", 8, 5), JsonShape::Fits);
    }

    #[test]
    fn toml_scan_bounds_keys_and_items_outside_strings_and_comments() {
        let text =
            "a = 1 # b = 2, c = 3\ns = \"x = [1, 2]\"\nm = '''\nk = v\n'''\n[t]\nl = [1, 2]\n";
        // a, s, m, [t], l, [ of the array, one comma: 7.
        assert!(!toml_keys_over(text, 7));
        assert!(toml_keys_over(text, 6));
        assert!(toml_keys_over(&"k = 1\n".repeat(11), 10));
    }
}
