//! "Did you mean": the nearest known name for a misspelt key or strategy.

/// Words people reach for when they mean one of our strategies.
const SYNONYMS: &[(&str, &str)] = &[
    ("json", "json_deep"),
    ("toml", "toml_deep"),
    ("concat", "append"),
    ("extend", "append"),
    ("push", "append"),
    ("override", "replace"),
    ("overwrite", "replace"),
    ("last", "replace"),
    ("first", "keep"),
    ("preserve", "keep"),
    ("ignore", "skip"),
];

/// The known name closest to `unknown`, if any is close enough to be a plausible typo or
/// synonym.
pub(crate) fn nearest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let lowered = unknown.to_ascii_lowercase().replace('-', "_");
    if let Some(&exact) = known.iter().find(|name| **name == lowered) {
        return Some(exact);
    }
    let by_distance = known
        .iter()
        .map(|name| (levenshtein(&lowered, name), *name))
        .min()
        .filter(|(distance, name)| *distance <= name.len().max(lowered.len()) / 3)
        .map(|(_, name)| name);
    by_distance.or_else(|| {
        SYNONYMS
            .iter()
            .find(|(word, target)| lowered.contains(word) && known.contains(target))
            .and_then(|(_, target)| known.iter().copied().find(|name| name == target))
    })
}

fn levenshtein(from: &str, to: &str) -> usize {
    let to: Vec<char> = to.chars().collect();
    let mut previous: Vec<usize> = (0..=to.len()).collect();
    for (i, from_char) in from.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, to_char) in to.iter().enumerate() {
            let substitution = previous[j] + usize::from(from_char != *to_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[to.len()]
}

#[cfg(test)]
mod tests {
    use super::nearest;

    const STRATEGIES: &[&str] = &["replace", "keep", "append", "json_deep", "toml_deep"];

    #[test]
    fn typos_and_synonyms_find_the_strategy() {
        assert_eq!(nearest("json_merge", STRATEGIES), Some("json_deep"));
        assert_eq!(nearest("apend", STRATEGIES), Some("append"));
        assert_eq!(nearest("Replace", STRATEGIES), Some("replace"));
        assert_eq!(nearest("toml-deep", STRATEGIES), Some("toml_deep"));
        assert_eq!(nearest("extend", STRATEGIES), Some("append"));
        assert_eq!(nearest("zzzzzz", STRATEGIES), None);
    }
}
