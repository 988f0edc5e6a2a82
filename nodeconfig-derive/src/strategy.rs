//! The strategy table: everything the derive knows about each `strategy = "..."`, one entry
//! each. Parsing (`attr.rs`), checking (`valid.rs`), suggestions (`suggest.rs`), field code
//! (`field.rs`), bounds (`generics.rs`), tracing (`trace.rs`) and the error stub (`fallback.rs`)
//! all read [`TABLE`]; none of them matches on a strategy's name.
//!
//! Adding a strategy: one [`Def`] here (and its variant in [`Strategy`]), one file in
//! `nodeconfig-core/src/strategy/` with its trait.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use syn::Ident;

use crate::ty::Shape;

/// A built-in strategy named by `strategy = "..."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strategy {
    Replace,
    Keep,
    Append,
    JsonDeep,
    /// JSON merge patches merged into one patch, deletions kept.
    MergePatch,
    TomlDeep,
    /// Sets: earlier items, then later items not already present.
    Union,
    Keyed,
}

/// One strategy, as every stage of the derive sees it.
pub(crate) struct Def {
    pub(crate) strategy: Strategy,
    /// The name in `strategy = "..."`.
    pub(crate) name: &'static str,
    /// Words people reach for when they mean this strategy ("did you mean").
    pub(crate) synonyms: &'static [&'static str],
    /// The types it merges, as far as the derive can see them.
    pub(crate) fits: Fits,
    /// Offered in "use ..." lists to fields of a shape it fits (`keyed` needs a key too).
    pub(crate) suggested: bool,
    /// How it merges: free functions, or a core trait.
    pub(crate) merge: Merge,
    /// With `list_key(...)` on the field: the trait used instead (JSON list items by key).
    pub(crate) list_key: Option<&'static TraitDef>,
}

/// The types a strategy fits.
pub(crate) enum Fits {
    /// Every type (`replace`, `keep`).
    Any,
    /// These shapes (and types the derive cannot see through), with the words for them in
    /// "strategy `x` cannot merge `T`: it takes {takes}".
    Shapes {
        shapes: &'static [Shape],
        takes: &'static str,
    },
}

/// How a strategy's generated calls look.
pub(crate) enum Merge {
    /// `core::strategy::<name>` (or `<name>_option` on an `Option` field) and its trace in
    /// `core::__private::trace`; no bound, no prepare step, cannot fail.
    Function {
        plain: FunctionDef,
        option: FunctionDef,
    },
    /// A trait of the core, called as `<Ty as Trait>::method`.
    Trait(&'static TraitDef),
}

/// The functions of a [`Merge::Function`] strategy for one kind of field.
pub(crate) struct FunctionDef {
    /// `core::strategy::{apply}(existing, incoming)`.
    pub(crate) apply: &'static str,
    /// `core::__private::trace::{trace}([existing,] [incoming,] tracer)`.
    pub(crate) trace: &'static str,
    pub(crate) trace_existing: bool,
    pub(crate) trace_incoming: bool,
}

/// A core trait that implements a strategy (or `DeepMerge` itself, for fields without one).
pub(crate) struct TraitDef {
    /// Its path below the core crate, `::`-separated.
    pub(crate) path: &'static str,
    /// The prepare step (`NEEDS_PREPARE`, prepare against the existing value, check a value that
    /// lands where nothing was), if the strategy has one.
    pub(crate) prepare: Option<PrepareDef>,
    /// The apply method.
    pub(crate) apply: &'static str,
    /// Whether the apply method returns a `Result` (else it cannot fail).
    pub(crate) apply_fallible: bool,
    /// The trace: `<Ty as Trait>::{trace}(existing, incoming, [argument,] tracer)`.
    pub(crate) trace: &'static str,
    /// The extra argument every call takes.
    pub(crate) argument: Argument,
}

/// The prepare methods of a [`TraitDef`].
pub(crate) struct PrepareDef {
    pub(crate) prepare: &'static str,
    pub(crate) check_new: &'static str,
}

/// The extra argument of a strategy's calls.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Argument {
    None,
    /// `key = "..."`: the `ItemKey` of a `keyed` list; the bound names the item type.
    ItemKey,
    /// `list_key(...)`: the `ListKeys` of a JSON document.
    ListKeys,
}

const DOCUMENTS: &[Shape] = &[Shape::Json, Shape::Document];
const JSON_TAKES: &str =
    "`serde_json::Value`, `serde_json::Map` and string-keyed maps of JSON values";

/// `DeepMerge` itself: the merge of a field with no strategy.
pub(crate) static DEEP_MERGE: TraitDef = TraitDef {
    path: "DeepMerge",
    prepare: Some(PrepareDef {
        prepare: "prepare_merge",
        check_new: "check_new",
    }),
    apply: "apply_merge",
    apply_fallible: true,
    trace: "trace_merge",
    argument: Argument::None,
};

static JSON_KEYED: TraitDef = TraitDef {
    path: "strategy::json::JsonKeyed",
    prepare: Some(PrepareDef {
        prepare: "prepare_json_keyed",
        check_new: "check_new_json_keyed",
    }),
    apply: "apply_json_keyed",
    apply_fallible: false,
    trace: "trace_json_keyed",
    argument: Argument::ListKeys,
};

static MERGE_PATCH_KEYED: TraitDef = TraitDef {
    path: "strategy::json::MergePatchKeyed",
    prepare: Some(PrepareDef {
        prepare: "prepare_merge_patch_keyed",
        check_new: "check_new_merge_patch_keyed",
    }),
    apply: "apply_merge_patch_keyed",
    apply_fallible: false,
    trace: "trace_merge_patch_keyed",
    argument: Argument::ListKeys,
};

/// Every strategy, in the order messages list them.
pub(crate) static TABLE: &[Def] = &[
    Def {
        strategy: Strategy::Replace,
        name: "replace",
        synonyms: &["override", "overwrite", "last"],
        fits: Fits::Any,
        suggested: true,
        merge: Merge::Function {
            plain: FunctionDef {
                apply: "replace",
                trace: "replace",
                trace_existing: false,
                trace_incoming: false,
            },
            option: FunctionDef {
                apply: "replace_option",
                trace: "replace_option",
                trace_existing: false,
                trace_incoming: true,
            },
        },
        list_key: None,
    },
    Def {
        strategy: Strategy::Keep,
        name: "keep",
        synonyms: &["first", "preserve"],
        fits: Fits::Any,
        suggested: true,
        merge: Merge::Function {
            plain: FunctionDef {
                apply: "keep",
                trace: "keep",
                trace_existing: true,
                trace_incoming: false,
            },
            option: FunctionDef {
                apply: "keep_option",
                trace: "keep_option",
                trace_existing: true,
                trace_incoming: true,
            },
        },
        list_key: None,
    },
    Def {
        strategy: Strategy::Append,
        name: "append",
        synonyms: &["concat", "extend", "push"],
        fits: Fits::Shapes {
            shapes: &[Shape::List],
            takes: "`Vec<T>`, `VecDeque<T>` and `LinkedList<T>`",
        },
        suggested: true,
        merge: Merge::Trait(&TraitDef {
            path: "strategy::Append",
            prepare: None,
            apply: "apply_append",
            apply_fallible: false,
            trace: "trace_append",
            argument: Argument::None,
        }),
        list_key: None,
    },
    Def {
        strategy: Strategy::JsonDeep,
        name: "json_deep",
        synonyms: &["json"],
        fits: Fits::Shapes {
            shapes: DOCUMENTS,
            takes: JSON_TAKES,
        },
        suggested: true,
        merge: Merge::Trait(&TraitDef {
            path: "strategy::JsonDeep",
            prepare: Some(PrepareDef {
                prepare: "prepare_json_deep",
                check_new: "check_new_json_deep",
            }),
            apply: "apply_json_deep",
            apply_fallible: false,
            trace: "trace_json_deep",
            argument: Argument::None,
        }),
        list_key: Some(&JSON_KEYED),
    },
    Def {
        strategy: Strategy::MergePatch,
        name: "merge_patch",
        synonyms: &[],
        fits: Fits::Shapes {
            shapes: DOCUMENTS,
            takes: JSON_TAKES,
        },
        suggested: true,
        merge: Merge::Trait(&TraitDef {
            path: "strategy::MergePatch",
            prepare: Some(PrepareDef {
                prepare: "prepare_merge_patch",
                check_new: "check_new_merge_patch",
            }),
            apply: "apply_merge_patch",
            apply_fallible: false,
            trace: "trace_merge_patch",
            argument: Argument::None,
        }),
        list_key: Some(&MERGE_PATCH_KEYED),
    },
    Def {
        strategy: Strategy::TomlDeep,
        name: "toml_deep",
        synonyms: &["toml"],
        fits: Fits::Shapes {
            shapes: &[Shape::Toml, Shape::Document, Shape::Text],
            takes: "`String` (TOML text), `toml::Table` and `toml::Value`",
        },
        suggested: true,
        merge: Merge::Trait(&TraitDef {
            path: "strategy::TomlDeep",
            prepare: Some(PrepareDef {
                prepare: "prepare_toml_deep",
                check_new: "check_new_toml_deep",
            }),
            apply: "apply_toml_deep",
            apply_fallible: false,
            trace: "trace_toml_deep",
            argument: Argument::None,
        }),
        list_key: None,
    },
    Def {
        strategy: Strategy::Union,
        name: "union",
        synonyms: &[],
        fits: Fits::Shapes {
            shapes: &[Shape::Set],
            takes: "`BTreeSet<T>`, `HashSet<T>` and `IndexSet<T>`",
        },
        suggested: true,
        merge: Merge::Trait(&TraitDef {
            path: "strategy::Union",
            prepare: None,
            apply: "apply_union",
            apply_fallible: false,
            trace: "trace_union",
            argument: Argument::None,
        }),
        list_key: None,
    },
    Def {
        strategy: Strategy::Keyed,
        name: "keyed",
        synonyms: &[],
        fits: Fits::Shapes {
            shapes: &[Shape::List],
            takes: "`Vec<T>` and `VecDeque<T>` of records",
        },
        suggested: false,
        merge: Merge::Trait(&TraitDef {
            path: "strategy::Keyed",
            prepare: Some(PrepareDef {
                prepare: "prepare_keyed",
                check_new: "check_new_keyed",
            }),
            apply: "apply_keyed",
            apply_fallible: true,
            trace: "trace_keyed",
            argument: Argument::ItemKey,
        }),
        list_key: None,
    },
];

impl Strategy {
    /// The strategy named `name` in `strategy = "..."`.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        TABLE
            .iter()
            .find(|def| def.name == name)
            .map(|def| def.strategy)
    }

    /// Its entry in [`TABLE`].
    pub(crate) fn def(self) -> &'static Def {
        TABLE
            .iter()
            .find(|def| def.strategy == self)
            .expect("every strategy has an entry in TABLE")
    }
}

impl Def {
    /// Whether it merges a field of this shape (types the derive cannot see are left to the
    /// trait bounds).
    pub(crate) fn fits(&self, shape: Shape) -> bool {
        match &self.fits {
            Fits::Any => true,
            Fits::Shapes { shapes, .. } => shape == Shape::Unknown || shapes.contains(&shape),
        }
    }
}

/// Every strategy's name, in table order.
pub(crate) fn names() -> Vec<&'static str> {
    TABLE.iter().map(|def| def.name).collect()
}

/// `(synonym, strategy name)` for "did you mean".
pub(crate) fn synonyms() -> Vec<(&'static str, &'static str)> {
    TABLE
        .iter()
        .flat_map(|def| def.synonyms.iter().map(move |word| (*word, def.name)))
        .collect()
}

/// The strategies offered to a field of this shape: those made for it, then those that fit
/// anything.
pub(crate) fn fitting(shape: Shape) -> Vec<&'static str> {
    let offered = |def: &&Def| def.suggested;
    let specific = TABLE
        .iter()
        .filter(offered)
        .filter(|def| matches!(&def.fits, Fits::Shapes { shapes, .. } if shapes.contains(&shape)));
    let general = TABLE
        .iter()
        .filter(offered)
        .filter(|def| matches!(def.fits, Fits::Any));
    specific.chain(general).map(|def| def.name).collect()
}

impl TraitDef {
    /// `krate::path::to::Trait`, its own tokens at `span`.
    pub(crate) fn path(&self, krate: &syn::Path, span: Span) -> TokenStream {
        let segments = self.path.split("::").map(|name| Ident::new(name, span));
        quote_spanned!(span=> #krate #(::#segments)*)
    }
}

/// A method or function name as an identifier at the macro's call site.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests;
