//! What the derive can tell about a field's type from its spelling alone.
//!
//! Type aliases and user types are invisible here; for those the trait bounds in the generated
//! code (with `#[diagnostic::on_unimplemented]`) give the error instead.

use syn::{GenericArgument, PathArguments, Type};

/// The kinds of types that have no default merge, as the derive sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `Vec`, `VecDeque`, `LinkedList`: `append` or `replace`.
    List,
    /// `HashSet`, `BTreeSet`, `IndexSet`: `union`, `replace` or `keep`.
    Set,
    /// `BinaryHeap`: a collection with no strategy of its own, `replace` or `keep`.
    Heap,
    /// A `Box` around a list, set or document whose strategy does not see through the box
    /// (`Box<serde_json::Value>`): `replace` or `keep`, or unbox it.
    BoxedDocument,
    /// `serde_json::Value`, `serde_json::Map`, or a string-keyed map of JSON values.
    Json,
    /// `toml::Table`, `toml::Value`.
    Toml,
    /// A bare `Value`, `Map` or `Table`: some document; which one the derive can't tell.
    Document,
    /// A map whose values have no default merge (`HashMap<String, Vec<T>>`).
    MapOfUnmergeable,
    /// `String`: the one text type `toml_deep` accepts.
    Text,
    /// Scalars and other atoms with a default merge.
    Scalar,
    /// Anything else: a user type, alias, or generic parameter.
    Unknown,
}

impl Shape {
    /// How to fix a field of this shape that has no strategy, in rustc's voice.
    pub(crate) fn advice(self) -> &'static str {
        match self {
            Shape::List => {
                "add `#[merge(strategy = \"append\")]` to concatenate the layers' items, or `#[merge(strategy = \"replace\")]` to take the later list"
            }
            Shape::Json => {
                "add `#[merge(strategy = \"json_deep\")]` to merge it key by key (RFC 7396), or `#[merge(strategy = \"replace\")]` to take the later document"
            }
            Shape::Toml => {
                "add `#[merge(strategy = \"toml_deep\")]` to merge it table by table, or `#[merge(strategy = \"replace\")]` to take the later document"
            }
            Shape::Document => {
                "add `#[merge(strategy = \"json_deep\")]` or `#[merge(strategy = \"toml_deep\")]` to merge it key by key, or `#[merge(strategy = \"replace\")]` to take the later document"
            }
            Shape::Set => {
                "add `#[merge(strategy = \"union\")]` to keep every layer's items, or `#[merge(strategy = \"replace\")]` to take the later set"
            }
            Shape::BoxedDocument => {
                "add `#[merge(strategy = \"replace\")]` to take the later document, or remove the `Box` to merge it with `json_deep` or `toml_deep`"
            }
            Shape::Heap | Shape::MapOfUnmergeable => {
                "add `#[merge(strategy = \"replace\")]` to take the later value, or `#[merge(with = \"path::to::fn\")]` to merge it your way"
            }
            Shape::Text | Shape::Scalar | Shape::Unknown => {
                "add `#[merge(strategy = \"replace\")]` or `#[merge(strategy = \"keep\")]`"
            }
        }
    }

    /// What to call it in a message: "field `x` is {describe}".
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Shape::List => "a list with no default merge",
            Shape::Set => "a set with no default merge",
            Shape::Heap => "a heap with no default merge",
            Shape::BoxedDocument => "a boxed document with no default merge",
            Shape::Json => "a JSON document with no default merge",
            Shape::Toml => "a TOML document with no default merge",
            Shape::Document => "a document with no default merge",
            Shape::MapOfUnmergeable => "a map whose values have no default merge",
            Shape::Text => "a string",
            Shape::Scalar => "a scalar",
            Shape::Unknown => "a value",
        }
    }

    /// Whether a field of this shape needs a strategy (no `DeepMerge` impl exists).
    pub(crate) fn lacks_default_merge(self) -> bool {
        matches!(
            self,
            Shape::List
                | Shape::Set
                | Shape::Heap
                | Shape::BoxedDocument
                | Shape::Json
                | Shape::Toml
                | Shape::Document
                | Shape::MapOfUnmergeable
        )
    }
}

/// The type as a user wrote it, for messages: `Vec<String>`, not `Vec < String >`.
pub(crate) fn display(ty: &Type) -> String {
    let spaced = quote::ToTokens::to_token_stream(ty).to_string();
    let mut out = String::with_capacity(spaced.len());
    let mut chars = spaced.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let prev = out.chars().last();
        let glue = c == ' '
            && (matches!(next, Some('<' | '>' | ',' | ':'))
                || matches!(prev, Some('<' | ':' | '&')));
        if !glue {
            out.push(c);
        }
    }
    out
}

/// The last path segment of a type and its generic arguments, if the type is a path.
fn last_segment(ty: &Type) -> Option<(&syn::Path, &syn::PathSegment)> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .map(|segment| (&path.path, segment)),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

fn type_arguments(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// If the type is spelled `Option<T>`, its `T`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let (_, segment) = last_segment(ty)?;
    if segment.ident != "Option" {
        return None;
    }
    match type_arguments(segment).as_slice() {
        [inner] => Some(inner),
        _ => None,
    }
}

/// `T` of `Vec<T>` or `VecDeque<T>`, looking through one `Option`: the item type of a `keyed`
/// list, named as written so that it needs no normalizing in a generic impl.
pub(crate) fn list_item(ty: &Type) -> Option<&Type> {
    let list = option_inner(ty).unwrap_or(ty);
    let (_, segment) = last_segment(list)?;
    match (
        segment.ident.to_string().as_str(),
        type_arguments(segment).as_slice(),
    ) {
        ("Vec" | "VecDeque", [item]) => Some(item),
        _ => None,
    }
}

/// The shape of the type itself, looking through `Option` and `Box`.
pub(crate) fn shape(ty: &Type) -> Shape {
    let Some((path, segment)) = last_segment(ty) else {
        return Shape::Unknown;
    };
    let crate_name =
        (path.segments.len() > 1).then(|| path.segments[path.segments.len() - 2].ident.to_string());
    let args = type_arguments(segment);
    match (
        segment.ident.to_string().as_str(),
        crate_name.as_deref(),
        args.as_slice(),
    ) {
        ("Option", _, [inner]) => shape(inner),
        // `append` and `union` see through a `Box`; the document strategies do not.
        ("Box", _, [inner]) => match shape(inner) {
            Shape::Json | Shape::Toml | Shape::Document => Shape::BoxedDocument,
            inner => inner,
        },
        ("Vec" | "VecDeque" | "LinkedList", _, _) => Shape::List,
        ("HashSet" | "BTreeSet" | "IndexSet", _, _) => Shape::Set,
        ("BinaryHeap", _, _) => Shape::Heap,
        ("Value" | "Map", Some("serde_json"), _) => Shape::Json,
        ("Value" | "Table", Some("toml"), _) => Shape::Toml,
        ("Value" | "Map" | "Table" | "JsonValue" | "TomlValue", None, []) => Shape::Document,
        ("Map", None, _) => Shape::Json,
        ("BTreeMap" | "HashMap" | "IndexMap", _, [key, value]) => {
            match (is_string(key), shape(value)) {
                (true, Shape::Json | Shape::Document) => Shape::Json,
                // A map whose values lack a default merge lacks one too: replace or keep it.
                (_, value) if value.lacks_default_merge() => Shape::MapOfUnmergeable,
                _ => Shape::Unknown,
            }
        }
        ("String", _, []) => Shape::Text,
        (scalar, _, []) if is_scalar(scalar) => Shape::Scalar,
        _ => Shape::Unknown,
    }
}

fn is_string(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|(_, segment)| segment.ident == "String")
}

fn is_scalar(name: &str) -> bool {
    matches!(
        name,
        "bool"
            | "char"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
            | "PathBuf"
            | "Duration"
            | "IpAddr"
            | "Ipv4Addr"
            | "Ipv6Addr"
            | "SocketAddr"
    )
}

#[cfg(test)]
mod tests {
    use super::{Shape, option_inner, shape};
    use syn::parse_quote;

    #[test]
    fn shapes_follow_the_spelling() {
        assert_eq!(shape(&parse_quote!(Vec<String>)), Shape::List);
        assert_eq!(
            shape(&parse_quote!(Option<std::collections::VecDeque<u8>>)),
            Shape::List
        );
        assert_eq!(shape(&parse_quote!(serde_json::Value)), Shape::Json);
        assert_eq!(
            shape(&parse_quote!(BTreeMap<String, serde_json::Value>)),
            Shape::Json
        );
        assert_eq!(shape(&parse_quote!(toml::Table)), Shape::Toml);
        assert_eq!(shape(&parse_quote!(Value)), Shape::Document);
        assert_eq!(
            shape(&parse_quote!(HashMap<String, Vec<u8>>)),
            Shape::MapOfUnmergeable
        );
        assert_eq!(shape(&parse_quote!(BTreeMap<String, u8>)), Shape::Unknown);
        assert_eq!(shape(&parse_quote!(Option<String>)), Shape::Text);
        assert_eq!(shape(&parse_quote!(u32)), Shape::Scalar);
        assert_eq!(shape(&parse_quote!(Option<Box<Vec<String>>>)), Shape::List);
        assert_eq!(
            shape(&parse_quote!(Box<serde_json::Value>)),
            Shape::BoxedDocument
        );
        assert_eq!(shape(&parse_quote!(BTreeSet<String>)), Shape::Set);
        assert_eq!(shape(&parse_quote!(MyConfig)), Shape::Unknown);
        assert!(option_inner(&parse_quote!(Option<u8>)).is_some());
        let ty = parse_quote!(Option<std::collections::BTreeMap<String, Vec<u8>>>);
        assert_eq!(
            super::display(&ty),
            "Option<std::collections::BTreeMap<String, Vec<u8>>>"
        );
        assert!(option_inner(&parse_quote!(Vec<u8>)).is_none());
    }
}
