//! serde's `rename_all` rules, so that error paths use the names users write in documents.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    /// Every case name serde accepts, as written in `rename_all = "..."`.
    pub(crate) const NAMES: &'static [&'static str] = &[
        "lowercase",
        "UPPERCASE",
        "PascalCase",
        "camelCase",
        "snake_case",
        "SCREAMING_SNAKE_CASE",
        "kebab-case",
        "SCREAMING-KEBAB-CASE",
    ];

    pub(crate) fn from_str(rule: &str) -> Option<Self> {
        Some(match rule {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// Renames a field, written in snake_case in Rust.
    pub(crate) fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal | RenameRule::Camel => {
                let mut renamed = String::with_capacity(field.len());
                let mut capitalize = self == RenameRule::Pascal;
                for c in field.chars() {
                    if c == '_' {
                        capitalize = true;
                    } else if capitalize {
                        renamed.push(c.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        renamed.push(c);
                    }
                }
                renamed
            }
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
        }
    }

    /// Renames a variant, written in PascalCase in Rust.
    pub(crate) fn apply_to_variant(self, variant: &str) -> String {
        match self {
            RenameRule::Pascal => variant.to_owned(),
            RenameRule::Lower => variant.to_ascii_lowercase(),
            RenameRule::Upper => variant.to_ascii_uppercase(),
            RenameRule::Camel => {
                let mut chars = variant.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
            RenameRule::Snake
            | RenameRule::ScreamingSnake
            | RenameRule::Kebab
            | RenameRule::ScreamingKebab => {
                let mut snake = String::with_capacity(variant.len() + 4);
                for (i, c) in variant.char_indices() {
                    if i > 0 && c.is_uppercase() {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                }
                match self {
                    RenameRule::ScreamingSnake => snake.to_ascii_uppercase(),
                    RenameRule::Kebab => snake.replace('_', "-"),
                    RenameRule::ScreamingKebab => snake.to_ascii_uppercase().replace('_', "-"),
                    _ => snake,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RenameRule;

    #[test]
    fn fields_and_variants_follow_serde() {
        let camel = RenameRule::from_str("camelCase").unwrap();
        assert_eq!(camel.apply_to_field("base_runtime_spec"), "baseRuntimeSpec");
        assert_eq!(camel.apply_to_variant("Raid0"), "raid0");
        let kebab = RenameRule::from_str("kebab-case").unwrap();
        assert_eq!(kebab.apply_to_field("max_pods"), "max-pods");
        assert_eq!(kebab.apply_to_variant("PodLogs"), "pod-logs");
        let screaming = RenameRule::from_str("SCREAMING_SNAKE_CASE").unwrap();
        assert_eq!(screaming.apply_to_variant("PodLogs"), "POD_LOGS");
        assert_eq!(RenameRule::from_str("camel"), None);
    }
}
