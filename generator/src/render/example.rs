//! The generated crate's `examples/quickstart.rs` and `README.md`: create the client, make
//! one call, loop over a paginated list, handle an error. The example is compiled with the
//! crate (`cargo build --examples`), so the README's code cannot rot.

use super::ident;
use crate::ir::{Api, AuthScheme, OpRef, Operation, Param, Prim, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// An argument expression for a required parameter, when one can be written blindly (the
/// types the IR's choice of quickstart operations allows).
fn example_arg(p: &Param) -> Option<TokenStream> {
    Some(match &p.ty {
        TypeRef::Prim(Prim::String) => {
            let s = format!(
                "example-{}",
                p.wire.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
            );
            quote!(#s)
        }
        TypeRef::Prim(Prim::I32 | Prim::I64) => quote!(1),
        TypeRef::Prim(Prim::Bool) => quote!(true),
        TypeRef::Prim(Prim::Uuid) => quote!(::uuid::Uuid::nil()),
        _ => return None,
    })
}

/// The operation `r` names and the arguments of its required parameters (the IR chose it
/// because each can be written; see `ir::Quickstart`).
fn call_of(api: &Api, r: Option<OpRef>) -> Option<(&Operation, Vec<TokenStream>)> {
    let r = r?;
    let op = api.modules.get(r.module)?.operations.get(r.operation)?;
    let args = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(example_arg)
        .collect::<Option<Vec<_>>>()?;
    Some((op, args))
}

/// The example's source code; `attrs` go first on each item. The README shows it without
/// its inner doc line (`titled: false`).
pub fn quickstart(api: &Api, attrs: &TokenStream, titled: bool) -> TokenStream {
    let krate = ident(&api.crate_name.replace('-', "_"));
    let list = call_of(api, api.quickstart.list);
    let single = call_of(api, api.quickstart.call);
    let one_call = single.map(|(op, args)| {
        let m = ident(&op.method_name);
        quote! {
            match client.#m(#(#args),*).send().await {
                Ok(value) => println!("{value:?}"),
                Err(#krate::Error::Api(error)) => {
                    eprintln!("the API said {}: {:?}", error.status(), error.body());
                    if let Some(wait) = error.retry_after() {
                        eprintln!("rate limited; retry after {wait:?}");
                    }
                }
                Err(other) => return Err(other.into()),
            }
        }
    });
    let paginate = list.map(|(op, args)| {
        let m = ident(&op.method_name);
        quote! {
            let mut items = ::std::pin::pin!(client.#m(#(#args),*).into_paginator().max_items(100).items());
            while let Some(item) = items.next().await {
                let item = item?;
                println!("{item:?}");
            }
        }
    });
    let stream_use = if paginate.is_some() {
        quote!(
            #attrs
            use ::futures::StreamExt as _;
        )
    } else {
        quote!()
    };
    let create = if api.auth.is_some() {
        quote! {
            let client = #krate::Client::from_env()?;
        }
    } else {
        quote!(let client = #krate::Client::new()?;)
    };
    let title = format!(" Quickstart for the {} client.", api.title.trim());
    let title = if titled {
        quote!(#![doc = #title])
    } else {
        quote!()
    };
    let create = match &api.auth {
        Some(crate::ir::AuthScheme::Basic) => quote! {
            let client = #krate::Client::from_env("user")?;
        },
        _ => create,
    };
    quote! {
        #title
        #stream_use

        #attrs
        #[tokio::main]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #create
            #one_call
            #paginate
            Ok(())
        }
    }
}

/// The README's "Credentials" section: one row per security scheme, and the environment
/// variables `Client::from_env` reads.
fn credentials_section(api: &Api) -> String {
    let mut out = String::from("## Credentials\n\n");
    if api.schemes.is_empty() {
        out.push_str(&format!(
            "The API declares no security scheme. `Client::from_env()` reads the base URL from `{}` when it is set.\n\n",
            api.base_url_env
        ));
        return out;
    }
    out.push_str(
        "The client builder takes one credential per security scheme of the API. Each operation sends \
the credentials its own security requirement names (the first alternative whose schemes all have \
a credential, every scheme of it); an operation whose credential is missing fails before sending, \
with an error naming the scheme and its environment variable. `Client::from_env()` reads each \
credential from its variable, and the base URL from ",
    );
    out.push_str(&format!("`{}` when it is set.\n\n", api.base_url_env));
    out.push_str(
        "| Scheme | Builder method | Environment variable | Sent as |\n|---|---|---|---|\n",
    );
    for (i, sch) in api.schemes.iter().enumerate() {
        let setter = crate::ident::bare(&sch.setter);
        let (args, sent) = match &sch.kind {
            AuthScheme::Bearer => ("key", "`Authorization: Bearer <key>`".to_string()),
            AuthScheme::Basic => ("username, password", "HTTP Basic".to_string()),
            AuthScheme::Header {
                name,
                prefix: Some(p),
            } => ("key", format!("`{name}: {p} <key>`")),
            AuthScheme::Header { name, prefix: None } => ("key", format!("`{name}` header")),
            AuthScheme::Query { name } => ("key", format!("`{name}` query parameter")),
            AuthScheme::Cookie { name } => ("key", format!("`{name}` cookie")),
        };
        let also = match (i, &sch.kind) {
            (0, AuthScheme::Basic) => " (also `basic_auth`)",
            (0, _) => " (also `api_key`)",
            _ => "",
        };
        let env = match sch.kind {
            AuthScheme::Basic if i > 0 => format!("`{}` (`user:password`)", sch.env_var),
            _ => format!("`{}`", sch.env_var),
        };
        out.push_str(&format!(
            "| `{}` | `{setter}({args})`{also} | {env} | {sent} |\n",
            sch.name.replace('|', "\\|")
        ));
    }
    out.push('\n');
    out
}

/// What a program that calls the crate adds to its own `Cargo.toml`: Tokio to run the
/// futures (with the features `#[tokio::main]` needs), and `futures` for the streams of
/// paginated operations, when the API has any.
fn dependencies_section(api: &Api) -> String {
    let name = &api.crate_name;
    let paginated = api
        .modules
        .iter()
        .flat_map(|m| m.operations.iter())
        .any(|op| op.pagination.is_some());
    let mut out = String::from("## Dependencies\n\n");
    out.push_str(if paginated {
        "A program that calls this crate adds it, Tokio (the runtime the HTTP client runs on; \
`macros` and `rt-multi-thread` for `#[tokio::main]`) and `futures` (`StreamExt`, for the \
`.pages()` and `.items()` streams) to its own `Cargo.toml`:\n\n"
    } else {
        "A program that calls this crate adds it and Tokio (the runtime the HTTP client runs on; \
`macros` and `rt-multi-thread` for `#[tokio::main]`) to its own `Cargo.toml`:\n\n"
    });
    out.push_str(&format!(
        "```toml\n[dependencies]\n{name} = {{ path = \"../{name}\" }}  # the directory `oagen generate` wrote\n\
tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n"
    ));
    if paginated {
        out.push_str("futures = \"0.3\"\n");
    }
    out.push_str("```\n\n");
    out
}

/// The README's "Features" section, when the crate has features: how to pick tags, and what
/// each feature compiles.
fn features_section(api: &Api) -> String {
    use crate::ir::{ALL_TYPES_FEATURE, DEFAULT_FEATURE, FULL_FEATURE, TRACING_FEATURE};
    if !api.features.iter().any(|f| f.name == FULL_FEATURE) {
        return String::new();
    }
    let example = api
        .features
        .iter()
        .find(|f| {
            ![
                DEFAULT_FEATURE,
                FULL_FEATURE,
                ALL_TYPES_FEATURE,
                TRACING_FEATURE,
            ]
            .contains(&f.name.as_str())
        })
        .map_or("", |f| f.name.as_str());
    let mut out = String::from(
        "## Features

",
    );
    out.push_str(&format!(
        "Each tag module of the API is a Cargo feature, and `{FULL_FEATURE}` (a default feature) enables them all. \
To compile only the operations you call and the types they use, turn the default features off and name the tags \
in your dependency on `{}`, with `{TRACING_FEATURE}` if you want its spans: \
`default-features = false, features = [\"{example}\", \"{TRACING_FEATURE}\"]`.\n\n",
        api.crate_name
    ));
    out.push_str("| Feature | Compiles |\n|---|---|\n");
    for f in api.features.iter().filter(|f| f.name != DEFAULT_FEATURE) {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            f.name,
            f.doc.replace('|', "\\|")
        ));
    }
    out.push('\n');
    out
}

/// The README's "Streams" section, when an operation answers with a stream: how to read it,
/// with the first such operation as the example.
fn streams_section(api: &Api) -> String {
    use crate::ir::{Output, ResponseBody};
    let found = api
        .modules
        .iter()
        .flat_map(|m| &m.operations)
        .find_map(|op| match (&op.output, &op.stream) {
            (Output::Single(ResponseBody::Stream(s)), _) => Some((op, &**s, "send")),
            (_, Some(s)) => Some((op, s, "stream")),
            _ => None,
        });
    let Some((op, stream, call)) = found else {
        return String::new();
    };
    let mut args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.ident.trim_start_matches("r#").to_owned())
        .collect();
    if op.body.as_ref().is_some_and(|b| b.required) {
        args.push("body".into());
    }
    let method = op.method_name.trim_start_matches("r#");
    let mut text = String::from("## Streams\n\n");
    text.push_str(&format!(
        "`{method}` answers with a stream (`{}`): {} returns an `oagen_runtime::EventStream`, a \
`futures::Stream` of typed items read from the body as they arrive; the body is never held whole. \
An event that does not decode is an `Err` item naming the event and the JSON path, and the items \
after it still come (`.stop_on_error()` ends at the first). Dropping the stream closes the \
connection.",
        stream.media_type,
        if call == "send" {
            "`.send().await`".to_owned()
        } else {
            "`.stream().await` (`.send()` keeps the JSON answer)".to_owned()
        }
    ));
    if let Some(sentinel) = &stream.sentinel {
        text.push_str(&format!(" The stream ends at the data `{sentinel}`."));
    }
    text.push_str(
        " After a dropped connection, a `GET` stream of server-sent events reconnects with \
`Last-Event-ID`, after the server's `retry:` delay and within the retry policy; a `POST` stream \
never does unless you call `.reconnect_non_idempotent()`.\n\n```rust,ignore\nuse futures::StreamExt;\n\n",
    );
    text.push_str(&format!(
        "let mut stream = client.{method}({}).{call}().await?;\nwhile let Some(item) = stream.next().await {{\n    let item = item?;\n    println!(\"{{item:?}}\");\n}}\n```\n\n",
        args.join(", ")
    ));
    text
}

/// The crate's README, before and after the quickstart's code (the code block's fences
/// included).
pub fn readme(api: &Api) -> (String, String) {
    let name = &api.crate_name;
    let title = api.title.trim();
    let mut out = String::new();
    out.push_str(&format!(
        "<!-- {} by oagen. Do not edit by hand. -->\n\n",
        super::GENERATED_MARKER
    ));
    out.push_str(&format!(
        "# `{name}`: a typed Rust client for {}\n\n",
        super::docs::api_name(title)
    ));
    if let Some(d) = &api.description {
        let first = d.split("\n\n").next().unwrap_or("").trim();
        if !first.is_empty() {
            out.push_str(first);
            out.push_str("\n\n");
        }
    }
    out.push_str(&format!(
        "Generated by [oagen](https://docs.rs/oagen) from the API's OpenAPI description (API version `{}`).\n\n",
        api.version
    ));
    if let Some(url) = &api.base_url {
        out.push_str(&format!("Default base URL: `{url}`.\n\n"));
    }
    out.push_str("## Quickstart\n\n");
    if api.auth.is_some() {
        out.push_str(&format!(
            "Set `{}` to your API key. Then (this is `examples/{}_quickstart.rs`, compiled with the crate{}):\n\n",
            api.env_var,
            api.crate_name.replace('-', "_"),
            match api.quickstart.required_features.as_slice() {
                [] => String::new(),
                f => format!(
                    " when {} enabled",
                    f.iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                        + if f.len() == 1 { " is" } else { " are" }
                ),
            }
        ));
    }
    out.push_str("```rust,no_run\n");
    let head = out;
    let mut out = String::from("\n```\n\n");
    out.push_str(&dependencies_section(api));
    out.push_str(&super::webhooks::readme_section(api));
    out.push_str(&features_section(api));
    out.push_str(&credentials_section(api));
    let streams = streams_section(api);
    out.push_str(&format!(
        "## Configuration\n\n\
`Client::builder()` sets the base URL, credentials, timeouts (connect and total), the retry policy \
(`RetryPolicy::default()` retries 429, 502, 503, 504 and connection errors with exponential backoff \
and jitter, honouring `Retry-After`; POST and PATCH are retried only when that is safe; \
`RetryPolicy::disabled()` turns retries off), the user agent, default headers, \
`max_error_body(bytes)` (how much of an error response body is read and kept, 1 MiB by default; \
a longer one is cut and marked truncated) and an injected `reqwest::Client`. A `Client` is cheap \
to clone and can be shared across tasks.\n\n\
## Calls\n\n\
Each operation is a method on `Client`. Required parameters are arguments; optional ones are \
setters on the returned request builder, which you finish with `.send().await`. \
`.send_with_response()` also returns the status, headers and rate-limit information, and \
`.timeout(..)` / `.header(..)` override the client's settings for one request. List operations \
also offer `.pages()` and `.items()` streams, and `.into_paginator().max_items(n)`; a stream \
whose next cursor or link points back at a page already fetched ends with \
`Error::PaginationCycle`. A path parameter that is empty, `null`, `.` or `..` once serialized \
would address another resource: the call fails with `Error::InvalidRequest` and sends nothing.\n\n\
{streams}## Secrets\n\n\
Credentials never show: the `Debug` output of the client, its builder and every request builder, \
and the text of every error, print `***` for the API key and for the `Authorization`, \
`Proxy-Authorization` and `Cookie` headers and the headers, query parameters and cookies the \
API's security schemes name, wherever they were set (default headers, per-request headers, \
parameters).\n\n\
## Errors\n\n\
Every call returns `Result<T, Error>`. `Error::Api` carries the status, headers, the provider's \
error body (typed when it parses, raw otherwise), `retry_after()` and the rate limit; the other \
variants are transport, timeout, decode (naming the JSON path that failed), invalid-request, \
redirect (a redirect that was not followed, such as one to another origin, which would take the \
credentials elsewhere) and pagination-cycle errors. `error.status()` and `error.is_rate_limited()` help in the common cases.\n\n\
## Tracing\n\n\
With the crate's `tracing` feature (on by default; it turns on the `tracing` feature of \
`oagen-runtime`), each request is an `oagen.request` span of the `tracing` crate with the operation id, the method, the spec's URL template (never the \
URL with its parameter values or query), the number of attempts, the status and the duration; \
retries and waits the server asked for (`Retry-After`, rate-limit resets) are events inside it. \
Install any `tracing` subscriber to see them. To build without it, depend on this crate with \
`default-features = false` (and name the other features you use).\n\n\
## Hooks\n\n\
`ClientBuilder::interceptor(..)` adds an `oagen_runtime::Interceptor`: code run around every \
attempt of every request, retries included. Its `before_attempt` gets the finished request \
(credentials, headers and body in place) and may add headers, for example a signature over the \
method, path, body and a timestamp, which is then computed afresh for each retry; its \
`on_response` observes the status and headers of every response.\n",
    ));
    (head, out)
}
