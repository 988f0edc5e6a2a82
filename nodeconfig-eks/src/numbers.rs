//! Numbers exactly as written, through YAML both ways.
//!
//! JSON is exact through serde_json's `arbitrary_precision` feature (on in this crate): a
//! `serde_json::Number` keeps the text it was parsed from, of any size or precision, and writes
//! it back as is. YAML needs two more steps, because serde-saphyr hands a typeless reader an
//! `f64` for every number beyond `u64`/`i64` (`18446744073709551616` would come out as
//! `1.8446744073709552e19`) and has no way to write a number it did not format itself:
//!
//! - reading: every YAML node is read with its [`serde_saphyr::Spanned`] location, and a number
//!   takes its text from the source at that span when the text is a JSON number (YAML 1.2's
//!   core schema writes decimal numbers the same way; a leading `+` is dropped). A decimal that
//!   JSON spells differently keeps its digits: leading zeros go (`007` is `7`, YAML 1.2 core
//!   schema section 10.3.2, not octal), a bare point gets its zero (`.5` is `0.5`, `1.` is
//!   `1.0`). Other YAML spellings (`0x1F`, `0o17`, `1_000`) keep the value serde-saphyr parsed;
//!   `.inf` and `.nan`, which JSON cannot hold, are errors naming the line and column;
//! - writing: each number that is not a plain `u64`/`i64` integer is written as a placeholder
//!   string that appears nowhere else in the document, and the placeholder is then replaced by
//!   the number's text.

use crate::{Error, ErrorKind};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;
use std::fmt;
use std::str::FromStr;

/// One YAML node with where it was defined (for an alias: where its anchor is).
pub(crate) struct YamlNode(Spanned<Node>);

/// A YAML node's content, numbers as serde-saphyr parsed them.
enum Node {
    Null,
    Bool(bool),
    /// serde-saphyr's value: exact for `u64`/`i64`, an `f64` beyond (`None`: not finite).
    Number(Option<Number>),
    String(String),
    Seq(Vec<YamlNode>),
    Map(Vec<(String, YamlNode)>),
}

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Spanned::<Node>::deserialize(deserializer).map(YamlNode)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Number(Some(value.into())))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Number(Some(value.into())))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Node, E> {
        Ok(Node::Number(Number::from_str(&value.to_string()).ok()))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Node, E> {
        Ok(Node::Number(Number::from_str(&value.to_string()).ok()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::Number(Number::from_f64(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Node, A::Error> {
        let mut nodes = Vec::new();
        while let Some(node) = items.next_element()? {
            nodes.push(node);
        }
        Ok(Node::Seq(nodes))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some(entry) = entries.next_entry::<String, YamlNode>()? {
            members.push(entry);
        }
        Ok(Node::Map(members))
    }
}

impl YamlNode {
    /// The node as JSON, numbers taken from `source` (the text the node was read from). Two
    /// keys of one mapping that are one JSON member name (`1` and `"1"`, `true` and `"true"`)
    /// are an error naming the second one's line and column, as a key given twice is.
    pub(crate) fn into_json(self, source: &str) -> Result<Value, Error> {
        let Spanned { value, defined, .. } = self.0;
        Ok(match value {
            Node::Null => Value::Null,
            Node::Bool(value) => Value::Bool(value),
            Node::String(value) => Value::String(value),
            Node::Number(parsed) => {
                let span = defined.span();
                let text = span
                    .byte_offset()
                    .zip(span.byte_len())
                    .and_then(|(start, len)| {
                        let start = usize::try_from(start).ok()?;
                        source.get(start..start.checked_add(usize::try_from(len).ok()?)?)
                    });
                match text.and_then(json_number).or(parsed) {
                    Some(number) => Value::Number(number),
                    None => {
                        return Err(Error::new(
                            ErrorKind::Syntax,
                            format_args!(
                                "line {}, column {}: `{}` is infinite or not a number, which a \
                                 JSON document cannot hold; write a finite number",
                                defined.line(),
                                defined.column(),
                                text.unwrap_or("this number").trim()
                            ),
                        ));
                    }
                }
            }
            Node::Seq(items) => Value::Array(
                items
                    .into_iter()
                    .map(|item| item.into_json(source))
                    .collect::<Result<_, _>>()?,
            ),
            Node::Map(members) => {
                let mut object = Map::new();
                for (key, member) in members {
                    let at = member.0.referenced;
                    if object.contains_key(&key) {
                        return Err(Error::new(
                            ErrorKind::Syntax,
                            format_args!(
                                "line {}, column {}: key `{key}` is given twice in one mapping \
                                 (YAML keys such as `1` and `\"1\"` are one JSON key; give \
                                 each key once)",
                                at.line(),
                                at.column()
                            ),
                        ));
                    }
                    object.insert(key, member.into_json(source)?);
                }
                Value::Object(object)
            }
        })
    }
}

/// `text` as a JSON number, if it is one (a YAML `+` sign aside) or a YAML decimal that JSON
/// spells otherwise ([`json_decimal`]).
fn json_number(text: &str) -> Option<Number> {
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    Number::from_str(text)
        .ok()
        .or_else(|| Number::from_str(&json_decimal(text)?).ok())
}

/// A YAML 1.2 core-schema decimal (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`,
/// section 10.3.2) in JSON's spelling, digits unchanged: no leading zeros, a digit on each
/// side of the point. `None` when `text` is not such a decimal.
fn json_decimal(text: &str) -> Option<String> {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (mantissa, exponent) =
        unsigned.split_at(unsigned.find(['e', 'E']).unwrap_or(unsigned.len()));
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if !digits(whole)
        || !fraction.is_none_or(digits)
        || whole.is_empty() && fraction.is_none_or(str::is_empty)
    {
        return None;
    }
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    let fraction = match fraction {
        None => String::new(),
        Some("") => ".0".to_owned(),
        Some(fraction) => format!(".{fraction}"),
    };
    Some(format!("{sign}{whole}{fraction}{exponent}"))
}

/// `value` as YAML, with `serialize` (serde-saphyr with the caller's options), every number
/// exactly as its text says.
pub(crate) fn to_yaml_exact(
    value: &Value,
    serialize: impl Fn(&YamlView<'_>) -> Result<String, Error>,
) -> Result<String, Error> {
    let prefix = unused_prefix(value);
    let mut numbers = Vec::new();
    collect_inexact(value, &mut numbers);
    let view = YamlView {
        value,
        prefix: &prefix,
        counter: &std::cell::Cell::new(0),
    };
    let mut text = serialize(&view)?;
    // Placeholders end with `x`, so `…-1x` is never found inside `…-12x`.
    for (index, number) in numbers.iter().enumerate() {
        text = text.replacen(&format!("{prefix}{index}x"), number, 1);
    }
    Ok(text)
}

/// A placeholder prefix that no string of `value` contains.
fn unused_prefix(value: &Value) -> String {
    let whole = value.to_string();
    (0_u64..)
        .map(|nonce| format!("nodeconfig-number-{nonce}-"))
        .find(|prefix| !whole.contains(prefix.as_str()))
        .unwrap_or_default()
}

/// Whether serde-saphyr writes `number` as its text: a plain `u64`/`i64` integer.
fn written_as_is(number: &Number) -> Option<Result<u64, i64>> {
    let text = number.to_string();
    if let Some(unsigned) = number.as_u64().filter(|n| n.to_string() == text) {
        return Some(Ok(unsigned));
    }
    number.as_i64().filter(|n| n.to_string() == text).map(Err)
}

/// The text of every number [`written_as_is`] rejects, in the order [`YamlView`] meets them.
fn collect_inexact(value: &Value, numbers: &mut Vec<String>) {
    match value {
        Value::Number(number) if written_as_is(number).is_none() => {
            numbers.push(number.to_string());
        }
        Value::Array(items) => items.iter().for_each(|item| collect_inexact(item, numbers)),
        Value::Object(members) => members
            .values()
            .for_each(|member| collect_inexact(member, numbers)),
        _ => {}
    }
}

/// A JSON value serialized for YAML: numbers that serde-saphyr cannot write exactly become
/// numbered placeholder strings.
pub(crate) struct YamlView<'a> {
    value: &'a Value,
    prefix: &'a str,
    counter: &'a std::cell::Cell<usize>,
}

impl YamlView<'_> {
    fn child<'b>(&'b self, value: &'b Value) -> YamlView<'b> {
        YamlView {
            value,
            prefix: self.prefix,
            counter: self.counter,
        }
    }
}

impl Serialize for YamlView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(value) => serializer.serialize_bool(*value),
            Value::String(value) => serializer.serialize_str(value),
            Value::Number(number) => match written_as_is(number) {
                Some(Ok(unsigned)) => serializer.serialize_u64(unsigned),
                Some(Err(signed)) => serializer.serialize_i64(signed),
                None => {
                    let index = self.counter.get();
                    self.counter.set(index + 1);
                    serializer.serialize_str(&format!("{}{index}x", self.prefix))
                }
            },
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&self.child(item))?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, member) in members {
                    map.serialize_entry(key, &self.child(member))?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Value {
        let node: YamlNode = serde_saphyr::from_str(text).expect("valid YAML");
        node.into_json(text).expect("numbers JSON can hold")
    }

    #[test]
    fn numbers_beyond_u64_keep_their_text() {
        let value = read(
            "a: 18446744073709551616\nb: [123456789012345678901234567890, -18446744073709551615]\n\
             c: 0.1000000000000000055511151231257827\nd: -0\ne: 1e-400\nf: +5\ng: 0x1F\nh: '7'\n",
        );
        assert_eq!(
            value.to_string(),
            r#"{"a":18446744073709551616,"b":[123456789012345678901234567890,-18446744073709551615],"c":0.1000000000000000055511151231257827,"d":-0,"e":1e-400,"f":5,"g":31,"h":"7"}"#
        );
    }

    #[test]
    fn aliases_take_the_anchored_text() {
        let value = read("a: &big 18446744073709551616\nb: *big\n");
        assert_eq!(
            value.to_string(),
            r#"{"a":18446744073709551616,"b":18446744073709551616}"#
        );
    }
}
