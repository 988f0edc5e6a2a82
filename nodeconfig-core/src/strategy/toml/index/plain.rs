//! The fast path of decoding: most keys are unquoted and most strings have no escapes, so
//! checking their bytes against TOML's grammar (TOML 1.1, "Keys", "String", "Comment") is all
//! the decoding they need. Anything else goes to `toml_parser`'s decoder, which also words
//! the error.

use toml_parser::decoder::Encoding;

/// `unquoted-key = 1*( ALPHA / DIGIT / %x2D / %x5F )`.
const UNQUOTED: u8 = 1;
/// `basic-unescaped = wschar / %x21 / %x23-5B / %x5D-7E / non-ascii`.
const BASIC: u8 = 2;
/// `literal-char = %x09 / %x20-26 / %x28-7E / non-ascii`.
const LITERAL: u8 = 4;
/// `non-eol = %x09 / %x20-7E / non-ascii`, the bytes of a comment.
const COMMENT: u8 = 8;

/// What each byte may be part of. Bytes of `non-ascii` (0x80 and up) are allowed in strings
/// and comments: the text is UTF-8, so they form the code points TOML allows.
const CLASSES: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut class = 0;
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            class |= UNQUOTED;
        }
        let visible = b == b'\t' || (b >= 0x20 && b <= 0x7e) || b >= 0x80;
        if visible && b != b'"' && b != b'\\' {
            class |= BASIC;
        }
        if visible && b != b'\'' {
            class |= LITERAL;
        }
        if visible {
            class |= COMMENT;
        }
        classes[byte] = class;
        byte += 1;
    }
    classes
};

fn all(bytes: &[u8], class: u8) -> bool {
    bytes
        .iter()
        .all(|&byte| CLASSES[byte as usize] & class != 0)
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether a byte of `word` is zero (the classic bit trick: exact, no false positives).
fn has_zero(word: u64) -> bool {
    word.wrapping_sub(ONES) & !word & HIGHS != 0
}

/// [`all`] for strings and comments, eight bytes at a time: a chunk with no control byte,
/// no DEL and none of `quotes` is allowed whole; any other chunk is checked byte by byte.
fn all_visible(bytes: &[u8], class: u8, quotes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().expect("eight bytes"));
        // Bytes below 0x20 (tab among them, so tabs go the slow way) or equal to DEL.
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS != 0;
        let suspicious = control
            || has_zero(word ^ (ONES * 0x7f))
            || quotes
                .iter()
                .any(|&quote| has_zero(word ^ (ONES * u64::from(quote))));
        if suspicious && !all(chunk, class) {
            return false;
        }
    }
    all(chunks.remainder(), class)
}

/// The decoded text of a key or a one-line string spelled `raw`, when it is the text between
/// the quotes (or `raw` itself, unquoted) and every byte is allowed there; `None` when it
/// needs the full decoder (escapes, multi-line strings, or an error to report).
pub(super) fn plain(raw: &str, encoding: Option<Encoding>) -> Option<&str> {
    let (quote, class, quotes): (char, u8, &[u8]) = match encoding {
        None => return (!raw.is_empty() && all(raw.as_bytes(), UNQUOTED)).then_some(raw),
        Some(Encoding::BasicString) => ('"', BASIC, b"\"\\"),
        Some(Encoding::LiteralString) => ('\'', LITERAL, b"'"),
        Some(_) => return None,
    };
    let inner = raw.strip_prefix(quote)?.strip_suffix(quote)?;
    all_visible(inner.as_bytes(), class, quotes).then_some(inner)
}

/// Whether a comment needs no more checking: `#` and then only the bytes TOML allows.
pub(super) fn plain_comment(raw: &str) -> bool {
    raw.starts_with('#') && all_visible(raw.as_bytes(), COMMENT, b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_what_the_decoder_would_give() {
        assert_eq!(plain("a-b_9", None), Some("a-b_9"));
        assert_eq!(plain("", None), None);
        assert_eq!(plain("a.b", None), None);
        assert_eq!(plain("\"x y\"", Some(Encoding::BasicString)), Some("x y"));
        assert_eq!(plain("\"x\\ty\"", Some(Encoding::BasicString)), None);
        assert_eq!(plain("\"é\"", Some(Encoding::BasicString)), Some("é"));
        assert_eq!(plain("\"a\u{7f}\"", Some(Encoding::BasicString)), None);
        assert_eq!(plain("'a\\b'", Some(Encoding::LiteralString)), Some("a\\b"));
        assert_eq!(plain("'a\u{1}'", Some(Encoding::LiteralString)), None);
        assert_eq!(plain("'''a'''", Some(Encoding::MlLiteralString)), None);
        assert!(plain_comment("# ok\té"));
        assert!(!plain_comment("# bell \u{7}"));
    }

    /// The eight-byte path agrees with the byte table for every ASCII byte in every place of
    /// a chunk and of the remainder.
    #[test]
    fn chunks_agree_with_the_byte_table() {
        for length in [7, 8, 9, 16, 17] {
            for at in 0..length {
                for byte in 0u8..=0x7f {
                    let mut text = vec![b'a'; length];
                    text[at] = byte;
                    let text = String::from_utf8(text).expect("ASCII");
                    let allowed = |class| CLASSES[byte as usize] & class != 0;
                    let basic = format!("\"{text}\"");
                    let literal = format!("'{text}'");
                    let basic_plain = plain(&basic, Some(Encoding::BasicString)).is_some();
                    let literal_plain = plain(&literal, Some(Encoding::LiteralString)).is_some();
                    assert_eq!(basic_plain, allowed(BASIC), "{basic:?}");
                    assert_eq!(literal_plain, allowed(LITERAL), "{literal:?}");
                    assert_eq!(
                        plain_comment(&format!("#{text}")),
                        allowed(COMMENT),
                        "{text:?}"
                    );
                }
            }
        }
    }
}
