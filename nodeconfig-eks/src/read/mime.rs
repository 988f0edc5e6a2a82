//! The MIME reader for EC2 user data: header blocks are read by `mailparse` (folding, RFC 2047
//! encoded words, a Latin-1 fallback for non-UTF-8 bytes, quoted and RFC 2231 parameters);
//! multipart bodies are split at their delimiter lines here (RFC 2046 section 5.1.1), because
//! `mailparse::parse_mail` recurses without a bound into nested multiparts and takes a missing
//! closing delimiter silently. Nested multiparts are read recursively up to
//! [`Limits::max_mime_depth`]; base64 and quoted-printable parts are decoded. Content-Type is
//! read as RFC 2045 section 5.1 writes it (comments and blanks between its tokens allowed); one
//! that names no `type/subtype`, or a Content-Type or Content-Transfer-Encoding given twice, is
//! an error naming the part.

use crate::{Error, ErrorKind, Limits};
use base64::Engine as _;

/// One leaf part of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// 1-based, one number per level of multipart nesting (`[2, 1]` is part 2.1).
    pub number: Vec<usize>,
    /// Lowercased media type without parameters or quotes (`application/node.eks.aws`).
    pub media_type: String,
    /// The body, transfer encoding already undone.
    pub body: Vec<u8>,
}

/// A header block: lowercased names (surrounding blanks dropped) and unfolded values.
struct Headers {
    fields: Vec<(String, String)>,
    body_offset: usize,
}

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The leaf parts of `payload` if it is a MIME message (it starts with a header block that has a
/// `Content-Type` or `MIME-Version` header), `None` if it is a plain document. A message that is
/// not multipart is one part.
pub(crate) fn parts(payload: &[u8], limits: &Limits) -> Result<Option<Vec<Part>>, Error> {
    if !looks_like_mime(payload) {
        return Ok(None);
    }
    let mut parts = Vec::new();
    read_entity(payload, &[], limits, &mut parts)?;
    Ok(Some(parts))
}

/// Whether the first header block names `Content-Type` or `MIME-Version` (in any case, with
/// blanks before the colon allowed, as RFC 5322 section 4.5 reads obsolete headers).
fn looks_like_mime(payload: &[u8]) -> bool {
    payload
        .split(|&byte| byte == b'\n')
        .take_while(|line| !line.is_empty() && *line != b"\r")
        .filter_map(|line| line.split(|&byte| byte == b':').next())
        .any(|name| {
            let name = name.trim_ascii();
            name.eq_ignore_ascii_case(b"content-type") || name.eq_ignore_ascii_case(b"mime-version")
        })
}

/// `part 2.1`, for messages.
pub(crate) fn part_name(number: &[usize]) -> String {
    let numbers: Vec<String> = number.iter().map(usize::to_string).collect();
    format!("part {}", numbers.join("."))
}

fn at_part(number: &[usize], message: impl std::fmt::Display) -> String {
    if number.is_empty() {
        format!("MIME message: {message}")
    } else {
        format!("MIME {}: {message}", part_name(number))
    }
}

/// Reads one entity (the message, or a part): a multipart one part by part, another as a leaf.
fn read_entity(
    raw: &[u8],
    number: &[usize],
    limits: &Limits,
    parts: &mut Vec<Part>,
) -> Result<(), Error> {
    let headers = read_headers(raw, number)?;
    let body = &raw[headers.body_offset..];
    let (media_type, boundary) = content_type(&headers)
        .map_err(|message| Error::new(ErrorKind::Decode, at_part(number, message)))?;
    if !media_type.starts_with("multipart/") {
        if parts.len() == limits.max_mime_parts {
            return Err(Error::new(
                ErrorKind::Limit,
                format_args!(
                    "MIME message has more than {} parts (limit max_mime_parts)",
                    limits.max_mime_parts
                ),
            ));
        }
        let body = transfer_decode(&headers, body)
            .map_err(|message| Error::new(ErrorKind::Decode, at_part(number, message)))?;
        parts.push(Part {
            number: if number.is_empty() {
                vec![1]
            } else {
                number.to_vec()
            },
            media_type,
            body,
        });
        return Ok(());
    }
    if number.len() == limits.max_mime_depth {
        return Err(Error::new(
            ErrorKind::Limit,
            at_part(
                number,
                format_args!(
                    "multipart nesting deeper than {} levels (limit max_mime_depth)",
                    limits.max_mime_depth
                ),
            ),
        ));
    }
    let boundary = boundary
        .filter(|boundary| !boundary.is_empty())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                at_part(
                    number,
                    format_args!("{media_type} has no boundary parameter"),
                ),
            )
        })?;
    let bodies = split_multipart(body, &boundary)
        .map_err(|message| Error::new(ErrorKind::Decode, at_part(number, message)))?;
    for (index, part) in bodies.into_iter().enumerate() {
        let mut inner = number.to_vec();
        inner.push(index + 1);
        read_entity(part, &inner, limits, parts)?;
    }
    Ok(())
}

/// Reads a header block with `mailparse`. A line that is not `Name: value` (a name of printable
/// ASCII without blanks, RFC 5322 section 2.2) is an error naming the part: taking the part as
/// headerless text would skip it silently.
fn read_headers(raw: &[u8], number: &[usize]) -> Result<Headers, Error> {
    let unreadable = |detail: String| {
        Error::new(
            ErrorKind::Decode,
            at_part(
                number,
                format_args!(
                    "{detail} (each header line must be `Name: value`, then a blank line)"
                ),
            ),
        )
    };
    // A part with no header block starts with its blank line (RFC 2046 section 5.1.1).
    let (parsed, body_offset) = mailparse::parse_headers(raw)
        .map_err(|error| unreadable(format!("headers cannot be read: {error}")))?;
    let mut fields = Vec::with_capacity(parsed.len());
    for header in &parsed {
        let name = header.get_key_ref();
        let name = name.trim();
        let token = |byte: u8| byte.is_ascii_graphic() && byte != b':';
        if name.is_empty()
            || !name.bytes().all(token)
            || header.get_value_raw().is_empty() && !has_colon(raw, header.get_key_raw())
        {
            let line = String::from_utf8_lossy(header.get_key_raw());
            return Err(unreadable(format!(
                "header line `{}` cannot be read",
                line.trim()
            )));
        }
        fields.push((
            name.to_ascii_lowercase(),
            header.get_value().trim().to_owned(),
        ));
    }
    Ok(Headers {
        fields,
        body_offset,
    })
}

/// Whether the header whose name is `key` (a slice of `raw`) was followed by a colon;
/// `mailparse` takes a line without one as a name with no value.
fn has_colon(raw: &[u8], key: &[u8]) -> bool {
    (key.as_ptr() as usize)
        .checked_sub(raw.as_ptr() as usize)
        .and_then(|start| raw.get(start + key.len()))
        == Some(&b':')
}

/// The lowercased media type (comments, blanks and quotes dropped; `text/plain` when absent,
/// RFC 2045 section 5.2) and the boundary parameter. A Content-Type or
/// Content-Transfer-Encoding given twice (RFC 2045 allows one), or a Content-Type that names no
/// `type/subtype`, is an error: guessing would skip the part or read the wrong one.
fn content_type(headers: &Headers) -> Result<(String, Option<String>), String> {
    for name in ["content-type", "content-transfer-encoding"] {
        let given = headers.fields.iter().filter(|(field, _)| field == name);
        if given.count() > 1 {
            let shown = if name == "content-type" {
                "Content-Type"
            } else {
                "Content-Transfer-Encoding"
            };
            return Err(format!("{shown} is given twice (keep one)"));
        }
    }
    let Some(value) = headers.get("content-type") else {
        return Ok(("text/plain".to_owned(), None));
    };
    let parsed = mailparse::parse_content_type(&without_comments(value));
    // RFC 822 structured fields allow blanks around the `/` special.
    let media_type: String = parsed
        .mimetype
        .trim()
        .trim_matches('"')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|byte| byte.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&byte))
    };
    match media_type.split_once('/') {
        Some((kind, subtype)) if token(kind) && token(subtype) => {
            Ok((media_type, parsed.params.get("boundary").cloned()))
        }
        _ => Err(format!(
            "Content-Type `{value}` names no media type (write `type/subtype`, such as \
             application/node.eks.aws)"
        )),
    }
}

/// `value` without its RFC 822 comments (section 3.4.3: parenthesised, nestable, `\` quoting
/// the next character); quoted strings are kept whole.
fn without_comments(value: &str) -> String {
    let mut kept = String::with_capacity(value.len());
    let (mut depth, mut quoted, mut escaped) = (0_usize, false, false);
    for c in value.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                kept.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    kept.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                kept.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => {
                depth -= 1;
                kept.push(' ');
            }
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    kept
}

/// Splits a multipart body at its delimiter lines; the parts' raw bytes, headers included.
fn split_multipart<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>, String> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    // Start of the current part's content, once the first delimiter has been seen.
    let mut open: Option<usize> = None;
    let mut offset = 0;
    for raw_line in body.split_inclusive(|byte| *byte == b'\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = trim_line_end(raw_line);
        let Some(rest) = line.strip_prefix(delimiter.as_bytes()) else {
            continue;
        };
        let closing = rest.starts_with(b"--");
        let rest = if closing { &rest[2..] } else { rest };
        if !rest.iter().all(|byte| matches!(byte, b' ' | b'\t')) {
            continue;
        }
        if let Some(start) = open {
            // The line break before a delimiter belongs to the delimiter.
            parts.push(&body[start..strip_line_break(body, start, line_start)]);
        }
        if closing {
            return Ok(parts);
        }
        open = Some(offset);
    }
    Err(if open.is_none() {
        format!("boundary `{boundary}` never appears in the body")
    } else {
        format!("ends without its closing boundary `{delimiter}--`")
    })
}

fn strip_line_break(body: &[u8], start: usize, mut end: usize) -> usize {
    if end > start && body[end - 1] == b'\n' {
        end -= 1;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
    }
    end
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Undoes the Content-Transfer-Encoding (RFC 2045 section 6).
fn transfer_decode(headers: &Headers, body: &[u8]) -> Result<Vec<u8>, String> {
    let encoding = headers
        .get("content-transfer-encoding")
        .map(|value| value.trim_matches('"').to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("7bit" | "8bit" | "binary") => Ok(body.to_vec()),
        Some("base64") => {
            let compact: Vec<u8> = body
                .iter()
                .copied()
                .filter(|byte| !byte.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|error| {
                    format!("Content-Transfer-Encoding base64 does not decode: {error}")
                })
        }
        Some("quoted-printable") => {
            quoted_printable::decode(body, quoted_printable::ParseMode::Robust).map_err(|error| {
                format!("Content-Transfer-Encoding quoted-printable does not decode: {error}")
            })
        }
        Some(other) => Err(format!(
            "Content-Transfer-Encoding `{other}` is not supported (use base64, quoted-printable or none)"
        )),
    }
}

#[cfg(test)]
#[path = "mime_tests.rs"]
mod tests;
