//! The plan rendered as a Rust module for the harness.

use crate::plan::plan;
use crate::ContractOptions;
use oagen::ir::{Api, AuthScheme, BodyKind, Output, PaginationStyle, Prim, ResponseBody, TypeRef};
use oagen::rust::{ident, prim};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// The Rust type of a reference, written from outside the client crate.
fn client_ty(t: &TypeRef, client: &TokenStream) -> TokenStream {
    match t {
        TypeRef::Prim(p) => prim(*p),
        TypeRef::Named(n) => {
            let i = ident(n);
            quote!(#client::types::#i)
        }
        TypeRef::Vec(inner) => {
            let i = client_ty(inner, client);
            quote!(::std::vec::Vec<#i>)
        }
        TypeRef::Map(inner) => {
            let i = client_ty(inner, client);
            quote!(::std::collections::BTreeMap<::std::string::String, #i>)
        }
        TypeRef::Option(inner) => {
            let i = client_ty(inner, client);
            quote!(::std::option::Option<#i>)
        }
    }
}

fn path_tokens(path: &str) -> Result<TokenStream, String> {
    syn::parse_str::<syn::Path>(path)
        .map(|p| quote!(#p))
        .map_err(|e| format!("`{path}` is not a Rust path: {e}"))
}

/// The value of a parameter or body as an argument expression.
fn arg_expr(
    ty: &TypeRef,
    value: &Value,
    string_into: bool,
    client: &TokenStream,
    h: &TokenStream,
) -> TokenStream {
    if string_into {
        let s = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return quote!(#s);
    }
    let t = client_ty(ty, client);
    let json = value.to_string();
    quote!(#h::arg::<#t>(#json)?)
}

/// Renders the contract-test module of an API: `PROVIDER`, `OPERATIONS`, one `async fn` per
/// operation and `run(base_url, &mut Run)`.
///
/// # Errors
/// When a path in `opts` does not parse, or the result is not valid Rust (a bug).
pub fn render_tests(api: &Api, opts: &ContractOptions) -> Result<String, String> {
    let client_path = opts.client_path.clone().unwrap_or_else(|| {
        format!(
            "::{}",
            heck::ToSnakeCase::to_snake_case(api.crate_name.as_str())
        )
    });
    let client = path_tokens(&client_path)?;
    let h = path_tokens(&opts.harness_path)?;
    let calls = plan(api, &opts.api_key);
    let mut infos = Vec::new();
    let mut fns = Vec::new();
    let mut records = Vec::new();
    let ops = api.modules.iter().flat_map(|m| m.operations.iter());
    for (i, (op, call)) in ops.zip(&calls).enumerate() {
        let streaming = matches!(op.output, Output::Single(ResponseBody::Binary));
        let events = matches!(op.output, Output::Single(ResponseBody::Stream(_)));
        let id = &op.id;
        let method = &op.http_method;
        let path = &op.path;
        let paginated = op.pagination.is_some();
        infos.push(quote! {
            #h::OperationInfo { id: #id, method: #method, path: #path, paginated: #paginated, streaming: #streaming },
        });
        let fn_name = ident(&format!(
            "call_{}",
            heck::ToSnakeCase::to_snake_case(op.method_name.trim_start_matches("r#"))
        ));
        let method_ident = ident(&op.method_name);
        let value_of = |ident_: &str| {
            call.params
                .iter()
                .find(|(i, _)| i == ident_)
                .map(|(_, v)| v)
        };
        let mut positional = Vec::new();
        let mut setters = Vec::new();
        for p in &op.params {
            let Some(v) = value_of(&p.ident) else {
                continue;
            };
            let is_string = matches!(p.ty, TypeRef::Prim(Prim::String));
            let e = arg_expr(&p.ty, v, is_string, &client, &h);
            if p.required {
                positional.push(e);
            } else {
                let s = ident(&p.ident);
                setters.push(quote!(.#s(#e)));
            }
        }
        if let (Some(b), Some(v)) = (&op.body, &call.body) {
            let e = match b.kind {
                BodyKind::Text => {
                    let s = v.as_str().unwrap_or("oagen contract test body");
                    quote!(#s)
                }
                BodyKind::Bytes => {
                    let s = v.as_str().unwrap_or("oagen contract test body");
                    quote!(::std::vec::Vec::<u8>::from(#s))
                }
                _ => arg_expr(&b.ty, v, false, &client, &h),
            };
            if b.required {
                positional.push(e);
            } else {
                setters.push(quote!(.body(#e)));
            }
        }
        if let Some((name, value)) = &call.auth_header {
            setters.push(quote!(.header(#name, #value)));
        }
        let request = quote!(client.#method_ident(#(#positional),*) #(#setters)*);
        let body = if events {
            quote! {
                let request = #request;
                #h::check_events(request.send().await).await
            }
        } else if streaming {
            quote! {
                let request = #request;
                #h::check_streaming(request.send_with_response().await).await
            }
        } else if let Some(p) = &op.pagination {
            let items = &p.items;
            let follows_links = matches!(
                p.style,
                PaginationStyle::NextUrl { .. } | PaginationStyle::LinkHeader
            );
            quote! {
                let request = #request;
                let page = #h::check_response(::std::clone::Clone::clone(&request).send_with_response().await)?;
                let first = #h::count_items(&page, #items)?;
                let mut paginator = request.into_paginator();
                if let ::std::option::Option::Some(cap) = #h::items_cap(first, #follows_links) {
                    paginator = paginator.max_items(cap);
                }
                #h::check_items(first, paginator.items()).await
            }
        } else {
            quote! {
                let request = #request;
                #h::check_response(request.send_with_response().await)?;
                ::std::result::Result::Ok(#h::Checked::one())
            }
        };
        let doc = format!(" `{} {}` (`{}`).", op.http_method, op.path, op.id);
        fns.push(quote! {
            #[doc = #doc]
            pub async fn #fn_name(client: &#client::Client) -> ::std::result::Result<#h::Checked, #h::Failure> {
                #body
            }
        });
        records.push(quote!(run.record(&OPERATIONS[#i], #fn_name(&client).await).await;));
    }
    let key = &opts.api_key;
    // A credential for every security scheme (each operation sends what its requirement
    // names), through the scheme's own builder setter.
    let auth = api.schemes.iter().map(|s| {
        let setter = ident(&s.setter);
        match s.kind {
            AuthScheme::Basic => quote!(.#setter("oagen", #key)),
            _ => quote!(.#setter(#key)),
        }
    });
    let auth = quote!(#(#auth)*);
    // An API with webhooks and no operations calls nothing.
    if records.is_empty() {
        records.push(quote!(let _ = client;));
    }
    let provider = &api.crate_name;
    let title = &api.title;
    let tokens = quote! {
        /// The client crate's name.
        pub const PROVIDER: &str = #provider;
        /// The API's title.
        pub const TITLE: &str = #title;
        /// Every operation, in the order they are called.
        pub const OPERATIONS: &[#h::OperationInfo] = &[#(#infos)*];

        /// A client for a mock server at `base_url`, with retries disabled.
        ///
        /// # Errors
        /// When the client cannot be built.
        pub fn client(base_url: &str) -> #client::Result<#client::Client> {
            #client::Client::builder()
                .base_url(base_url)
                #auth
                .retry_policy(#client::RetryPolicy::disabled())
                .build()
        }

        /// Calls every operation once against the mock server at `base_url`.
        pub async fn run(base_url: &str, run: &mut #h::Run) {
            let client = match client(base_url) {
                ::std::result::Result::Ok(c) => c,
                ::std::result::Result::Err(e) => {
                    run.fail_all(OPERATIONS, #h::Failure::harness(::std::format!("cannot build the client: {e}")));
                    return;
                }
            };
            #(#records)*
        }

        #(#fns)*
    };
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: the contract tests are not valid Rust: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
