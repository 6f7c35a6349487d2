//! Where every part of a bundled document came from: the file, the pointer in it, and the
//! line and column (indexed lazily, per file).

use super::*;

/// Origins and positions of every part of a bundled document.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    root: PathBuf,
    positions: BTreeMap<PathBuf, Arc<FilePositions>>,
    /// Document pointer of a bundled or inlined subtree → (file, pointer in
    /// that file) it was copied from.
    origins: BTreeMap<String, (PathBuf, String)>,
    /// For a root written in Swagger 2.0: pointer in the converted (3.0)
    /// root → pointer in the root as written (longest prefix wins; a pointer
    /// with no entry stayed where it was).
    converted: BTreeMap<String, String>,
    /// For a root written in Swagger 2.0: pointer in the root as written,
    /// after other files were bundled into it → (file, pointer) it came from.
    converted_origins: BTreeMap<String, (PathBuf, String)>,
}

impl SourceMap {
    pub(super) fn new(root: &Path) -> Self {
        SourceMap {
            root: root.to_path_buf(),
            ..Default::default()
        }
    }

    /// The root file.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file and in-file pointer a document pointer came from.
    pub fn origin(&self, pointer: &str) -> (PathBuf, String) {
        let (file, fptr) = longest_prefix(&self.origins, pointer)
            .map(|((file, fptr), rest)| (file.clone(), format!("{fptr}{rest}")))
            .unwrap_or_else(|| (self.root.clone(), pointer.to_string()));
        if file != self.root || (self.converted.is_empty() && self.converted_origins.is_empty()) {
            return (file, fptr);
        }
        // A Swagger 2.0 root: back from the converted document to the one
        // as written, then to the file a bundled part came from.
        let written = longest_prefix(&self.converted, &fptr)
            .map(|(to, rest)| format!("{to}{rest}"))
            .unwrap_or(fptr);
        longest_prefix(&self.converted_origins, &written)
            .map(|((file, fptr), rest)| (file.clone(), format!("{fptr}{rest}")))
            .unwrap_or((file, written))
    }

    /// Records that the converted root's `converted_ptr` stands for
    /// `written_ptr` in the Swagger 2.0 root as written (see
    /// [`super::swagger2`]).
    pub(super) fn add_converted(&mut self, converted_ptr: &str, written_ptr: &str) {
        if converted_ptr != written_ptr {
            self.converted
                .insert(converted_ptr.to_string(), written_ptr.to_string());
        }
    }

    /// A pointer of the root document as it is written in the root file:
    /// for a converted Swagger 2.0 root, `/components/schemas/Pet` is
    /// `/definitions/Pet` (for messages that quote a `$ref`).
    pub(crate) fn written_pointer(&self, pointer: &str) -> String {
        longest_prefix(&self.converted, pointer)
            .map(|(to, rest)| format!("{to}{rest}"))
            .unwrap_or_else(|| pointer.to_string())
    }

    /// The location of a pointer into the Swagger 2.0 root as written
    /// (after bundling, before conversion).
    pub(super) fn locate_written(&self, written: &str) -> Location {
        let (file, fptr) = longest_prefix(&self.converted_origins, written)
            .map(|((file, fptr), rest)| (file.clone(), format!("{fptr}{rest}")))
            .unwrap_or_else(|| (self.root.clone(), written.to_string()));
        self.locate_in(&file, &fptr)
    }

    /// Records that the Swagger 2.0 root's `written_ptr` was bundled from
    /// `file_ptr` in `file` (before conversion).
    pub(super) fn add_converted_origin(&mut self, written_ptr: &str, file: &Path, file_ptr: &str) {
        self.converted_origins.insert(
            written_ptr.to_string(),
            (file.to_path_buf(), file_ptr.to_string()),
        );
    }

    /// See [`LoadedSpec::locate`].
    pub fn locate(&self, pointer: &str) -> Location {
        let (file, fptr) = self.origin(pointer);
        self.locate_in(&file, &fptr)
    }

    /// The number at `pointer` as it is written in its file (`1.10`, not
    /// `1.1`), for repairs that read a number as the string it was written
    /// as. `None` when the position or the text cannot be found.
    pub(crate) fn raw_scalar(&self, pointer: &str) -> Option<String> {
        let (file, fptr) = self.origin(pointer);
        let pos = self.positions.get(&file)?;
        let (line, col) = pos.get(&fptr)?;
        let text = pos.text.lines().nth(line.checked_sub(1)?)?;
        let at = text
            .char_indices()
            .nth(col.checked_sub(1)?)
            .map(|(i, _)| i)?;
        let mut rest = &text[at..];
        // A member's position is that of its key: skip `key:`.
        let key = pointer::tokens(&fptr).pop().unwrap_or_default();
        for quoted in [format!("\"{key}\""), format!("'{key}'"), key.clone()] {
            if let Some(after) = rest.strip_prefix(quoted.as_str()) {
                if let Some(value) = after.trim_start().strip_prefix(':') {
                    rest = value.trim_start();
                    break;
                }
            }
        }
        let end = rest
            .find([',', '}', ']', '#', ' ', '\t'])
            .unwrap_or(rest.len());
        let raw = rest[..end].trim();
        raw.parse::<f64>().ok().map(|_| raw.to_string())
    }

    /// The location of `pointer` inside `file`, with the line and column of
    /// the nearest ancestor whose position is known.
    pub fn locate_in(&self, file: &Path, pointer: &str) -> Location {
        let mut loc = Location::new(file, pointer);
        if let Some(pos) = self.positions.get(file) {
            let mut p = pointer;
            loop {
                if let Some((line, col)) = pos.get(p) {
                    loc = loc.with_position(line, col);
                    break;
                }
                match p.rfind('/') {
                    Some(i) => p = &p[..i],
                    None => break,
                }
            }
        }
        loc
    }

    /// Keeps the text of a file that parsed, for positions (worked out on
    /// the first lookup: most loads never need one).
    pub(super) fn add_file(&mut self, file: &Path, text: Cow<'_, str>, format: Format) {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text.into_owned(),
        };
        self.positions.insert(
            file.to_path_buf(),
            Arc::new(FilePositions {
                text,
                format,
                index: OnceLock::new(),
            }),
        );
    }

    /// Starts building the position index of a large JSON `file` on a
    /// thread of its own, so that the first lookup (most specs this size
    /// have a warning or two) need not wait for it. The index is the same
    /// whoever builds it.
    pub(super) fn index_ahead(&self, file: &Path) {
        let Some(positions) = self.positions.get(file) else {
            return;
        };
        if positions.format != Format::Json || positions.text.len() < INDEX_AHEAD_BYTES {
            return;
        }
        let positions = Arc::clone(positions);
        let _ = std::thread::Builder::new()
            .name("oagen-positions".into())
            .spawn(move || {
                positions.index();
            });
    }

    pub(super) fn add_origin(&mut self, doc_ptr: &str, file: &Path, file_ptr: &str) {
        self.origins.insert(
            doc_ptr.to_string(),
            (file.to_path_buf(), file_ptr.to_string()),
        );
    }
}

/// The entry of `map` for the longest prefix of `pointer` that ends at a
/// token boundary, with the rest of `pointer` after that prefix.
fn longest_prefix<'m, 'p, T>(
    map: &'m BTreeMap<String, T>,
    pointer: &'p str,
) -> Option<(&'m T, &'p str)> {
    if map.is_empty() {
        return None;
    }
    let mut prefix = pointer;
    loop {
        if let Some(v) = map.get(prefix) {
            return Some((v, pointer.get(prefix.len()..).unwrap_or("")));
        }
        match prefix.rfind('/') {
            Some(i) => prefix = &prefix[..i],
            None => return None,
        }
    }
}

/// The text of one file and, once asked for, the positions of its nodes.
pub(super) struct FilePositions {
    /// The text as parsed (without a byte order mark).
    text: String,
    format: Format,
    index: OnceLock<PositionIndex>,
}

pub(super) enum PositionIndex {
    Json(parse::JsonIndex),
    Yaml(Positions),
}

impl FilePositions {
    /// Line and column of the node at `pointer`, as [`parse::positions`]
    /// maps it.
    fn get(&self, pointer: &str) -> Option<(usize, usize)> {
        match self.index() {
            PositionIndex::Json(j) => j.get(&self.text, pointer),
            PositionIndex::Yaml(map) => map.get(pointer).copied(),
        }
    }

    /// The index, built on first use (a caller arriving while another
    /// thread builds it waits for it).
    fn index(&self) -> &PositionIndex {
        self.index.get_or_init(|| match self.format {
            Format::Json => PositionIndex::Json(parse::JsonIndex::build(&self.text)),
            Format::Yaml => PositionIndex::Yaml(parse::positions(&self.text, Format::Yaml)),
        })
    }
}

/// Size from which a JSON file's position index is built ahead of time.
pub(super) const INDEX_AHEAD_BYTES: usize = 1 << 20;

impl std::fmt::Debug for FilePositions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePositions")
            .field("format", &self.format)
            .field("bytes", &self.text.len())
            .field("indexed", &self.index.get().is_some())
            .finish()
    }
}
