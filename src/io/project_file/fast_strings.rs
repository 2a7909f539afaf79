//! ron's pretty serializer with a faster string writer, same bytes.
//!
//! ron escapes every string char by char through [`char::escape_debug`],
//! which asks the Unicode tables whether each char is printable; on a book
//! with tens of thousands of annotation quotes that is most of the save
//! time. [`to_string_pretty`] runs ron's own serializer (so structure,
//! indentation and commas are ron's) but hands every string to
//! [`escape_into`], which copies runs of plain ASCII in one go and looks
//! Basic Multilingual Plane chars up in a table built once from
//! `escape_debug` itself. The output is byte for byte what ron writes; the
//! tests compare the two on every char and on whole projects.
//!
//! How: the value is serialized through [`Escaping`], a serializer that
//! forwards every call to ron's and wraps every nested value so that its
//! strings come back to [`Escaping::serialize_str`]. That method writes the
//! quoted, escaped string straight into the output ron writes to (shared
//! through a `RefCell`), which is what ron's own `serialize_str` does: it
//! writes the string and touches no other state.

use serde::ser::{self, Serialize, Serializer};
use std::cell::RefCell;
use std::fmt;
use std::sync::OnceLock;

/// Serializes `value` exactly as `ron::ser::to_string_pretty(value, config)`
/// does, only faster on strings.
pub fn to_string_pretty<T: Serialize + ?Sized>(
    value: &T,
    config: ron::ser::PrettyConfig,
) -> ron::Result<String> {
    let out = RefCell::new(String::new());
    {
        let mut ron_ser =
            ron::Serializer::with_options(Shared(&out), Some(config), &ron::Options::default())?;
        value.serialize(Escaping {
            inner: &mut ron_ser,
            out: &out,
        })?;
    }
    Ok(out.into_inner())
}

/// The `fmt::Write` ron writes to: the same string [`Escaping`] writes
/// escaped strings into.
struct Shared<'a>(&'a RefCell<String>);

impl fmt::Write for Shared<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.borrow_mut().push_str(s);
        Ok(())
    }

    fn write_char(&mut self, c: char) -> fmt::Result {
        self.0.borrow_mut().push(c);
        Ok(())
    }
}

/// Appends `"value"` escaped as `value.chars().flat_map(char::escape_debug)`
/// would, between double quotes (ron's escaped string form).
pub fn escape_into(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    let bytes = value.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\'' && b != b'\\' {
                i += 1;
                continue;
            }
            out.push_str(&value[run_start..i]);
            out.extend(char::from(b).escape_debug());
            i += 1;
            run_start = i;
            continue;
        }
        // `i` is on a char boundary: every step above moves by whole chars.
        let Some(c) = value[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if !passes_unchanged(c) {
            out.push_str(&value[run_start..i]);
            out.extend(c.escape_debug());
            run_start = i + len;
        }
        i += len;
    }
    out.push_str(&value[run_start..]);
    out.push('"');
}

/// Whether `char::escape_debug(c)` is `c` itself, for a non-ASCII char.
fn passes_unchanged(c: char) -> bool {
    let u = c as usize;
    if u < TABLE_CHARS {
        return table()[u / 64] & (1 << (u % 64)) != 0;
    }
    let mut e = c.escape_debug();
    e.next() == Some(c) && e.next().is_none()
}

/// Chars covered by [`table`]: the Basic Multilingual Plane and the
/// Supplementary one (emoji).
const TABLE_CHARS: usize = 0x2_0000;

/// One bit per char below [`TABLE_CHARS`]: set when `escape_debug` leaves
/// it as it is. Built once (131,072 calls, a millisecond or two).
fn table() -> &'static [u64] {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u64; TABLE_CHARS / 64];
        for u in 0..TABLE_CHARS as u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let mut e = c.escape_debug();
            if e.next() == Some(c) && e.next().is_none() {
                t[u as usize / 64] |= 1 << (u % 64);
            }
        }
        t
    })
}

/// Forwards to ron's serializer `S`, writing strings itself.
struct Escaping<'a, S> {
    inner: S,
    out: &'a RefCell<String>,
}

/// A nested value: serialized through [`Escaping`] whatever serializer it
/// is given.
struct Wrap<'a, 'v, T: ?Sized> {
    value: &'v T,
    out: &'a RefCell<String>,
}

impl<T: Serialize + ?Sized> Serialize for Wrap<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Escaping {
            inner: serializer,
            out: self.out,
        })
    }
}

impl<'a, S: Serializer> Escaping<'a, S> {
    fn wrap<'v, T: ?Sized>(&self, value: &'v T) -> Wrap<'a, 'v, T> {
        Wrap {
            value,
            out: self.out,
        }
    }
}

/// Forwards the scalar methods unchanged.
macro_rules! forward {
    ($($name:ident($ty:ty)),* $(,)?) => {
        $(fn $name(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.inner.$name(v)
        })*
    };
}

impl<'a, S: Serializer> Serializer for Escaping<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<'a, S::SerializeSeq>;
    type SerializeTuple = Compound<'a, S::SerializeTuple>;
    type SerializeTupleStruct = Compound<'a, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<'a, S::SerializeTupleVariant>;
    type SerializeMap = Compound<'a, S::SerializeMap>;
    type SerializeStruct = Compound<'a, S::SerializeStruct>;
    type SerializeStructVariant = Compound<'a, S::SerializeStructVariant>;

    forward!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
    );

    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        // ron's `serialize_str` writes the quoted string and changes no other
        // state. Only ron can make its `Ok` value, so it writes an empty
        // string, which is then replaced by the escaped one.
        let before = self.out.borrow().len();
        let ok = self.inner.serialize_str("")?;
        let mut out = self.out.borrow_mut();
        if out.len() != before + 2 || !out.ends_with("\"\"") {
            return Err(ser::Error::custom(
                "string escaping: the serializer did not write where expected",
            ));
        }
        out.truncate(before);
        escape_into(&mut out, v);
        Ok(ok)
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        let w = self.wrap(value);
        self.inner.serialize_some(&w)
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_struct(name)
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let w = self.wrap(value);
        self.inner.serialize_newtype_struct(name, &w)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let w = self.wrap(value);
        self.inner
            .serialize_newtype_variant(name, index, variant, &w)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(Compound::new(self.inner.serialize_seq(len)?, self.out))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(Compound::new(self.inner.serialize_tuple(len)?, self.out))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Compound::new(
            self.inner.serialize_tuple_struct(name, len)?,
            self.out,
        ))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Compound::new(
            self.inner
                .serialize_tuple_variant(name, index, variant, len)?,
            self.out,
        ))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Ok(Compound::new(self.inner.serialize_map(len)?, self.out))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Compound::new(
            self.inner.serialize_struct(name, len)?,
            self.out,
        ))
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Ok(Compound::new(
            self.inner
                .serialize_struct_variant(name, index, variant, len)?,
            self.out,
        ))
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A compound of ron's whose elements are wrapped in [`Wrap`].
struct Compound<'a, C> {
    inner: C,
    out: &'a RefCell<String>,
}

impl<'a, C> Compound<'a, C> {
    fn new(inner: C, out: &'a RefCell<String>) -> Self {
        Compound { inner, out }
    }

    fn wrap<'v, T: ?Sized>(&self, value: &'v T) -> Wrap<'a, 'v, T> {
        Wrap {
            value,
            out: self.out,
        }
    }
}

/// The compound traits whose elements come one at a time: each element is
/// wrapped, everything else forwarded.
macro_rules! wrap_elements {
    ($($trait:ident::$method:ident),* $(,)?) => {
        $(impl<C: ser::$trait> ser::$trait for Compound<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                let w = self.wrap(value);
                self.inner.$method(&w)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        })*
    };
}

wrap_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

/// The compound traits with named fields.
macro_rules! wrap_fields {
    ($($trait:ident),* $(,)?) => {
        $(impl<C: ser::$trait> ser::$trait for Compound<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                let w = self.wrap(value);
                self.inner.serialize_field(key, &w)
            }
            fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
                self.inner.skip_field(key)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        })*
    };
}

wrap_fields!(SerializeStruct, SerializeStructVariant);

impl<C: ser::SerializeMap> ser::SerializeMap for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        let w = self.wrap(key);
        self.inner.serialize_key(&w)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let w = self.wrap(value);
        self.inner.serialize_value(&w)
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn ron_escaped(value: &str) -> String {
        let mut s = String::from("\"");
        s.extend(value.chars().flat_map(char::escape_debug));
        s.push('"');
        s
    }

    #[test]
    fn every_char_is_escaped_as_ron_escapes_it() {
        let mut all = String::new();
        for u in 0..=0x10_FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let one = c.to_string();
            let mut fast = String::new();
            escape_into(&mut fast, &one);
            assert_eq!(fast, ron_escaped(&one), "U+{u:04X}");
            all.push(c);
            all.push_str("ab");
        }
        let mut fast = String::new();
        escape_into(&mut fast, &all);
        assert_eq!(fast, ron_escaped(&all));
    }

    #[derive(Serialize)]
    enum Kind {
        Unit,
        New(String),
        Tuple(String, u32),
        Record { name: String, note: Option<String> },
    }

    #[derive(Serialize)]
    struct Id(String);

    #[derive(Serialize)]
    struct Everything {
        id: Id,
        text: String,
        maybe: Option<String>,
        none: Option<String>,
        kinds: Vec<Kind>,
        map: BTreeMap<String, Vec<(String, f32)>>,
        empty: Vec<String>,
        flag: bool,
        unit: (),
        ch: char,
    }

    fn config() -> ron::ser::PrettyConfig {
        ron::ser::PrettyConfig::new()
            .struct_names(true)
            .new_line("\n".to_string())
            .indentor("  ".to_string())
    }

    #[test]
    fn output_is_byte_for_byte_rons_on_every_serde_shape() {
        let tricky = "“Curly” — em\u{a0}dash, tab\there, new\nline, \\ back, \"q\" 'q', \u{301}é, \u{200b}, 😀, \u{7f}";
        let mut map = BTreeMap::new();
        map.insert(tricky.to_string(), vec![("x\ny".to_string(), 1.5)]);
        map.insert("plain".to_string(), vec![]);
        let value = Everything {
            id: Id("id-\u{a0}".into()),
            text: tricky.into(),
            maybe: Some(tricky.into()),
            none: None,
            kinds: vec![
                Kind::Unit,
                Kind::New(tricky.into()),
                Kind::Tuple("t\"".into(), 7),
                Kind::Record {
                    name: "r\\".into(),
                    note: Some("n\r".into()),
                },
            ],
            map,
            empty: vec![],
            flag: true,
            unit: (),
            ch: '\'',
        };
        let fast = to_string_pretty(&value, config()).expect("fast");
        let slow = ron::ser::to_string_pretty(&value, config()).expect("ron");
        assert_eq!(fast, slow);
        assert!(fast.contains("\\u{a0}") || fast.contains('\u{a0}'));
    }

    #[test]
    fn whole_projects_serialize_as_ron_does() {
        let generated = crate::bench::generate::generate(&crate::bench::generate::GenConfig {
            seed: 7,
            doc_bytes: 60_000,
            annotations: 600,
            vocabulary: Default::default(),
        });
        for project in [crate::io::sample::sample_project(), generated] {
            let fast = to_string_pretty(&project, config()).expect("fast");
            let slow = ron::ser::to_string_pretty(&project, config()).expect("ron");
            assert!(fast == slow, "the fast writer differs from ron's");
        }
    }
}
