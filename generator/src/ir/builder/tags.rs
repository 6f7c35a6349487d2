//! Tags: which tag places an operation in a module, and what the modules' docs say.
//!
//! OpenAPI 3.2 gives a tag a `summary`, a `parent` and a `kind` (read from the document: the
//! 3.0 model has no room for them). The rules:
//!
//! - **Module docs**: the tag's `summary` is the first line, its `description` the text after
//!   it (either may be missing).
//! - **`kind`**: a tag of kind `badge` labels operations without grouping them: an operation
//!   goes to the module of its first tag that is not a badge (of its first tag if all are),
//!   and its docs list its badges. Every other kind (`nav`, `audience`, or any other value)
//!   groups operations as a tag without a kind does; a kind other than `nav` is named in the
//!   module docs.
//! - **`parent`**: modules stay side by side (a tag's place in the crate does not change when
//!   it gets a parent, so nesting tags breaks no code). The relation is recorded in
//!   [`Module::parent`] and stated in both modules' docs.

use super::*;

#[derive(Debug, Default)]
struct TagInfo {
    summary: Option<String>,
    description: Option<String>,
    parent: Option<String>,
    kind: Option<String>,
}

/// The document's tags, by name.
#[derive(Debug, Default)]
pub(super) struct Tags {
    by_name: BTreeMap<String, TagInfo>,
}

const BADGE: &str = "badge";

impl Tags {
    pub(super) fn read(spec: &LoadedSpec) -> Tags {
        let text = |t: &Value, key: &str| {
            t.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(String::from)
        };
        let mut by_name = BTreeMap::new();
        for t in spec
            .document
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = t.get("name").and_then(Value::as_str) else {
                continue;
            };
            by_name.entry(name.to_string()).or_insert(TagInfo {
                summary: text(t, "summary"),
                description: text(t, "description"),
                parent: text(t, "parent"),
                kind: text(t, "kind"),
            });
        }
        Tags { by_name }
    }

    fn is_badge(&self, tag: &str) -> bool {
        self.by_name
            .get(tag)
            .and_then(|t| t.kind.as_deref())
            .is_some_and(|k| k == BADGE)
    }

    /// The tag whose module an operation goes to: its first tag that is not a badge, else its
    /// first tag.
    pub(super) fn module_tag<'t>(&self, op_tags: &'t [String]) -> Option<&'t String> {
        op_tags
            .iter()
            .find(|t| !self.is_badge(t))
            .or_else(|| op_tags.first())
    }

    /// The note listing an operation's badge tags, if it has any.
    pub(super) fn badges_note(&self, op_tags: &[String]) -> Option<String> {
        let badges: Vec<String> = op_tags
            .iter()
            .filter(|t| self.is_badge(t))
            .map(|t| format!("`{t}`"))
            .collect();
        (!badges.is_empty()).then(|| format!("Badges: {}.", badges.join(", ")))
    }

    /// The docs of the module of `tag`.
    pub(super) fn doc(&self, tag: &str) -> Doc {
        let Some(t) = self.by_name.get(tag) else {
            return Doc::default();
        };
        let mut doc = Doc {
            summary: t.summary.clone(),
            description: t.description.clone(),
            notes: Vec::new(),
        };
        if let Some(kind) = t.kind.as_deref().filter(|k| *k != "nav") {
            doc.notes
                .push(format!("The `{tag}` tag is of kind `{kind}`."));
        }
        doc
    }

    /// Records each module's parent and states the relations in the docs. `module_names` maps
    /// a tag to its module.
    pub(super) fn relate(
        &self,
        modules: &mut BTreeMap<String, Module>,
        module_names: &BTreeMap<String, String>,
    ) {
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (tag, info) in &self.by_name {
            let (Some(parent), Some(module)) = (&info.parent, module_names.get(tag)) else {
                continue;
            };
            let parent_module = module_names.get(parent);
            if let Some(m) = modules.get_mut(module) {
                m.parent = parent_module.cloned();
                m.doc.notes.push(match parent_module {
                    Some(pm) => format!("Nested under the `{parent}` tag (module `{pm}`)."),
                    None => format!("Nested under the `{parent}` tag."),
                });
            }
            if let Some(pm) = parent_module {
                children.entry(pm.clone()).or_default().push(module.clone());
            }
        }
        for (parent, mut kids) in children {
            kids.sort();
            if let Some(m) = modules.get_mut(&parent) {
                let list: Vec<String> = kids.iter().map(|k| format!("`{k}`")).collect();
                m.doc.notes.push(format!(
                    "Modules of the tags nested under this one: {}.",
                    list.join(", ")
                ));
            }
        }
    }
}
