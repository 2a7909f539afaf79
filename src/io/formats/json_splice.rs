//! Pretty JSON with long arrays spliced in as text.
//!
//! A `serde_json::Value` costs several times the text it prints as: every
//! object is a map of owned keys, every string a copy. An exporter that
//! built its whole output as one `Value` held about ten times the file in
//! memory (650 MB for a 64 MB W3C collection of 50,000 annotations). Here
//! each item of a long array is printed as soon as it is built and only its
//! text is kept; the small envelope around the arrays is still a `Value`,
//! with a placeholder where each array goes, and the arrays are spliced into
//! its printed text at the right indentation. The result is byte for byte
//! what `serde_json::to_string_pretty` prints for the whole value.

use super::FormatError;
use serde_json::Value;

/// Long arrays waiting to be spliced into an envelope.
pub struct Splice {
    /// Makes the placeholders unlike any text a project holds.
    nonce: String,
    /// Each array's items, printed.
    arrays: Vec<Vec<String>>,
}

impl Default for Splice {
    fn default() -> Self {
        Self::new()
    }
}

fn cannot(e: serde_json::Error) -> FormatError {
    FormatError::Malformed(format!("cannot serialize JSON: {e}"))
}

impl Splice {
    /// No arrays yet.
    pub fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        // A random 64-bit value (std seeds each `RandomState` from the OS).
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Self {
            nonce: format!("{nonce:016x}"),
            arrays: Vec::new(),
        }
    }

    /// Prints one item (it can be dropped right after).
    pub fn item(v: &impl serde::Serialize) -> Result<String, FormatError> {
        serde_json::to_string_pretty(v).map_err(cannot)
    }

    /// The placeholder to put in the envelope where the array of `items`
    /// (printed by [`Self::item`]) goes.
    pub fn array(&mut self, items: Vec<String>) -> Value {
        self.arrays.push(items);
        Value::String(self.marker(self.arrays.len() - 1))
    }

    fn marker(&self, k: usize) -> String {
        format!("\u{0}splice {} {k}\u{0}", self.nonce)
    }

    /// The envelope printed prettily with every array in its place, and a
    /// final newline.
    pub fn to_json_pretty(self, envelope: &Value) -> Result<String, FormatError> {
        let head = serde_json::to_string_pretty(envelope).map_err(cannot)?;
        let total: usize = self.arrays.iter().flatten().map(String::len).sum();
        let mut out = String::with_capacity(head.len() + total + total / 8 + 1);
        // Where each array's placeholder is: maps print their keys in
        // their own order, not the order the arrays were made in.
        let mut at: Vec<(usize, usize, usize)> = Vec::with_capacity(self.arrays.len());
        for k in 0..self.arrays.len() {
            let marker = serde_json::to_string(&self.marker(k)).map_err(cannot)?;
            let Some(pos) = head.find(&marker) else {
                return Err(FormatError::Malformed(
                    "cannot serialize JSON: an array is missing from its envelope".into(),
                ));
            };
            at.push((pos, marker.len(), k));
        }
        at.sort_unstable();
        let mut rest = 0;
        for (pos, len, k) in at {
            let before = &head[rest..pos];
            out.push_str(before);
            let line = &head[head[..pos].rfind('\n').map_or(0, |i| i + 1)..pos];
            let indent = line.len() - line.trim_start_matches(' ').len();
            push_array(&mut out, &self.arrays[k], indent);
            rest = pos + len;
        }
        let rest = &head[rest..];
        out.push_str(rest);
        out.push('\n');
        Ok(out)
    }
}

/// `items` as serde_json's pretty printer writes an array whose opening
/// line is indented by `indent` spaces.
fn push_array(out: &mut String, items: &[String], indent: usize) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        for (j, line) in item.split('\n').enumerate() {
            if j > 0 {
                out.push('\n');
            }
            out.extend(std::iter::repeat_n(' ', indent + 2));
            out.push_str(line);
        }
    }
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', indent));
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The spliced text is what serde_json prints for the whole value, at
    /// any depth, for empty arrays, and for items with arrays and text
    /// full of quotes and newlines.
    #[test]
    fn spliced_arrays_print_exactly_as_the_whole_value_does() {
        let items = |n: usize| -> Vec<Value> {
            (0..n)
                .map(|i| {
                    json!({"id": i, "text": "“quoted”\n\"line\"\t— два", "nested": {"list": [1, 2, {"deep": []}]}, "empty": {}})
                })
                .collect()
        };
        for n in [0, 1, 3] {
            let whole = json!({
                "top": items(n),
                "first": {"page": {"items": items(n), "after": "x"}},
                "tasks": [{"result": items(n)}, {"result": items(n + 1)}],
                "label": "\u{0}splice not-a-marker 0\u{0}"
            });
            let mut s = Splice::new();
            let mut render = |n: usize| -> Value {
                let printed = items(n)
                    .iter()
                    .map(|v| Splice::item(v).expect("prints"))
                    .collect();
                s.array(printed)
            };
            let top = render(n);
            let page = render(n);
            let r0 = render(n);
            let r1 = render(n + 1);
            let envelope = json!({
                "top": top,
                "first": {"page": {"items": page, "after": "x"}},
                "tasks": [{"result": r0}, {"result": r1}],
                "label": "\u{0}splice not-a-marker 0\u{0}"
            });
            let expected = serde_json::to_string_pretty(&whole).expect("prints") + "\n";
            assert_eq!(
                s.to_json_pretty(&envelope).expect("splices"),
                expected,
                "{n}"
            );
        }
    }

    #[test]
    fn an_array_left_out_of_the_envelope_is_an_error() {
        let mut s = Splice::new();
        let _ = s.array(vec!["1".into()]);
        assert!(s.to_json_pretty(&json!({"a": 1})).is_err());
    }
}
