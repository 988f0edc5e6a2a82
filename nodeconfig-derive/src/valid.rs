//! Rules that span several attributes or need the field's type: one function per rule.

use crate::ast::{Field, Input};
use crate::attr::Strategy;
use crate::errors::Errors;
use crate::ty::{self, Shape};

pub(crate) fn check(input: &Input, errors: &mut Errors) {
    let fields: Box<dyn Iterator<Item = &Field>> = match input {
        Input::Struct(data) => Box::new(data.fields.iter()),
        Input::Enum(data) => Box::new(data.variants.iter().flat_map(|variant| &variant.fields)),
    };
    for field in fields {
        one_way_to_merge(field, errors);
        strategy_fits_type(field, errors);
        document_fields_choose_a_strategy(field, errors);
    }
}

/// `skip`, `strategy` and `with` each say how the field merges, so at most one may be given.
fn one_way_to_merge(field: &Field, errors: &mut Errors) {
    let attrs = &field.attrs;
    let given = [
        attrs.skip.as_ref().map(|skip| ("skip", skip.span)),
        attrs
            .strategy
            .as_ref()
            .map(|strategy| ("strategy", strategy.span)),
        attrs.with.as_ref().map(|with| ("with", with.span)),
    ];
    let mut given = given.into_iter().flatten();
    let Some((first, _)) = given.next() else {
        return;
    };
    for (other, span) in given {
        let message = if first == "skip" {
            format!(
                "`skip` cannot be combined with `{other}`: a skipped field keeps its earlier value; remove `{other}` or `skip`"
            )
        } else {
            format!(
                "`{other}` cannot be combined with `{first}`: each says how the field merges; keep one of them"
            )
        };
        errors.push(syn::Error::new(span, message));
    }
}

/// A strategy on a type it visibly cannot merge (`append` on a `String`) is caught here with
/// a message that names what fits; types the derive can't see through are left to the
/// strategy traits' bounds.
fn strategy_fits_type(field: &Field, errors: &mut Errors) {
    let Some(strategy) = &field.attrs.strategy else {
        return;
    };
    let shape = ty::shape(field.ty);
    let fits = match strategy.value {
        Strategy::Replace | Strategy::Keep => true,
        Strategy::Append => matches!(shape, Shape::List | Shape::Unknown),
        Strategy::JsonDeep | Strategy::MergePatch => {
            matches!(shape, Shape::Json | Shape::Document | Shape::Unknown)
        }
        Strategy::TomlDeep => {
            matches!(
                shape,
                Shape::Toml | Shape::Document | Shape::Text | Shape::Unknown
            )
        }
    };
    if !fits {
        let name = strategy.value.name();
        let ty = ty::display(field.ty);
        let accepted = match strategy.value {
            Strategy::Append => "`Vec<T>` and `VecDeque<T>`",
            Strategy::JsonDeep | Strategy::MergePatch => {
                "`serde_json::Value`, `serde_json::Map` and string-keyed maps of JSON values"
            }
            _ => "`String` (TOML text), `toml::Table` and `toml::Value`",
        };
        // `toml_deep` fits a `String` only if it holds a TOML document: say so, rather than
        // offering it to someone who wanted to append to a name.
        let instead = match shape {
            Shape::Text => {
                "`replace` or `keep` (or `toml_deep` if it holds a TOML document)".to_owned()
            }
            _ => or_list(shape.fitting_strategies()),
        };
        errors.push(syn::Error::new(
            strategy.span,
            format!("strategy `{name}` cannot merge `{ty}`: it takes {accepted}; use {instead}"),
        ));
    }
}

/// The guard against the bug this crate exists for: a list or document field with no
/// strategy does not compile, and the error sits on the field and names the strategies that fit.
fn document_fields_choose_a_strategy(field: &Field, errors: &mut Errors) {
    let attrs = &field.attrs;
    if attrs.strategy.is_some() || attrs.with.is_some() || attrs.skip.is_some() || attrs.attr_error
    {
        return;
    }
    let shape = ty::shape(field.ty);
    if !shape.lacks_default_merge() {
        return;
    }
    let name = match &field.member {
        syn::Member::Named(ident) => format!("field `{ident}`"),
        syn::Member::Unnamed(index) => format!("field `{}`", index.index),
    };
    errors.error_spanned_by(
        field.ty,
        format!(
            "{name} is {} with no default merge: {}",
            shape.describe(),
            shape.advice()
        ),
    );
}

/// "`a`, `b` or `c`".
fn or_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
