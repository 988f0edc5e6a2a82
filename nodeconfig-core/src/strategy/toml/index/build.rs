//! Building an [`Index`] from `toml_parser`'s events, in one pass and without an event list.
//!
//! `toml_parser::parser::parse_document` checks the grammar and pushes events to a receiver;
//! the receiver here decodes each key and scalar as it comes (their errors are TOML's: bad
//! escapes, bad numbers, bad dates) and applies the table rules of TOML 1.1 ("Table",
//! "Inline Table", "Array of Tables") as the `toml` crate's document builder does. A grammar
//! error outranks a rule error wherever they are, as in the `toml` crate, which checks the
//! grammar of the whole document before it builds anything; after the first error nothing
//! more is built.

use std::borrow::Cow;
use std::cell::Cell;

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::EventReceiver;
use toml_parser::{ErrorSink, ParseError, Raw, Source, Span};

mod rules;

use super::plain::{plain, plain_comment};
use super::{Array, Data, Index, Kind, NONE, Node, ROOT, TableId, float_value};

/// The nesting limit of arrays, inline tables and dotted keys (the `toml` crate's).
const DEPTH_LIMIT: u32 = 80;

/// A parse error: the byte offset it points at and the reason.
pub(in crate::strategy::toml) struct ParseFailure {
    pub(in crate::strategy::toml) offset: usize,
    pub(in crate::strategy::toml) reason: String,
}

/// Parses `text` into its [`Index`], or returns the first error.
pub(in crate::strategy::toml) fn parse(text: &str) -> Result<Index<'_>, ParseFailure> {
    // Offsets are `u32`, with `u32::MAX` kept as "none".
    if text.len() >= NONE as usize {
        return Err(ParseFailure {
            offset: 0,
            reason: "document too large: the TOML merge reads documents under 4 GiB; split it into layers"
                .to_owned(),
        });
    }
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let failed = Cell::new(false);
    let mut grammar = GrammarErrors {
        first: None,
        failed: &failed,
    };
    let mut builder = Builder {
        index: Index::new(text),
        failed: &failed,
        error: None,
        number_error: None,
        keys: Vec::new(),
        contexts: vec![Context::Table {
            table: ROOT,
            keys_from: 0,
            open: 0,
            inline: false,
        }],
        pending: Vec::new(),
        header: None,
        depth: 0,
    };
    toml_parser::parser::parse_document(&tokens, &mut builder, &mut grammar);
    let error = grammar.first.or(builder.error).or(builder.number_error);
    match error {
        Some(error) => Err(failure(&error)),
        None => Ok(builder.index),
    }
}

/// The reason as the `toml` crate words it: the description, then what was expected.
fn failure(error: &ParseError) -> ParseFailure {
    let mut reason = error.description().to_owned();
    if let Some(expected) = error.expected() {
        reason.push_str(", expected ");
        if expected.is_empty() {
            reason.push_str("nothing");
        }
        for (index, expected) in expected.iter().enumerate() {
            if index > 0 {
                reason.push_str(", ");
            }
            match expected {
                toml_parser::Expected::Literal("\n") => reason.push_str("newline"),
                toml_parser::Expected::Literal("`") => reason.push_str("'`'"),
                toml_parser::Expected::Literal(literal)
                    if literal.chars().all(|c| c.is_ascii_control()) =>
                {
                    reason.push_str(&format!("`{}`", literal.escape_debug()));
                }
                toml_parser::Expected::Literal(literal) => {
                    reason.push_str(&format!("`{literal}`"));
                }
                toml_parser::Expected::Description(description) => reason.push_str(description),
                _ => reason.push_str("etc"),
            }
        }
    }
    let offset = error.unexpected().map_or(0, |span| span.start());
    ParseFailure { offset, reason }
}

/// Keeps the first grammar error and tells the builder to stop.
struct GrammarErrors<'f> {
    first: Option<ParseError>,
    failed: &'f Cell<bool>,
}

impl ErrorSink for GrammarErrors<'_> {
    fn report_error(&mut self, error: ParseError) {
        self.failed.set(true);
        self.first.get_or_insert(error);
    }
}

/// A key segment being read: where its decoded text is (as in [`Entry`]) and its span.
#[derive(Clone, Copy)]
struct Key {
    name_start: u32,
    name_end: u32,
    name_len: u32,
    start: u32,
    end: u32,
}

/// Where a finished value goes.
enum Context {
    /// The document's current table or an inline table; its key starts at `keys[keys_from]`.
    Table {
        table: TableId,
        keys_from: usize,
        open: u32,
        inline: bool,
    },
    /// An open array, whose values so far are `pending[from..]`.
    Array { from: usize, open: u32 },
}

struct Builder<'i, 'f> {
    index: Index<'i>,
    failed: &'f Cell<bool>,
    /// The first error of decoding or of the table rules.
    error: Option<ParseError>,
    /// The first number out of range (the `toml` crate finds those last, on deserialising).
    number_error: Option<ParseError>,
    keys: Vec<Key>,
    contexts: Vec<Context>,
    pending: Vec<Node>,
    /// Inside `[...]` or `[[...]]`: whether an array of tables, and where it opened.
    header: Option<(bool, u32)>,
    /// How many arrays and inline tables are open (what `toml_parser`'s `RecursionGuard`
    /// counts, done here to spare a layer of calls per event).
    depth: u32,
}

impl<'i> Builder<'i, '_> {
    /// Whether events are still worth reading: no error so far.
    fn live(&self) -> bool {
        !self.failed.get() && self.error.is_none()
    }

    fn fail(&mut self, error: ParseError) {
        self.error.get_or_insert(error);
    }

    fn raw(&self, span: Span, encoding: Option<Encoding>) -> Raw<'i> {
        Raw::new_unchecked(&self.index.text[span.start()..span.end()], encoding, span)
    }

    /// A value is complete: it goes into the open array or under the key just read.
    fn complete(&mut self, node: Node) {
        let Some(context) = self.contexts.last() else {
            return self.fail(ParseError::new("unexpected value"));
        };
        match *context {
            Context::Array { .. } => self.pending.push(node),
            Context::Table {
                table,
                keys_from,
                inline,
                ..
            } => {
                if self.keys.len() <= keys_from {
                    return self.fail(ParseError::new("missing key"));
                }
                self.insert(table, keys_from, inline, node);
                self.keys.truncate(keys_from);
            }
        }
    }

    /// One more array or inline table open: past [`DEPTH_LIMIT`], a grammar error, and the
    /// parser skips what it holds.
    fn enter(&mut self, span: Span, error: &mut dyn ErrorSink) -> bool {
        self.depth += 1;
        if self.depth > DEPTH_LIMIT {
            error.report_error(
                ParseError::new("cannot recurse further; max recursion depth met")
                    .with_unexpected(span),
            );
            return false;
        }
        true
    }

    /// Decodes and checks a scalar; numbers must also fit (TOML 1.1, "Integer", "Float").
    fn scalar_node(&mut self, span: Span, encoding: Option<Encoding>) -> Node {
        let raw = self.raw(span, encoding);
        let kind = if encoding.is_some() && plain(raw.as_str(), encoding).is_some() {
            ScalarKind::String
        } else if encoding.is_some() {
            raw.decode_scalar(&mut (), &mut self.error)
        } else {
            let mut decoded = Cow::Borrowed("");
            let kind = raw.decode_scalar(&mut decoded, &mut self.error);
            self.check_scalar(kind, &decoded, span);
            kind
        };
        Node {
            start: span.start() as u32,
            end: span.end() as u32,
            kind: Kind::Value,
            data: Data::Scalar(encoding, kind),
        }
    }

    fn check_scalar(&mut self, kind: ScalarKind, decoded: &str, span: Span) {
        let reason = match kind {
            ScalarKind::Integer(radix) if i64::from_str_radix(decoded, radix.value()).is_err() => {
                "integer number overflowed"
            }
            ScalarKind::Float if float_value(decoded).is_none() => "float number overflowed",
            ScalarKind::DateTime => {
                if let Err(error) = decoded.parse::<toml::value::Datetime>() {
                    self.fail(ParseError::new(error.to_string()).with_unexpected(span));
                }
                return;
            }
            _ => return,
        };
        self.number_error
            .get_or_insert(ParseError::new(reason).with_unexpected(span));
    }
}

impl<'i> EventReceiver for Builder<'i, '_> {
    fn std_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.keys.clear();
        self.header = Some((false, span.start() as u32));
    }

    fn std_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        if let (true, Some((is_array, start))) = (self.live(), self.header.take()) {
            self.define(is_array, start, span.end() as u32);
        }
    }

    fn array_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.keys.clear();
        self.header = Some((true, span.start() as u32));
    }

    fn array_table_close(&mut self, span: Span, error: &mut dyn ErrorSink) {
        self.std_table_close(span, error);
    }

    fn inline_table_open(&mut self, span: Span, error: &mut dyn ErrorSink) -> bool {
        if !self.enter(span, error) {
            return false;
        }
        if self.live() {
            let table = self.index.new_table(false, false, true);
            self.contexts.push(Context::Table {
                table,
                keys_from: self.keys.len(),
                open: span.start() as u32,
                inline: true,
            });
        }
        true
    }

    fn inline_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.depth = self.depth.saturating_sub(1);
        if !self.live() {
            return;
        }
        match self.contexts.pop() {
            Some(Context::Table {
                table,
                open,
                inline: true,
                ..
            }) => self.complete(Node {
                start: open,
                end: span.end() as u32,
                kind: Kind::Inline,
                data: Data::Table(table),
            }),
            _ => self.fail(ParseError::new("unexpected `}`").with_unexpected(span)),
        }
    }

    fn array_open(&mut self, span: Span, error: &mut dyn ErrorSink) -> bool {
        if !self.enter(span, error) {
            return false;
        }
        if self.live() {
            self.contexts.push(Context::Array {
                from: self.pending.len(),
                open: span.start() as u32,
            });
        }
        true
    }

    fn array_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.depth = self.depth.saturating_sub(1);
        if !self.live() {
            return;
        }
        let Some(Context::Array { from, open }) = self.contexts.pop() else {
            return self.fail(ParseError::new("unexpected `]`").with_unexpected(span));
        };
        let index = &mut self.index;
        let start = index.items.len() as u32;
        index.items.extend(self.pending.drain(from..));
        let len = index.items.len() as u32 - start;
        let array = index.arrays.len() as u32;
        index.arrays.push(Array::Static { start, len });
        self.complete(Node {
            start: open,
            end: span.end() as u32,
            kind: Kind::Value,
            data: Data::Array(array),
        });
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        if !self.live() {
            return;
        }
        let raw = self.raw(span, encoding);
        let (start, end) = (span.start() as u32, span.end() as u32);
        let (name_start, name_end, name_len) = match plain(raw.as_str(), encoding) {
            Some(name) => {
                // The text itself, or between its quotes.
                let name_start = start + u32::from(encoding.is_some());
                let name_len = name.len() as u32;
                (name_start, name_start + name_len, name_len)
            }
            None => {
                let mut name = Cow::Borrowed("");
                raw.decode_key(&mut name, &mut self.error);
                let name_len = name.len() as u32;
                self.index.owned.push(name.into());
                (NONE, self.index.owned.len() as u32 - 1, name_len)
            }
        };
        self.keys.push(Key {
            name_start,
            name_end,
            name_len,
            start,
            end,
        });
    }

    /// Comments and line breaks are checked here (what `toml_parser`'s `ValidateWhitespace`
    /// does), as grammar errors.
    fn comment(&mut self, span: Span, error: &mut dyn ErrorSink) {
        let raw = self.raw(span, None);
        if !plain_comment(raw.as_str()) {
            raw.decode_comment(error);
        }
    }

    fn newline(&mut self, span: Span, error: &mut dyn ErrorSink) {
        self.raw(span, None).decode_newline(error);
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        if !self.live() {
            return;
        }
        let node = self.scalar_node(span, encoding);
        if self.live() {
            self.complete(node);
        }
    }
}
