//! Unwrapping a payload: base64 and gzip, detected by content, each bounded by [`Limits`].

use crate::{Error, ErrorKind, Limits};
use base64::Engine as _;
use std::io::Read;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Unwraps base64 and gzip layers, in any order and nesting, until plain bytes remain. Each
/// step's output is charged to `spent`, against [`Limits::max_total_bytes`]; a gzip stream stops
/// decompressing at whichever of the two byte limits comes first.
///
/// Detection is by content, as nodeadm does: gzip by its magic bytes, base64 when every
/// non-whitespace byte is in the base64 alphabet and the length is a multiple of 4 (a YAML, JSON
/// or MIME document always has a `:`, `{` or `-`, which base64 never does).
pub(crate) fn unwrap_layers(
    mut payload: Vec<u8>,
    limits: &Limits,
    spent: &mut usize,
) -> Result<Vec<u8>, Error> {
    for _ in 0..limits.max_decode_steps {
        payload = if payload.starts_with(&GZIP_MAGIC) {
            gunzip(&payload, limits, *spent)?
        } else if let Some(compact) = base64_text(&payload) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|error| {
                    Error::new(
                        ErrorKind::Decode,
                        format_args!("looks like base64 but does not decode: {error}"),
                    )
                })?;
            // Short plain words (`null`, `true`, `kind`) are base64 too: what decodes to
            // neither gzip, another layer nor text was text already, and is read as such.
            if !decoded.starts_with(&GZIP_MAGIC) && std::str::from_utf8(&decoded).is_err() {
                return Ok(payload);
            }
            decoded
        } else {
            return Ok(payload);
        };
        charge(spent, payload.len(), limits)?;
    }
    if payload.starts_with(&GZIP_MAGIC) || base64_text(&payload).is_some() {
        return Err(Error::new(
            ErrorKind::Limit,
            format_args!(
                "more than {} nested base64/gzip layers (limit max_decode_steps)",
                limits.max_decode_steps
            ),
        ));
    }
    Ok(payload)
}

/// Adds `bytes` to `spent`, or fails naming [`Limits::max_total_bytes`].
pub(crate) fn charge(spent: &mut usize, bytes: usize, limits: &Limits) -> Result<(), Error> {
    *spent = spent.saturating_add(bytes);
    if *spent > limits.max_total_bytes {
        return Err(Error::new(
            ErrorKind::Limit,
            format_args!(
                "inputs decode to more than {} in all (limit max_total_bytes)",
                human_bytes(limits.max_total_bytes)
            ),
        ));
    }
    Ok(())
}

/// The payload without whitespace, if it reads as base64.
fn base64_text(payload: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = payload
        .iter()
        .copied()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    let alphabet = |byte: &u8| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=');
    let plausible =
        !compact.is_empty() && compact.len().is_multiple_of(4) && compact.iter().all(alphabet);
    plausible.then_some(compact)
}

/// Decompresses a gzip stream member by member (RFC 1952 section 2.2 allows several), stopping
/// one byte past the smaller of `max_input_bytes` and what is left of `max_total_bytes`, so a
/// bomb costs at most that much memory. Bytes after the last member that are not another member
/// are an error of their own, not "corrupt".
fn gunzip(compressed: &[u8], limits: &Limits, spent: usize) -> Result<Vec<u8>, Error> {
    let left = limits.max_total_bytes.saturating_sub(spent);
    let cap = limits.max_input_bytes.min(left);
    let mut plain = Vec::new();
    let mut rest = compressed;
    loop {
        let mut member = flate2::bufread::GzDecoder::new(rest);
        let room = (cap + 1 - plain.len()) as u64;
        (&mut member)
            .take(room)
            .read_to_end(&mut plain)
            .map_err(|error| {
                Error::new(
                    ErrorKind::Decode,
                    format_args!("gzip stream is truncated or corrupt: {error}"),
                )
            })?;
        if plain.len() > cap {
            return Err(if cap < limits.max_input_bytes {
                let mut over = spent;
                charge(&mut over, plain.len(), limits).expect_err("over the total")
            } else {
                too_large("decompressed gzip data", cap)
            });
        }
        rest = member.into_inner();
        if rest.is_empty() {
            return Ok(plain);
        }
        if !rest.starts_with(&GZIP_MAGIC) {
            return Err(Error::new(
                ErrorKind::Decode,
                format_args!(
                    "gzip data is followed by {} bytes that are not gzip (remove them)",
                    rest.len()
                ),
            ));
        }
    }
}

/// The error for a payload over `max_input_bytes`.
pub(crate) fn too_large(what: &str, cap: usize) -> Error {
    Error::new(
        ErrorKind::Limit,
        format_args!(
            "{what} exceeds {} (limit max_input_bytes)",
            human_bytes(cap)
        ),
    )
}

fn human_bytes(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

/// The payload as text: UTF-8 (a leading byte-order mark dropped), or an error at the first bad
/// byte.
pub(crate) fn into_text(payload: Vec<u8>) -> Result<String, Error> {
    let mut text = String::from_utf8(payload).map_err(|error| {
        Error::new(
            ErrorKind::Decode,
            format_args!(
                "is not valid UTF-8 (bad byte at offset {})",
                error.utf8_error().valid_up_to()
            ),
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn plain_text_passes_through() {
        let text = b"apiVersion: node.eks.aws/v1alpha1\n".to_vec();
        assert_eq!(
            unwrap_layers(text.clone(), &Limits::default(), &mut 0).unwrap(),
            text
        );
    }

    #[test]
    fn base64_of_gzip_unwraps() {
        let wrapped = base64::engine::general_purpose::STANDARD.encode(gzip(b"kind: NodeConfig"));
        let plain = unwrap_layers(wrapped.into_bytes(), &Limits::default(), &mut 0).unwrap();
        assert_eq!(plain, b"kind: NodeConfig");
    }

    #[test]
    fn gzip_bomb_stops_at_the_limit() {
        let limits = Limits {
            max_input_bytes: 1024,
            ..Limits::default()
        };
        let error = unwrap_layers(gzip(&[0; 4096]), &limits, &mut 0).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Limit);
        assert_eq!(
            error.to_string(),
            "decompressed gzip data exceeds 1024 bytes (limit max_input_bytes)"
        );
    }

    #[test]
    fn truncated_gzip_is_a_decode_error() {
        let compressed = gzip(b"kind: NodeConfig\n");
        let error =
            unwrap_layers(compressed[..12].to_vec(), &Limits::default(), &mut 0).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
    }

    #[test]
    fn gzip_with_trailing_bytes_says_so() {
        let mut data = gzip(b"kind: NodeConfig\n");
        data.extend_from_slice(b"\0\0junk");
        let error = unwrap_layers(data, &Limits::default(), &mut 0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "gzip data is followed by 6 bytes that are not gzip (remove them)"
        );
        let mut two = gzip(b"kind: ");
        two.extend(gzip(b"NodeConfig"));
        assert_eq!(
            unwrap_layers(two, &Limits::default(), &mut 0).unwrap(),
            b"kind: NodeConfig"
        );
    }

    #[test]
    fn the_total_budget_stops_a_gzip_early() {
        let limits = Limits {
            max_total_bytes: 2048,
            ..Limits::default()
        };
        let mut spent = 1024;
        let error = unwrap_layers(gzip(&[0; 4096]), &limits, &mut spent).unwrap_err();
        assert_eq!(
            error.to_string(),
            "inputs decode to more than 2048 bytes in all (limit max_total_bytes)"
        );
    }

    #[test]
    fn a_plain_word_that_is_also_base64_stays_text() {
        let limits = Limits::default();
        for word in ["null", "true", "kind", "null\n"] {
            let mut spent = 0;
            let payload = unwrap_layers(word.as_bytes().to_vec(), &limits, &mut spent).unwrap();
            assert_eq!(payload, word.as_bytes(), "{word:?}");
        }
        // Real base64 of text still decodes.
        let mut spent = 0;
        let text = b"kind: NodeConfig";
        let wrapped = base64::engine::general_purpose::STANDARD.encode(text);
        let payload = unwrap_layers(wrapped.into_bytes(), &limits, &mut spent).unwrap();
        assert_eq!(payload, text);
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let error = into_text(b"ab\xffcd".to_vec()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "is not valid UTF-8 (bad byte at offset 2)"
        );
    }
}
