//! `oagen.toml`: the list of clients that `oagen generate` and `oagen check` work on.
//!
//! ```toml
//! [options]                         # defaults for every client: any option key
//! runtime-path = "generator/runtime"
//!
//! [[client]]
//! spec = "specs/weflow.yaml"        # relative to this file
//! out = "generated/weflow"          # the crate directory
//! crate-name = "weflow"             # any option key, for this client only
//! ```

use crate::options::{Options, OptionsToml};
use std::path::{Component, Path, PathBuf};

/// One client of the config file, with paths resolved against the file's directory.
#[derive(Clone, Debug)]
pub struct ClientJob {
    /// The spec.
    pub spec: PathBuf,
    /// The crate directory.
    pub out: PathBuf,
    /// The options, with the runtime path made relative to `out`.
    pub options: Options,
}

/// Reads `oagen.toml`. Errors are messages naming the file.
pub fn read(path: &Path) -> Result<Vec<ClientJob>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text, path)
}

fn known_keys() -> Vec<&'static str> {
    Options::names().iter().map(|(_, _, key)| *key).collect()
}

fn check_keys(table: &toml::Table, extra: &[&str], what: &str, path: &Path) -> Result<(), String> {
    let known = known_keys();
    for k in table.keys() {
        if !known.contains(&k.as_str()) && !extra.contains(&k.as_str()) {
            return Err(format!(
                "{}: unknown key `{k}` in {what}; expected one of: {}",
                path.display(),
                extra
                    .iter()
                    .chain(known.iter())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}

/// Parses the text of a config file located at `path`.
pub fn parse(text: &str, path: &Path) -> Result<Vec<ClientJob>, String> {
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let table: toml::Table =
        toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?;
    for k in table.keys() {
        if k != "options" && k != "client" {
            return Err(format!(
                "{}: unknown section `{k}`; expected `[options]` or `[[client]]`",
                path.display()
            ));
        }
    }
    let mut defaults = Options::default();
    if let Some(opts) = table.get("options") {
        let t = opts
            .as_table()
            .ok_or_else(|| format!("{}: `options` must be a table", path.display()))?;
        check_keys(t, &[], "[options]", path)?;
        let o: OptionsToml = opts
            .clone()
            .try_into()
            .map_err(|e| format!("{}: [options]: {e}", path.display()))?;
        defaults.merge_toml(&o);
    }
    let clients = match table.get("client") {
        Some(toml::Value::Array(a)) => a.clone(),
        Some(_) => {
            return Err(format!(
                "{}: `client` must be an array of tables (`[[client]]`)",
                path.display()
            ))
        }
        None => Vec::new(),
    };
    let mut jobs = Vec::new();
    for (i, c) in clients.iter().enumerate() {
        let t = c
            .as_table()
            .ok_or_else(|| format!("{}: client #{} must be a table", path.display(), i + 1))?;
        check_keys(t, &["spec", "out"], &format!("client #{}", i + 1), path)?;
        let get = |k: &str| -> Result<PathBuf, String> {
            t.get(k)
                .and_then(toml::Value::as_str)
                .map(|s| base.join(s))
                .ok_or_else(|| {
                    format!("{}: client #{} needs a `{k}` string", path.display(), i + 1)
                })
        };
        let spec = get("spec")?;
        let out = get("out")?;
        let o: OptionsToml = c
            .clone()
            .try_into()
            .map_err(|e| format!("{}: client #{}: {e}", path.display(), i + 1))?;
        let mut options = defaults.clone();
        options.merge_toml(&o);
        if let Some(rt) = &options.runtime_path {
            let rt = if rt.is_absolute() {
                rt.clone()
            } else {
                base.join(rt)
            };
            options.runtime_path = Some(relative(&out, &rt));
        }
        jobs.push(ClientJob { spec, out, options });
    }
    Ok(jobs)
}

fn normalize(p: &Path) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.last().is_some_and(|l| l != "..") {
                    out.pop();
                } else {
                    out.push("..".into());
                }
            }
            other => out.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    out
}

/// The path of `to` relative to the directory `from` (both relative to the same base).
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let f = normalize(from);
    let t = normalize(to);
    let common = f.iter().zip(t.iter()).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for part in &t[common..] {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(
                Path::new("generated/weflow"),
                Path::new("generator/runtime")
            ),
            PathBuf::from("../../generator/runtime")
        );
        assert_eq!(
            relative(Path::new("./a"), Path::new("a/b")),
            PathBuf::from("b")
        );
    }

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let jobs = parse(
            "[options]\nruntime-path = \"generator/runtime\"\n[[client]]\nspec = \"specs/a.yaml\"\nout = \"generated/a\"\ncrate-name = \"a\"\n",
            Path::new("oagen.toml"),
        )
        .unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].options.crate_name.as_deref(), Some("a"));
        assert_eq!(
            jobs[0].options.runtime_path,
            Some(PathBuf::from("../../generator/runtime"))
        );
        let err = parse(
            "[[client]]\nspec = \"a\"\nout = \"b\"\ncrate_nam = \"x\"\n",
            Path::new("oagen.toml"),
        )
        .unwrap_err();
        assert!(err.contains("unknown key `crate_nam`"), "{err}");
    }
}
