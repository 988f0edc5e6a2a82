use super::*;

const MESSAGE: &str = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"==b==\"\r\n\r\npreamble\r\n--==b==\r\nContent-Type: application/node.eks.aws\r\n\r\nkind: NodeConfig\r\n--==b==\r\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: base64\r\n\r\nIyEvYmluL3No\r\n--==b==--\r\nepilogue\r\n";

fn message(part_headers: &[u8]) -> Vec<u8> {
    let mut text = b"Content-Type: multipart/mixed; boundary=x\n\n--x\n".to_vec();
    text.extend_from_slice(part_headers);
    text.extend_from_slice(b"\nkind: NodeConfig\n--x--\n");
    text
}

fn only_part(payload: &[u8]) -> Part {
    let mut parts = parts(payload, &Limits::default()).unwrap().unwrap();
    assert_eq!(parts.len(), 1);
    parts.remove(0)
}

#[test]
fn splits_parts_with_folded_headers_and_crlf() {
    let parts = parts(MESSAGE.as_bytes(), &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].media_type, "application/node.eks.aws");
    assert_eq!(parts[0].body, b"kind: NodeConfig");
    assert_eq!(parts[1].number, [2]);
    assert_eq!(parts[1].media_type, "text/x-shellscript");
    assert_eq!(parts[1].body, b"#!/bin/sh");
}

#[test]
fn header_anomalies_are_read_right() {
    for headers in [
        &b"Content-Type : application/node.eks.aws\n"[..],
        b"Content-Type: \"application/node.eks.aws\"\n",
        b"X-Note: caf\xe9\nContent-Type: application/node.eks.aws\n",
        b"content-type:application/NODE.eks.aws; charset=utf-8\n",
    ] {
        let part = only_part(&message(headers));
        assert_eq!(part.media_type, "application/node.eks.aws", "{headers:?}");
        assert_eq!(part.body, b"kind: NodeConfig");
    }
}

#[test]
fn an_unreadable_header_line_is_an_error_naming_the_part() {
    for headers in [
        &b"Content-Type application/node.eks.aws\n"[..],
        b"garbage\n",
        b"Na\xefme: x\n",
    ] {
        let error = parts(&message(headers), &Limits::default()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(
            error.message().starts_with("MIME part 1: header line"),
            "{error}"
        );
    }
}

#[test]
fn nested_multipart_is_read_recursively_and_depth_limited() {
    let nested = "Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: text/x-shellscript\n\necho\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\nContent-Type: application/node.eks.aws\n\nkind: NodeConfig\n--inner--\n--outer--\n";
    let found = parts(nested.as_bytes(), &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].number, [2, 1]);
    assert_eq!(part_name(&found[1].number), "part 2.1");
    assert_eq!(found[1].body, b"kind: NodeConfig");

    let shallow = Limits {
        max_mime_depth: 1,
        ..Limits::default()
    };
    let error = parts(nested.as_bytes(), &shallow).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Limit);
    assert!(
        error.message().contains("part 2: multipart nesting"),
        "{error}"
    );
}

#[test]
fn quoted_printable_is_decoded() {
    let part = only_part(&message(
        b"Content-Type: application/node.eks.aws\nContent-Transfer-Encoding: quoted-printable\n",
    ));
    assert_eq!(part.body, b"kind: NodeConfig");
    let encoded = "Content-Type: application/node.eks.aws\nContent-Transfer-Encoding: quoted-printable\n\nname: caf=C3=A9=\n-x\n";
    // Hard line breaks come out as CRLF, their canonical form (RFC 2045 section 6.7).
    assert_eq!(
        only_part(encoded.as_bytes()).body,
        "name: café-x\r\n".as_bytes()
    );
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
        "MIME message: boundary `x` never appears in the body"
    );
    let unclosed = "Content-Type: multipart/mixed; boundary=x\n\n--x\n\nbody\n";
    let error = parts(unclosed.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(
        error.message(),
        "MIME message: ends without its closing boundary `--x--`"
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
