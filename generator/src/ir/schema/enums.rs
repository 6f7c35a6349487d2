//! Enum variants and string formats.

use super::*;

pub(super) fn string_format(f: &VariantOrUnknownOrEmpty<StringFormat>) -> Prim {
    match f {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Prim::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Prim::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Prim::Base64,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Prim::Binary,
        VariantOrUnknownOrEmpty::Unknown(u) => match u.as_str() {
            "uuid" => Prim::Uuid,
            "date-time" => Prim::DateTime,
            "date" => Prim::Date,
            "byte" => Prim::Base64,
            "binary" => Prim::Binary,
            _ => Prim::String,
        },
        _ => Prim::String,
    }
}

/// `x-enum-varnames` / `x-enum-names`, a widespread convention for naming enum variants.
pub(super) fn varnames(ext: &indexmap::IndexMap<String, serde_json::Value>) -> Option<Vec<String>> {
    let v = ext
        .get("x-enum-varnames")
        .or_else(|| ext.get("x-enumNames"))?;
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(String::from))
        .collect()
}

/// `ident::camel(s)`, remembered in `memo`: enum values and property names recur.
pub(super) fn camel_memo<'m>(memo: &'m mut FastMap<String, String>, s: &str) -> &'m str {
    if !memo.contains_key(s) {
        memo.insert(s.to_string(), ident::camel(s));
    }
    memo.get(s).map_or("", String::as_str)
}

pub(super) fn string_variants(
    camel: &mut FastMap<String, String>,
    values: &[&str],
    names: Option<&[String]>,
) -> Vec<EnumVariant> {
    let mut namer = Namer::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(values.len());
    for (i, &v) in values.iter().enumerate() {
        if !seen.insert(v) {
            continue;
        }
        let base = match names.and_then(|n| n.get(i)) {
            Some(n) => camel_memo(camel, n),
            None if v.is_empty() => "Empty",
            None => camel_memo(camel, v),
        };
        out.push(EnumVariant {
            name: namer.claim(base),
            value: v.to_string(),
        });
    }
    out
}

pub(super) fn integer_variants(values: &[i64], names: Option<&[String]>) -> Vec<EnumVariant> {
    let mut namer = Namer::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if !seen.insert(*v) {
            continue;
        }
        let base = match names.and_then(|n| n.get(i)) {
            Some(n) => ident::camel(n),
            None if *v < 0 => format!("Minus{}", v.unsigned_abs()),
            None => format!("V{v}"),
        };
        out.push(EnumVariant {
            name: namer.claim(&base),
            value: v.to_string(),
        });
    }
    out
}
