//! The codebook: the tags an annotation can carry, as an ordered tree.
//!
//! Order in [`Codebook::tags`] is display order. A tag's `parent` makes the
//! hierarchy; parents must exist and there are no cycles. Hotkeys `1`–`9` are
//! unique across the codebook.

use super::ids::TagId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An sRGB colour, written `"#RRGGBB"` in files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color(pub [u8; 3]);

impl Color {
    /// Parses `#RRGGBB` (the `#` optional).
    pub fn parse(s: &str) -> Option<Self> {
        let h = s.strip_prefix('#').unwrap_or(s);
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Self([p(0)?, p(2)?, p(4)?]))
    }

    /// A pleasant colour for the `n`-th tag created.
    pub fn palette(n: usize) -> Self {
        const P: [[u8; 3]; 10] = [
            [0xe6, 0x9f, 0x00],
            [0x56, 0xb4, 0xe9],
            [0x00, 0x9e, 0x73],
            [0xcc, 0x79, 0xa7],
            [0xd5, 0x5e, 0x00],
            [0x00, 0x72, 0xb2],
            [0xf0, 0xe4, 0x42],
            [0x99, 0x66, 0xcc],
            [0x88, 0x88, 0x88],
            [0xaa, 0x44, 0x44],
        ];
        Self(P[n % P.len()])
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

impl Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Color::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not a colour of the form \"#RRGGBB\""))
        })
    }
}

/// A code of the codebook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Stable id.
    pub id: TagId,
    /// Display name, unique among siblings.
    pub name: String,
    /// Highlight colour.
    pub color: Color,
    /// Hotkey `1`–`9`, if any.
    #[serde(default)]
    pub key: Option<u8>,
    /// Parent tag, for a hierarchy.
    #[serde(default)]
    pub parent: Option<TagId>,
    /// What the tag means; shown as a tooltip.
    #[serde(default)]
    pub description: String,
}

impl Tag {
    /// A new top-level tag with a fresh id.
    pub fn new(name: impl Into<String>, color: Color) -> Self {
        Self {
            id: TagId::generate(),
            name: name.into(),
            color,
            key: None,
            parent: None,
            description: String::new(),
        }
    }
}

/// The ordered set of tags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codebook {
    /// Tags in display order.
    pub tags: Vec<Tag>,
}

impl Codebook {
    /// The tag with this id.
    pub fn get(&self, id: &TagId) -> Option<&Tag> {
        self.tags.iter().find(|t| &t.id == id)
    }

    /// Position of a tag in display order.
    pub fn index_of(&self, id: &TagId) -> Option<usize> {
        self.tags.iter().position(|t| &t.id == id)
    }

    /// The tag bound to hotkey `key` (1–9).
    pub fn by_key(&self, key: u8) -> Option<&Tag> {
        self.tags.iter().find(|t| t.key == Some(key))
    }

    /// The first tag named `name` (case-insensitive).
    pub fn by_name(&self, name: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// Direct children of `parent` (`None`: the top level), in display order.
    pub fn children<'a>(&'a self, parent: Option<&'a TagId>) -> impl Iterator<Item = &'a Tag> + 'a {
        self.tags
            .iter()
            .filter(move |t| t.parent.as_ref() == parent)
    }

    /// Nesting depth of a tag (0 for top level); stops at cycles.
    pub fn depth(&self, id: &TagId) -> usize {
        let mut depth = 0;
        let mut cur = self.get(id).and_then(|t| t.parent.clone());
        while let Some(p) = cur {
            depth += 1;
            if depth > self.tags.len() {
                break;
            }
            cur = self.get(&p).and_then(|t| t.parent.clone());
        }
        depth
    }

    /// The tag and all its descendants.
    pub fn with_descendants(&self, id: &TagId) -> Vec<TagId> {
        let mut out = vec![id.clone()];
        let mut i = 0;
        while i < out.len() {
            let cur = out[i].clone();
            for t in self.tags.iter().filter(|t| t.parent.as_ref() == Some(&cur)) {
                if !out.contains(&t.id) {
                    out.push(t.id.clone());
                }
            }
            i += 1;
        }
        out
    }

    /// Whether making `parent` the parent of `id` would create a cycle.
    pub fn would_cycle(&self, id: &TagId, parent: &TagId) -> bool {
        self.with_descendants(id).contains(parent)
    }

    /// Tags in tree order (each parent followed by its subtree) with depths:
    /// what a codebook panel shows.
    pub fn tree_order(&self) -> Vec<(&Tag, usize)> {
        let mut out = Vec::with_capacity(self.tags.len());
        fn walk<'a>(
            cb: &'a Codebook,
            parent: Option<&TagId>,
            depth: usize,
            out: &mut Vec<(&'a Tag, usize)>,
        ) {
            for t in cb.tags.iter().filter(|t| t.parent.as_ref() == parent) {
                if out.iter().any(|(o, _)| o.id == t.id) {
                    continue;
                }
                out.push((t, depth));
                walk(cb, Some(&t.id), depth + 1, out);
            }
        }
        walk(self, None, 0, &mut out);
        // Tags whose parent is missing still show, at the top level.
        for t in &self.tags {
            if !out.iter().any(|(o, _)| o.id == t.id) {
                out.push((t, 0));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_round_trip() {
        let c = Color::parse("#E69F00").unwrap();
        assert_eq!(c.to_string(), "#e69f00");
        assert_eq!(Color::parse("zz0000"), None);
        assert_eq!(Color::parse("#é9f00"), None);
    }

    #[test]
    fn hierarchy_queries() {
        let mut a = Tag::new("Claim", Color::palette(0));
        a.id = TagId::new("a");
        let mut b = Tag::new("Causal", Color::palette(1));
        b.id = TagId::new("b");
        b.parent = Some(a.id.clone());
        let mut c = Tag::new("Other", Color::palette(2));
        c.id = TagId::new("c");
        let cb = Codebook {
            tags: vec![b.clone(), c.clone(), a.clone()],
        };
        assert_eq!(cb.depth(&b.id), 1);
        assert_eq!(cb.with_descendants(&a.id), vec![a.id.clone(), b.id.clone()]);
        assert!(cb.would_cycle(&a.id, &b.id));
        let order: Vec<_> = cb
            .tree_order()
            .iter()
            .map(|(t, d)| (t.id.0.clone(), *d))
            .collect();
        assert_eq!(
            order,
            vec![("c".into(), 0), ("a".into(), 0), ("b".into(), 1)]
        );
    }
}
