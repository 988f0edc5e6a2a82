//! A small MIME reader: just what EC2 user data needs (RFC 2045/2046 multipart, header
//! continuation lines, base64 transfer encoding), byte-oriented so gzip parts survive.

use crate::{Error, ErrorKind, Limits};
use base64::Engine as _;

/// One part of a multipart message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// 1-based, counting every part.
    pub number: usize,
    /// Lowercased media type without parameters (`application/node.eks.aws`).
    pub media_type: String,
    /// The body, transfer encoding already undone.
    pub body: Vec<u8>,
}

/// The parts of `payload` if it is a MIME message (it starts with a header block that has a
/// `Content-Type` or `MIME-Version` header), `None` if it is a plain document.
///
/// A MIME message that is not multipart is one part.
pub(crate) fn parts(payload: &[u8], limits: &Limits) -> Result<Option<Vec<Part>>, Error> {
    let Some((headers, body)) = split_headers(payload) else {
        return Ok(None);
    };
    let is_mime = headers
        .iter()
        .any(|(name, _)| name == "content-type" || name == "mime-version");
    if !is_mime {
        return Ok(None);
    }
    let (media_type, params) = content_type(&headers);
    if !media_type.starts_with("multipart/") {
        let body = transfer_decode(&headers, body)?;
        return Ok(Some(vec![Part {
            number: 1,
            media_type,
            body,
        }]));
    }
    let boundary = params
        .iter()
        .find(|(name, _)| name == "boundary")
        .map(|(_, value)| value.as_str())
        .filter(|boundary| !boundary.is_empty())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                format_args!("MIME {media_type} message has no boundary parameter"),
            )
        })?;
    split_multipart(body, boundary, limits).map(Some)
}

/// Splits a multipart body at its delimiter lines and reads each part.
fn split_multipart(body: &[u8], boundary: &str, limits: &Limits) -> Result<Vec<Part>, Error> {
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
            let end = strip_line_break(body, start, line_start);
            if parts.len() == limits.max_mime_parts {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format_args!(
                        "MIME message has more than {} parts (limit max_mime_parts)",
                        limits.max_mime_parts
                    ),
                ));
            }
            parts.push(read_part(parts.len() + 1, &body[start..end])?);
        }
        if closing {
            return Ok(parts);
        }
        open = Some(offset);
    }
    let message = if open.is_none() {
        format!("MIME boundary `{boundary}` never appears in the message body")
    } else {
        format!("MIME message ends without its closing boundary `{delimiter}--`")
    };
    Err(Error::new(ErrorKind::Decode, message))
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

fn read_part(number: usize, raw: &[u8]) -> Result<Part, Error> {
    // A part with no header block at all is text/plain (RFC 2046 section 5.1.1).
    let (headers, body) = split_headers(raw).unwrap_or((Vec::new(), raw));
    let (media_type, _) = content_type(&headers);
    let body = transfer_decode(&headers, body).map_err(|error| {
        Error::new(
            error.kind(),
            format_args!("part {number}: {}", error.message()),
        )
    })?;
    Ok(Part {
        number,
        media_type,
        body,
    })
}

type Headers = Vec<(String, String)>;

/// Reads a header block up to its blank line. `None` if the text does not start with one.
fn split_headers(raw: &[u8]) -> Option<(Headers, &[u8])> {
    let mut headers: Headers = Vec::new();
    let mut offset = 0;
    for raw_line in raw.split_inclusive(|byte| *byte == b'\n') {
        offset += raw_line.len();
        let line = trim_line_end(raw_line);
        if line.is_empty() {
            return Some((headers, &raw[offset..]));
        }
        let line = std::str::from_utf8(line).ok()?;
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut()?;
            value.push(' ');
            value.push_str(line.trim());
            continue;
        }
        let (name, value) = line.split_once(':')?;
        let token = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if name.is_empty() || !name.chars().all(token) {
            return None;
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    // Headers with no body at all.
    (!headers.is_empty()).then_some((headers, &raw[raw.len()..]))
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The lowercased media type and its parameters; `text/plain` when absent.
fn content_type(headers: &Headers) -> (String, Vec<(String, String)>) {
    let Some((_, value)) = headers.iter().find(|(name, _)| name == "content-type") else {
        return ("text/plain".to_owned(), Vec::new());
    };
    let mut fields = split_params(value).into_iter();
    let media_type = fields.next().unwrap_or_default().to_ascii_lowercase();
    let params = fields
        .filter_map(|field| {
            let (name, value) = field.split_once('=')?;
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|quoted| quoted.strip_suffix('"'))
                .unwrap_or(value);
            Some((
                name.trim().to_ascii_lowercase(),
                value.replace("\\\"", "\""),
            ))
        })
        .collect();
    (media_type, params)
}

/// Splits a header value at `;` outside double quotes.
fn split_params(value: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        match c {
            ';' if !quoted => fields.push(String::new()),
            '"' if !escaped => quoted = !quoted,
            _ => {}
        }
        escaped = c == '\\' && !escaped;
        if c != ';' || quoted {
            fields.last_mut().expect("never empty").push(c);
        }
    }
    fields
        .into_iter()
        .map(|field| field.trim().to_owned())
        .collect()
}

fn transfer_decode(headers: &Headers, body: &[u8]) -> Result<Vec<u8>, Error> {
    let encoding = headers
        .iter()
        .find(|(name, _)| name == "content-transfer-encoding")
        .map(|(_, value)| value.to_ascii_lowercase());
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
                    Error::new(
                        ErrorKind::Decode,
                        format_args!("Content-Transfer-Encoding base64 does not decode: {error}"),
                    )
                })
        }
        Some(other) => Err(Error::new(
            ErrorKind::Decode,
            format_args!(
                "Content-Transfer-Encoding `{other}` is not supported (use base64 or none)"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"==b==\"\r\n\r\npreamble\r\n--==b==\r\nContent-Type: application/node.eks.aws\r\n\r\nkind: NodeConfig\r\n--==b==\r\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: base64\r\n\r\nIyEvYmluL3No\r\n--==b==--\r\nepilogue\r\n";

    #[test]
    fn splits_parts_with_folded_headers_and_crlf() {
        let parts = parts(MESSAGE.as_bytes(), &Limits::default())
            .unwrap()
            .unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].media_type, "application/node.eks.aws");
        assert_eq!(parts[0].body, b"kind: NodeConfig");
        assert_eq!(parts[1].number, 2);
        assert_eq!(parts[1].media_type, "text/x-shellscript");
        assert_eq!(parts[1].body, b"#!/bin/sh");
    }

    #[test]
    fn a_yaml_document_is_not_mime() {
        let yaml = b"apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster: {}\n";
        assert_eq!(parts(yaml, &Limits::default()).unwrap(), None);
    }

    #[test]
    fn missing_boundary_and_missing_close_are_errors() {
        let never = "Content-Type: multipart/mixed; boundary=x\n\nno delimiter here\n";
        let error = parts(never.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(
            error.message(),
            "MIME boundary `x` never appears in the message body"
        );
        let unclosed = "Content-Type: multipart/mixed; boundary=x\n\n--x\n\nbody\n";
        let error = parts(unclosed.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(
            error.message(),
            "MIME message ends without its closing boundary `--x--`"
        );
    }

    #[test]
    fn part_count_is_limited() {
        let limits = Limits {
            max_mime_parts: 1,
            ..Limits::default()
        };
        let error = parts(MESSAGE.as_bytes(), &limits).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Limit);
    }
}
