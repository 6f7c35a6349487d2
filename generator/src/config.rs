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

use crate::error::Error;
use crate::options::{ClientToml, Options, OptionsToml};
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

/// Reads `oagen.toml`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Config`] when it is malformed (the
/// message names the line and the key).
pub fn read(path: &Path) -> Result<Vec<ClientJob>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// The whole file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigToml {
    #[serde(default)]
    options: OptionsToml,
    #[serde(default)]
    client: Vec<ClientToml>,
}

/// Parses the text of a config file located at `path`.
///
/// # Errors
/// [`Error::Config`] when it is malformed.
pub fn parse(text: &str, path: &Path) -> Result<Vec<ClientJob>, Error> {
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let file: ConfigToml = toml::from_str(text).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let mut defaults = Options::default();
    defaults.merge_toml(&file.options);
    let mut jobs = Vec::new();
    for c in &file.client {
        let spec = base.join(&c.spec);
        let out = base.join(&c.out);
        let mut options = defaults.clone();
        options.merge_toml(&c.options());
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
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `crate_nam`"), "{err}");
        assert!(
            err.starts_with("oagen.toml: TOML parse error at line 4"),
            "{err}"
        );
        let err = parse("[optoins]\n", Path::new("oagen.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `optoins`"), "{err}");
    }
}
