//! "Did you mean": the nearest known name for a misspelt key or strategy.

/// The known name closest to `unknown`, if any is close enough to be a plausible typo or
/// synonym. `synonyms` are `(word, name)` pairs: an unknown name containing `word` means `name`
/// (the strategies' come from the strategy table).
pub(crate) fn nearest<'a>(
    unknown: &str,
    known: &[&'a str],
    synonyms: &[(&str, &str)],
) -> Option<&'a str> {
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
        synonyms
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
    use crate::strategy;

    #[test]
    fn typos_and_synonyms_find_the_strategy() {
        let names = strategy::names();
        let synonyms = strategy::synonyms();
        let nearest = |unknown| nearest(unknown, &names, &synonyms);
        assert_eq!(nearest("json_merge"), Some("json_deep"));
        assert_eq!(nearest("apend"), Some("append"));
        assert_eq!(nearest("Replace"), Some("replace"));
        assert_eq!(nearest("toml-deep"), Some("toml_deep"));
        assert_eq!(nearest("extend"), Some("append"));
        assert_eq!(nearest("zzzzzz"), None);
    }
}
