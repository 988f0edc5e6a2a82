//! Debug builds only: a derived index (`derive.rs`) compared with a fresh read of the same
//! text, from the root: the same keys in the same order, the same spellings and spans, the
//! same array items, and every key found again through its table's lookup.

use super::{Data, Index, Node, ROOT, TableId};

/// Where `derived` and `fresh`, two indexes of the same text, first differ.
pub(in crate::strategy::toml) fn differ(derived: &Index<'_>, fresh: &Index<'_>) -> Option<String> {
    tables(derived, ROOT, fresh, ROOT, "").err()
}

fn tables(
    derived: &Index<'_>,
    left: TableId,
    fresh: &Index<'_>,
    right: TableId,
    path: &str,
) -> Result<(), String> {
    let (ours, theirs): (Vec<_>, Vec<_>) = (
        derived.entries(left).collect(),
        fresh.entries(right).collect(),
    );
    if ours.len() != theirs.len() || derived.len(left) != ours.len() {
        return Err(format!(
            "table `{path}`: {} entries ({} counted), fresh {}",
            ours.len(),
            derived.len(left),
            theirs.len()
        ));
    }
    if let Some(kept) = derived.known_lines_end(left) {
        let end = crate::strategy::toml::spans::lines_end(fresh, right);
        if kept != end {
            return Err(format!(
                "table `{path}`: lines end at {kept:?}, fresh {end:?}"
            ));
        }
    }
    for (mine, other) in ours.into_iter().zip(theirs) {
        let key = String::from_utf8_lossy(derived.key(mine)).into_owned();
        let path = format!("{path}.{key}");
        if derived.key(mine) != fresh.key(other) || mine.key_span() != other.key_span() {
            return Err(format!(
                "`{path}`: key {:?} at {:?}, fresh {:?} at {:?}",
                key,
                mine.key_span(),
                String::from_utf8_lossy(fresh.key(other)),
                other.key_span()
            ));
        }
        let found = derived.get(left, derived.key(mine)).map(|e| e.key_span());
        if found != Some(mine.key_span()) {
            return Err(format!("`{path}`: the lookup finds {found:?}"));
        }
        nodes(derived, &mine.node, fresh, &other.node, &path)?;
    }
    Ok(())
}

fn nodes(
    derived: &Index<'_>,
    mine: &Node,
    fresh: &Index<'_>,
    other: &Node,
    path: &str,
) -> Result<(), String> {
    if mine.kind != other.kind || mine.span() != other.span() {
        return Err(format!(
            "`{path}`: {:?} at {:?}, fresh {:?} at {:?}",
            mine.kind,
            mine.span(),
            other.kind,
            other.span()
        ));
    }
    match (mine.data, other.data) {
        (Data::Scalar(a, x), Data::Scalar(b, y)) if a == b && x == y => Ok(()),
        (Data::Table(left), Data::Table(right)) => tables(derived, left, fresh, right, path),
        (Data::Array(_), Data::Array(_)) => {
            let (ours, theirs) = (derived.elements(mine), fresh.elements(other));
            if ours.len() != theirs.len() {
                return Err(format!(
                    "`{path}`: {} items, fresh {}",
                    ours.len(),
                    theirs.len()
                ));
            }
            for (at, (x, y)) in ours.iter().zip(theirs).enumerate() {
                nodes(derived, x, fresh, y, &format!("{path}[{at}]"))?;
            }
            Ok(())
        }
        (a, b) => Err(format!("`{path}`: {a:?}, fresh {b:?}")),
    }
}
