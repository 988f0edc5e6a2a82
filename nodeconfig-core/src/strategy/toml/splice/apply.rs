//! The last step of the span engine: the earlier text with every edit applied, in place order,
//! and text from the later document put in the earlier one's line endings.

use super::super::index::Graft;
use super::{Edit, Splicer};

impl Splicer<'_> {
    /// Text from the later document in the earlier one's line endings.
    pub(super) fn adapt(&self, text: String) -> String {
        if self.newline == "\n" {
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
    pub(super) fn apply(mut self) -> (String, Option<Vec<Edit>>) {
        let text = self.existing;
        self.edits
            .sort_unstable_by_key(|edit| (edit.start, edit.class, edit.seq));
        let extra: usize = self.edits.iter().map(|edit| edit.text.len()).sum();
        let mut out = String::with_capacity(text.len() + extra);
        let mut cursor = 0;
        let final_newline = text.is_empty() || text.ends_with('\n');
        let mut deleted = false;
        let mut derivable = true;
        for edit in &mut self.edits {
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
                out.push_str(self.newline);
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
        (out, derivable.then_some(self.edits))
    }
}
