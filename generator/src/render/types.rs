//! The `types` module: one item per named type.

use super::{docs, ident, ty, ModulePlan, Piece, Scope};
use crate::ir::{Api, EnumRepr, Field, Gate, Prim, TypeDef, TypeKind, TypeRef, UnionVariant};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// Renders the `types` module.
pub(super) fn module(api: &Api) -> ModulePlan {
    ModulePlan {
        name: Some("types".into()),
        gate: Gate::Always,
        doc: vec![format!("Data types of {}.", docs::api_name(&api.title))],
        pieces: super::ranges(api.types.len(), super::TYPES_PER_PIECE)
            .into_iter()
            .map(Piece::Types)
            .collect(),
    }
}

/// The items of some types.
pub fn items(types: &[TypeDef]) -> TokenStream {
    let items = types.iter().map(type_def);
    quote!(#(#items)*)
}

fn type_def(t: &TypeDef) -> TokenStream {
    let mut d = t.doc.clone();
    if !docs::has_text(&d) {
        d.summary =
            Some(docs::origin(&t.pointer).unwrap_or_else(|| format!("The `{}` type.", t.name)));
    }
    // Every item of the type is compiled under its gate.
    let cfg = super::cfg(&t.settings.gate);
    // The docs first, then the gate, as a person would write them.
    let docs_only = docs::attrs(&d);
    let doc = quote!(#docs_only #cfg);
    let name = ident(&t.name);
    if let Some(text) = &t.settings.replaced_by {
        let target = parse_tokens(text);
        let note = format!(" Replaced by `{text}` (option `type-overrides`).");
        return quote! {
            #docs_only
            #[doc = ""]
            #[doc = #note]
            #cfg
            pub type #name = #target;
        };
    }
    let derive = |base: TokenStream, names: &[&str]| derive_attr(base, names, &t.settings.derives);
    match &t.kind {
        TypeKind::Struct { fields, additional } => {
            let all_optional = fields.iter().all(field_is_option);
            let default = if all_optional {
                quote!(::std::default::Default,)
            } else {
                quote!()
            };
            let fs = fields.iter().map(field);
            let extra = additional.as_ref().map(|a| {
                let a = ty(a, Scope::Types);
                quote! {
                    /// Properties not listed above.
                    pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #a>,
                }
            });
            let serde_impls = struct_serde(&name, fields, additional.is_some());
            let mut names = vec!["Debug", "Clone", "PartialEq"];
            if all_optional {
                names.push("Default");
            }
            let derives = derive(
                quote!(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, #default),
                &names,
            );
            quote! {
                #doc
                #derives
                pub struct #name {
                    #(#fs)*
                    #extra
                }
                #cfg
                #serde_impls
            }
        }
        TypeKind::Enum {
            repr: EnumRepr::String,
            variants,
        } => {
            let vs = variants.iter().map(|v| {
                let n = ident(&v.name);
                let value = &v.value;
                let d = format!(" `{}`", value.replace('`', "'"));
                quote!(#[doc = #d] #n,)
            });
            let pairs = variants.iter().map(|v| {
                let n = ident(&v.name);
                let value = &v.value;
                quote!(#n = #value)
            });
            // The impls (as_str, Display, and serde through the wire string with
            // `Unknown` for the rest) come from one runtime macro rather than being written
            // out per enum: large specs have thousands of string enums. Not derived: serde's
            // derive with an untagged catch-all buffers and retries, and costs the compiler
            // several times more.
            let derives = derive(
                quote!(
                    ::std::fmt::Debug,
                    ::std::clone::Clone,
                    ::std::cmp::PartialEq,
                    ::std::cmp::Eq,
                    ::std::hash::Hash,
                    ::std::cmp::PartialOrd,
                    ::std::cmp::Ord
                ),
                &[
                    "Debug",
                    "Clone",
                    "PartialEq",
                    "Eq",
                    "Hash",
                    "PartialOrd",
                    "Ord",
                ],
            );
            quote! {
                #doc
                #derives
                pub enum #name {
                    #(#vs)*
                    /// A value this crate does not know yet, kept as sent.
                    Unknown(::std::string::String),
                }
                #cfg
                ::oagen_runtime::string_enum!(#name { #(#pairs),* });
            }
        }
        TypeKind::Enum {
            repr: EnumRepr::Integer,
            variants,
        } => {
            let vs = variants.iter().map(|v| {
                let n = ident(&v.name);
                let d = format!(" `{}`", v.value);
                quote!(#[doc = #d] #n,)
            });
            let lit = |v: &str| Literal::i64_unsuffixed(v.parse::<i64>().unwrap_or_default());
            let to = variants.iter().map(|v| {
                let n = ident(&v.name);
                let l = lit(&v.value);
                quote!(Self::#n => #l,)
            });
            let from = variants.iter().map(|v| {
                let n = ident(&v.name);
                let l = lit(&v.value);
                quote!(#l => Self::#n,)
            });
            let derives = derive(
                quote!(
                    ::std::fmt::Debug,
                    ::std::clone::Clone,
                    ::std::marker::Copy,
                    ::std::cmp::PartialEq,
                    ::std::cmp::Eq,
                    ::std::hash::Hash,
                    ::std::cmp::PartialOrd,
                    ::std::cmp::Ord
                ),
                &[
                    "Debug",
                    "Clone",
                    "Copy",
                    "PartialEq",
                    "Eq",
                    "Hash",
                    "PartialOrd",
                    "Ord",
                ],
            );
            quote! {
                #doc
                #derives
                pub enum #name {
                    #(#vs)*
                    /// A value this crate does not know yet, kept as sent.
                    Unknown(i64),
                }
                #cfg
                impl #name {
                    /// The value as sent on the wire.
                    pub fn value(self) -> i64 {
                        match self {
                            #(#to)*
                            Self::Unknown(other) => other,
                        }
                    }
                }
                #cfg
                impl ::std::convert::From<i64> for #name {
                    fn from(value: i64) -> Self {
                        match value {
                            #(#from)*
                            other => Self::Unknown(other),
                        }
                    }
                }
                #cfg
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        ::std::fmt::Display::fmt(&self.value(), f)
                    }
                }
                #cfg
                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        serializer.serialize_i64(self.value())
                    }
                }
                #cfg
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
                    }
                }
            }
        }
        TypeKind::Union {
            tag: None,
            variants,
        } => {
            let vs = variants.iter().map(union_variant);
            let derives = derive(
                quote!(
                    ::std::fmt::Debug,
                    ::std::clone::Clone,
                    ::std::cmp::PartialEq,
                    ::serde::Serialize,
                    ::serde::Deserialize
                ),
                &["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"],
            );
            quote! {
                #doc
                #derives
                #[serde(untagged)]
                pub enum #name {
                    #(#vs)*
                }
            }
        }
        TypeKind::Union {
            tag: Some(tag),
            variants,
        } => {
            let derives = derive(
                quote!(
                    ::std::fmt::Debug,
                    ::std::clone::Clone,
                    ::std::cmp::PartialEq
                ),
                &["Debug", "Clone", "PartialEq"],
            );
            tagged_union(&t.name, &doc, &derives, &cfg, tag, variants)
        }
        TypeKind::Alias(target) => {
            let target = ty(target, Scope::Types);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
    }
}

/// `#[derive(..)]` with the generated derives `base` (whose last path segments are `names`)
/// and the user's `extra` ones that the item does not derive already.
fn derive_attr(base: TokenStream, names: &[&str], extra: &[String]) -> TokenStream {
    let extra: Vec<TokenStream> = extra
        .iter()
        .filter(|p| !names.contains(&crate::ir::last_segment(p)))
        .map(|p| parse_tokens(p))
        .collect();
    if extra.is_empty() {
        return quote!(#[derive(#base)]);
    }
    // The list goes on after the generated derives (a trailing comma of theirs aside).
    let mut base: Vec<proc_macro2::TokenTree> = base.into_iter().collect();
    if matches!(base.last(), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == ',') {
        base.pop();
    }
    quote!(#[derive(#(#base)* #(, #extra)*)])
}

/// A Rust path or type the IR holds as text (checked when it was set), as tokens.
fn parse_tokens(text: &str) -> TokenStream {
    text.parse().unwrap_or_default()
}

fn union_variant(v: &UnionVariant) -> TokenStream {
    let n = ident(&v.name);
    let t = payload(v);
    let d = format!(" The `{}` alternative.", v.name);
    quote!(#[doc = #d] #n(#t),)
}

fn payload(v: &UnionVariant) -> TokenStream {
    let t = ty(&v.ty, Scope::Types);
    if v.boxed {
        quote!(::std::boxed::Box<#t>)
    } else {
        t
    }
}

/// A discriminated union. Decoding reads the tag and hands the whole object (tag included)
/// to the chosen variant; an unknown or missing tag selects the `defaultMapping` variant when
/// there is one, and is kept as `Unknown(Value)` otherwise (then the only `Unknown`). Encoding
/// writes the variant and adds the tag when the variant's type does not carry it.
fn tagged_union(
    name: &str,
    doc: &TokenStream,
    derives: &TokenStream,
    cfg: &TokenStream,
    tag: &str,
    variants: &[UnionVariant],
) -> TokenStream {
    let n = ident(name);
    let vs = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let t = payload(v);
        let tags = v
            .tags
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let d = if v.default {
            format!(" Selected by `{tag}` = {tags}, and when `{tag}` is missing or matches no other variant (the discriminator's `defaultMapping`).")
        } else {
            format!(" Selected by `{tag}` = {tags}.")
        };
        quote!(#[doc = #d] #vn(#t),)
    });
    let default = variants.iter().find(|v| v.default);
    let (unknown_variant, fallback_arm, unknown_ser) = match default {
        Some(v) => {
            let vn = ident(&v.name);
            let wrap = if v.boxed {
                quote!(|v| Self::#vn(::std::boxed::Box::new(v)))
            } else {
                quote!(Self::#vn)
            };
            (
                quote!(),
                quote!(_ => ::serde_json::from_value(value).map(#wrap).map_err(::serde::de::Error::custom),),
                quote!(),
            )
        }
        None => (
            quote! {
                /// A variant this crate does not know yet, kept as sent.
                Unknown(::serde_json::Value),
            },
            quote!(_ => ::std::result::Result::Ok(Self::Unknown(value)),),
            quote!(Self::Unknown(value) => return ::serde::Serialize::serialize(value, serializer),),
        ),
    };
    let de_arms = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let tags = &v.tags;
        let wrap = if v.boxed { quote!(|v| Self::#vn(::std::boxed::Box::new(v))) } else { quote!(Self::#vn) };
        quote! {
            #(::std::option::Option::Some(#tags))|* => ::serde_json::from_value(value).map(#wrap).map_err(::serde::de::Error::custom),
        }
    });
    let ser_arms = variants.iter().map(|v| {
        let vn = ident(&v.name);
        if v.default {
            // Its tag may be absent: written as the value has it.
            return quote!(Self::#vn(inner) => return ::serde::Serialize::serialize(inner, serializer),);
        }
        let first = v.tags.first().cloned().unwrap_or_default();
        quote!(Self::#vn(inner) => (::serde_json::to_value(inner), #first),)
    });
    quote! {
        #doc
        #derives
        pub enum #n {
            #(#vs)*
            #unknown_variant
        }
        #cfg
        impl<'de> ::serde::Deserialize<'de> for #n {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::string::ToString::to_string);
                match tag.as_deref() {
                    #(#de_arms)*
                    #fallback_arm
                }
            }
        }
        #cfg
        impl ::serde::Serialize for #n {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let (value, tag) = match self {
                    #(#ser_arms)*
                    #unknown_ser
                };
                let mut value = value.map_err(::serde::ser::Error::custom)?;
                if let ::serde_json::Value::Object(map) = &mut value {
                    map.entry(#tag).or_insert_with(|| ::serde_json::Value::String(tag.to_string()));
                }
                ::serde::Serialize::serialize(&value, serializer)
            }
        }
    }
}

fn field_is_option(f: &Field) -> bool {
    !f.required || f.nullable || f.write_only || matches!(f.ty, TypeRef::Option(_))
}

/// How a field is read and written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    /// Must be present; written always.
    Required,
    /// `Option<T>`: `None` when absent, left out when `None`.
    Optional,
    /// Required but nullable, `Option<T>`: `None` when absent or null, written as `null`.
    Nullable,
    /// A PATCH field, `Option<Option<T>>`: absent, null and a value stay distinct.
    TriState,
}

fn presence(f: &Field) -> Presence {
    if f.tri_state {
        Presence::TriState
    } else if !f.required || f.write_only {
        Presence::Optional
    } else if f.nullable && !matches!(f.ty, TypeRef::Prim(Prim::Value) | TypeRef::Option(_)) {
        Presence::Nullable
    } else {
        Presence::Required
    }
}

/// `Serialize` and `Deserialize` for a struct: one `oagen_runtime::object!` line listing each
/// field's kind and wire name. The runtime does the work in one type-erased loop rather than a
/// `serde_derive` expansion per struct, which costs the compiler several times more; the
/// behaviour is the derive's with the attributes the fields would need (`rename`, `default`,
/// `skip_serializing_if`, `flatten` for additional properties).
fn struct_serde(name: &proc_macro2::Ident, fields: &[Field], additional: bool) -> TokenStream {
    let fs = fields.iter().map(|f| {
        let n = ident(&f.ident);
        let wire = &f.wire;
        let kind = match presence(f) {
            Presence::Required => quote!(required),
            Presence::Optional => quote!(optional),
            Presence::Nullable => quote!(nullable),
            Presence::TriState => quote!(patch),
        };
        quote!(#kind #n = #wire)
    });
    if additional {
        quote!(::oagen_runtime::object!(#name { #(#fs,)* .. additional_properties });)
    } else {
        quote!(::oagen_runtime::object!(#name { #(#fs),* });)
    }
}

fn field(f: &Field) -> TokenStream {
    let mut d = f.doc.clone();
    if f.read_only {
        d.notes.push("Read-only: set by the server.".into());
    }
    if f.write_only {
        d.notes
            .push("Write-only: sent by the client, never returned.".into());
    }
    if !docs::has_text(&d) {
        d.summary = Some(format!("The `{}` property.", f.wire));
    }
    let doc = docs::attrs(&d);
    let name = ident(&f.ident);
    let base = ty(&f.ty, Scope::Types);
    let base = if f.boxed {
        quote!(::std::boxed::Box<#base>)
    } else {
        base
    };
    let rust_ty = match presence(f) {
        Presence::TriState => quote!(::std::option::Option<::std::option::Option<#base>>),
        Presence::Optional | Presence::Nullable => quote!(::std::option::Option<#base>),
        Presence::Required => base,
    };
    quote! {
        #doc
        pub #name: #rust_ty,
    }
}
