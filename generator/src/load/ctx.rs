//! The state the load steps share: the root, the files referred to, their origins.

use super::*;
use std::path::Component;

/// What happened to a file someone referred to.
#[derive(Debug)]
pub(crate) enum FileState {
    Loaded(Value),
    /// Could not be read; the I/O message.
    Missing(String),
    /// Read but not parsed (the parse error was reported).
    Broken,
}

/// State shared by the load steps.
pub(crate) struct Ctx {
    /// The root path as given.
    pub root: PathBuf,
    /// The root path, lexically normalized (for comparisons).
    pub root_norm: PathBuf,
    /// Files referred to, by normalized path.
    pub files: BTreeMap<PathBuf, FileState>,
    pub sources: SourceMap,
}

impl Ctx {
    pub(super) fn new(root: &Path) -> Self {
        Ctx {
            root: root.to_path_buf(),
            root_norm: normalize_path(root),
            files: BTreeMap::new(),
            sources: SourceMap::new(root),
        }
    }

    /// The path used in diagnostics for a normalized path: the root as
    /// given, anything else as derived.
    pub fn display_path(&self, norm: &Path) -> PathBuf {
        if norm == self.root_norm {
            self.root.clone()
        } else {
            norm.to_path_buf()
        }
    }

    /// Every file read successfully or not, except missing ones.
    pub(super) fn loaded_files(&self) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|(_, s)| !matches!(s, FileState::Missing(_)))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// Reads and parses `norm` once; later calls return the cached state.
    pub fn file(&mut self, norm: &Path, diags: &mut Diagnostics) -> &FileState {
        if !self.files.contains_key(norm) {
            let state = match std::fs::read_to_string(norm) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    FileState::Missing("no such file".into())
                }
                Err(e) => FileState::Missing(e.to_string()),
                Ok(text) => {
                    let format = Format::detect(norm, &text);
                    let parsed = parse::parse(&text, format);
                    let parsed = match parsed {
                        Ok(v) => match check_size(&v, norm) {
                            Ok(()) => Ok(v),
                            Err(d) => {
                                diags.push(*d);
                                self.files.insert(norm.to_path_buf(), FileState::Broken);
                                return self.files.get(norm).unwrap_or(&FileState::Broken);
                            }
                        },
                        Err(e) => Err(e),
                    };
                    if parsed.is_ok() {
                        self.sources.add_file(norm, Cow::Borrowed(&text), format);
                    }
                    diags.add_source(norm, text);
                    match parsed {
                        Ok(v) => FileState::Loaded(v),
                        Err(e) => {
                            diags.push(parse_error(norm, format, &e));
                            FileState::Broken
                        }
                    }
                }
            };
            self.files.insert(norm.to_path_buf(), state);
        }
        self.files.get(norm).unwrap_or(&FileState::Broken)
    }
}

/// Lexical normalization: drops `.` components and folds `dir/..`.
pub(crate) fn normalize_path(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}
