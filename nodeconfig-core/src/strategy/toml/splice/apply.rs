//! The last step of the span engine: the earlier text with every edit applied, in place order,
//! and text from the later document put in the earlier one's line endings.

use super::super::index::{Graft, Placed, Placement};
use super::Splicer;

/// One change to the earlier text: `text` replaces `start..end` (an insertion when empty).
/// Once applied, it says where its text went: a merge's edits are what derives the index of
/// its result (`index/derive.rs`).
#[derive(Debug)]
pub(in crate::strategy::toml) struct Edit {
    pub(super) start: usize,
    /// Insertions at one place go lines first, then sections, then what replaces text there.
    pub(super) class: u8,
    pub(super) seq: usize,
    pub(super) end: usize,
    pub(super) text: String,
    /// What it adds to the index, for the index of the merged text.
    pub(super) graft: Graft,
    /// Where its text went in the merged text, once applied.
    pub(super) out_start: usize,
    pub(super) out_end: usize,
}

impl Placement for Edit {
    fn placed(&self) -> Placed {
        Placed {
            start: self.start,
            end: self.end,
            out_start: self.out_start,
            out_end: self.out_end,
            graft: self.graft,
        }
    }
}

impl Splicer<'_> {
    /// Text from the later document in the earlier one's line endings.
    pub(super) fn adapt(&self, text: String) -> String {
        // A line break inside a multi-line string is part of its value (TOML 1.1, "String"):
        // text holding one keeps its own line endings (mixed line endings are valid TOML).
        if self.newline == "\n" || text.contains("\"\"\"") || text.contains("'''") {
            return text;
        }
        let mut adapted = String::with_capacity(text.len() + 8);
        let mut previous = '\0';
        for c in text.chars() {
            if c == '\n' && previous != '\r' {
                adapted.push('\r');
            }
            adapted.push(c);
            previous = c;
        }
        adapted
    }

    /// The earlier text with every edit applied, in place order, and where each edit went
    /// (`None` when one of them is not followed by `index/derive.rs`, or edits overlap).
    pub(super) fn apply(self) -> (String, Option<Vec<Edit>>) {
        write(self.existing, self.newline, self.edits)
    }
}

/// The earlier `text` with `edits` applied, in place order, and where each edit went (`None`
/// when one of them is not followed by `index/derive.rs`, or edits overlap).
pub(in crate::strategy::toml) fn write(
    text: &str,
    newline: &str,
    mut edits: Vec<Edit>,
) -> (String, Option<Vec<Edit>>) {
    edits.sort_unstable_by_key(|edit| (edit.start, edit.class, edit.seq));
    let extra: usize = edits.iter().map(|edit| edit.text.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut cursor = 0;
    let final_newline = text.is_empty() || text.ends_with('\n');
    let mut deleted = false;
    let mut derivable = true;
    for edit in &mut edits {
        derivable &= edit.start >= cursor && !matches!(edit.graft, Graft::Opaque);
        let start = edit.start.max(cursor);
        let deleting = edit.text.is_empty() && edit.end > edit.start;
        // Blank lines between two removed sections go with them.
        if !(deleted && deleting && text[cursor..start].trim().is_empty()) {
            out.push_str(&text[cursor..start]);
        }
        deleted = deleting;
        // What replaced `edit.start..edit.end`, from here (the line break it may need too).
        let out_start = out.len();
        if edit.start == text.len() && edit.end == text.len() && !final_newline {
            // The earlier document has no final newline: the new lines start one, and the
            // last of them goes without.
            out.push_str(newline);
            out.push_str(edit.text.trim_end_matches(['\r', '\n']));
        } else if out.is_empty() && edit.start == edit.end {
            // Nothing is left above: no blank line to separate it from.
            out.push_str(edit.text.trim_start_matches(['\r', '\n']));
        } else {
            out.push_str(&edit.text);
        }
        edit.out_start = out_start;
        edit.out_end = out.len();
        cursor = cursor.max(edit.end).max(start);
    }
    out.push_str(&text[cursor..]);
    (out, derivable.then_some(edits))
}

/// Whether editing a text of `len` bytes in place, at edits ending at `ends`, moves fewer
/// bytes than writing it anew: each edit moves the text after it.
pub(in crate::strategy::toml) fn cheaper_in_place(
    len: usize,
    ends: impl Iterator<Item = usize>,
) -> bool {
    ends.map(|end| len - end).sum::<usize>() <= len
}

/// Applies `edits` to `text` in place, as [`write`] would write them, when they are derivable
/// (no overlap, no removed lines, nothing opaque) and moving the text after each costs fewer
/// bytes than writing it anew; `false` (and `text` unchanged) otherwise.
pub(in crate::strategy::toml) fn apply_in_place(
    text: &mut String,
    newline: &str,
    edits: &mut [Edit],
) -> bool {
    edits.sort_unstable_by_key(|edit| (edit.start, edit.class, edit.seq));
    let mut cursor = 0;
    for edit in edits.iter() {
        let opaque = matches!(edit.graft, Graft::Opaque);
        if edit.start < cursor || opaque || (edit.text.is_empty() && edit.end > edit.start) {
            return false;
        }
        cursor = edit.end;
    }
    if !cheaper_in_place(text.len(), edits.iter().map(|edit| edit.end)) {
        return false;
    }
    let final_newline = text.is_empty() || text.ends_with('\n');
    // The merged text's length so far, less the earlier text's: where each edit lands.
    let mut delta: isize = 0;
    for edit in edits.iter_mut() {
        // The same two cases as `write`: a final newline the earlier text lacks, and nothing
        // above the insertion.
        let out_start = edit.start.wrapping_add_signed(delta);
        if edit.start == text.len() && edit.end == text.len() && !final_newline {
            let lines = edit.text.trim_end_matches(['\r', '\n']);
            edit.text = format!("{newline}{lines}");
        } else if out_start == 0 && edit.start == edit.end {
            edit.text = edit.text.trim_start_matches(['\r', '\n']).to_owned();
        }
        edit.out_start = out_start;
        edit.out_end = out_start + edit.text.len();
        delta += edit.text.len() as isize - (edit.end - edit.start) as isize;
    }
    for edit in edits.iter().rev() {
        text.replace_range(edit.start..edit.end, &edit.text);
    }
    true
}
