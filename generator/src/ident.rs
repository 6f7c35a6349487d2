//! Turning arbitrary spec names into Rust identifiers.
//!
//! Rules, applied in this order:
//! 1. Non-ASCII letters are transliterated where a plain Latin form exists (`ä` → `a`,
//!    `ß` → `ss`); any other character that cannot appear in an identifier becomes a
//!    word separator.
//! 2. The words are joined in the target case (`snake_case` or `UpperCamelCase`) with `heck`.
//! 3. An empty result becomes a fallback word (`field`, `Value`).
//! 4. A leading digit is prefixed: `_` for snake case (`_2fa_enabled`), `V` for camel case
//!    (`V2x`).
//! 5. Rust keywords become raw identifiers (`r#type`); the four that cannot be raw
//!    (`self`, `Self`, `super`, `crate`) get a trailing underscore.
//! 6. Snake-case names in clippy's default `disallowed-names` list (`foo`, `baz`, `quux`) get a
//!    trailing underscore too: fields and parameters become bindings (setter and method
//!    arguments, the runtime's serde macros), which `clippy::disallowed_names` rejects. The
//!    wire name is kept apart, so serde and the request still use `foo`.
//!
//! Collisions are resolved by [`Namer`], which appends `2`, `3`, ... in first-come order.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Clippy's default `disallowed-names` (`clippy::disallowed_names` rejects bindings so named).
const DISALLOWED_NAMES: &[&str] = &["foo", "baz", "quux"];

/// Type names that would shadow items the generated code or derive macros rely on.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Some", "None", "Ok", "Err", "String", "Vec", "Box", "Self", "Default",
    "Clone", "Debug", "Copy", "Send", "Sync", "Sized", "From", "Into", "Iterator", "ToString",
];

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' | 'č' | 'ć' => "c",
        'Ç' | 'Č' | 'Ć' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => "O",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ß' => "ss",
        'š' | 'ś' => "s",
        'Š' | 'Ś' => "S",
        'ž' | 'ź' | 'ż' => "z",
        'Ž' | 'Ź' | 'Ż' => "Z",
        'ł' => "l",
        'Ł' => "L",
        _ => return None,
    })
}

/// Replaces every character that cannot be part of an identifier by a space, after
/// transliterating common accented letters. Symbols that carry meaning in API names
/// get a word of their own, so that `+1` and `-1` stay distinct.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(t) = transliterate(c) {
            out.push_str(t);
        } else {
            let word = match c {
                '+' => " plus ",
                '<' => " lt ",
                '>' => " gt ",
                '=' => " eq ",
                '*' => " star ",
                _ => " ",
            };
            out.push_str(word);
        }
    }
    out
}

fn finish(mut s: String, fallback: &str, digit_prefix: &str) -> String {
    if s.is_empty() {
        s = fallback.to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, digit_prefix);
    }
    s
}

/// Escapes keywords: raw identifier where possible, trailing underscore otherwise.
pub fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// A `snake_case` identifier for fields, parameters, methods and modules.
pub fn snake(raw: &str) -> String {
    let s = finish(words(raw).to_snake_case(), "field", "_");
    if DISALLOWED_NAMES.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        escape_keyword(s)
    }
}

/// An `UpperCamelCase` identifier for types and variants.
pub fn camel(raw: &str) -> String {
    let s = words(raw).to_upper_camel_case();
    let s = finish(s, "Value", "V");
    if NOT_RAW.contains(&s.as_str()) || KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// An `UpperCamelCase` type name that avoids the names generated code relies on.
pub fn type_name(raw: &str) -> String {
    let s = camel(raw);
    if RESERVED_TYPES.contains(&s.as_str()) {
        format!("{s}Type")
    } else {
        s
    }
}

/// The identifier without a raw prefix, for composing further names.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Hands out unique names within one scope, in first-come order.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    /// A namer with some names already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namer {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `want`, or `want2`, `want3`, ... if taken. Works on raw identifiers too.
    pub fn claim(&mut self, want: &str) -> String {
        if self.taken.insert(want.to_string()) {
            return want.to_string();
        }
        let base = bare(want);
        let mut n = 2usize;
        loop {
            let candidate = if base.ends_with(|c: char| c.is_ascii_digit()) {
                format!("{base}_{n}")
            } else {
                format!("{base}{n}")
            };
            let candidate = escape_keyword(candidate);
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases() {
        assert_eq!(snake("fooBar"), "foo_bar");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa_enabled"), "_2fa_enabled");
        assert_eq!(snake("x-request-id"), "x_request_id");
        assert_eq!(snake("@type"), "r#type");
        assert_eq!(snake("näme"), "name");
        assert_eq!(snake("$count"), "count");
        assert_eq!(snake("foo.bar"), "foo_bar");
        assert_eq!(snake(""), "field");
        assert_eq!(snake("日本"), "field");
        assert_eq!(snake("foo"), "foo_");
        assert_eq!(snake("Baz"), "baz_");
        assert_eq!(snake("quux"), "quux_");
        assert_eq!(snake("bar"), "bar");
    }

    #[test]
    fn camel_cases() {
        assert_eq!(camel("in-progress"), "InProgress");
        assert_eq!(camel("2x"), "V2x");
        assert_eq!(camel(""), "Value");
        assert_eq!(camel("+1"), "Plus1");
        assert_eq!(camel("-1"), "V1");
        assert_eq!(type_name("option"), "OptionType");
        assert_eq!(camel("self"), "Self_");
    }

    #[test]
    fn namer_suffixes() {
        let mut n = Namer::default();
        assert_eq!(n.claim("foo_bar"), "foo_bar");
        assert_eq!(n.claim("foo_bar"), "foo_bar2");
        assert_eq!(n.claim("v1"), "v1");
        assert_eq!(n.claim("v1"), "v1_2");
        assert_eq!(n.claim("r#type"), "r#type");
        assert_eq!(n.claim("r#type"), "type2");
    }
}
