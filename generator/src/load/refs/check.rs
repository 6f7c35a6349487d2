//! The checks on the bundled document: a near name for a dangling ref, and chains of refs
//! that loop.

use super::*;

/// For a pointer that resolves to nothing: the same pointer with the last
/// token replaced by the closest existing key, when one is close enough.
pub(super) fn suggest(doc: &Value, pointer: &str) -> Option<String> {
    let i = pointer.rfind('/')?;
    let (parent, last) = (&pointer[..i], pointer::unescape(&pointer[i + 1..]));
    let obj = get(doc, parent)?.as_object()?;
    let lower = last.to_lowercase();
    let mut best: Option<(usize, &String)> = None;
    for key in obj.keys() {
        let d = edit_distance(&lower, &key.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, key));
        }
    }
    let (d, key) = best?;
    let limit = (last.chars().count() / 3).max(1);
    (d <= limit).then(|| format!("{parent}/{}", pointer::escape(key)))
}

pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Whether a ref is local and its target is itself a ref object.
pub(super) fn leads_on(doc: &Value, reference: &str) -> bool {
    pointer::local(reference)
        .and_then(|next| get(doc, &next))
        .and_then(ref_of)
        .is_some()
}

/// Reports every chain of local refs that only points at refs and loops.
/// `known`: the sites to start from (the refs that [`leads_on`]), when the
/// caller collected them from this very document; otherwise they are
/// collected here.
pub(super) fn find_cycles(
    doc: &Value,
    ctx: &Ctx,
    diags: &mut Diagnostics,
    known: Option<Vec<String>>,
) {
    // Only refs whose target is itself a ref can start or continue a cycle.
    // The others (nearly all) end their chain at once: leaving them out of
    // `settled` changes nothing, as a chain reaching one of them stops at
    // its target, which is no ref.
    let sites = known.unwrap_or_else(|| {
        let mut sites: Vec<String> = Vec::new();
        walk::visit(doc, "", Kind::Document, false, |ptr, _, _, value| {
            if ref_of(value).is_some_and(|r| leads_on(doc, r)) {
                sites.push(ptr.to_string());
            }
        });
        sites
    });
    // Pointers known not to lead into a cycle, or already reported.
    let mut settled: BTreeSet<String> = BTreeSet::new();
    for site in sites {
        if settled.contains(&site) {
            continue;
        }
        let mut chain: Vec<String> = vec![site.clone()];
        let mut cur = site;
        let mut cycle_start = None;
        for _ in 0..pointer::MAX_HOPS {
            let Some(next) = get(doc, &cur)
                .and_then(ref_of)
                .and_then(pointer::local)
                .map(Cow::into_owned)
            else {
                break;
            };
            if get(doc, &next).and_then(ref_of).is_none() || settled.contains(&next) {
                break;
            }
            if let Some(i) = chain.iter().position(|p| *p == next) {
                cycle_start = Some(i);
                break;
            }
            chain.push(next.clone());
            cur = next;
        }
        if let Some(start) = cycle_start {
            diags.push(cycle_error(&chain[start..], ctx));
        }
        settled.extend(chain);
    }
}

/// The error for a reference cycle through `members`, reported from the smallest pointer so
/// that it reads the same whichever member the walk met first.
pub(super) fn cycle_error(members: &[String], ctx: &Ctx) -> Diagnostic {
    let mut members = members.to_vec();
    let first = members
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.cmp(b.1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    members.rotate_left(first);
    let mut shown: Vec<String> = members.iter().map(|p| format!("#{p}")).collect();
    if let Some(f) = shown.first().cloned() {
        shown.push(f);
    }
    let at = members.first().cloned().unwrap_or_default();
    Diagnostic::error("ref-cycle", format!("reference cycle: {}", shown.join(" → ")))
        .at(ctx.sources.locate(&format!("{at}/$ref")))
        .with_help("a chain of references must end at a definition; define one of these instead of referring on")
}
