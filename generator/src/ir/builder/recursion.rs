//! Recursive types: boxing the fields that close a cycle of direct containment, and the
//! optional fields that need three states.

use super::*;

pub(super) fn strip_opt(t: &TypeRef) -> &TypeRef {
    match t {
        TypeRef::Option(i) => strip_opt(i),
        other => other,
    }
}

/// The names a type refers to without indirection (not through `Vec` or a map).
pub(super) fn direct_names<'t>(t: &'t TypeRef, out: &mut Vec<&'t str>) {
    match t {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Option(i) => direct_names(i, out),
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Prim(_) => {}
    }
}

/// Boxes struct fields and union payloads that close a cycle of direct containment.
pub(super) fn box_recursive(cx: &mut Cx<'_>) {
    // The containment graph over the types (by their index in name order), and its cycles.
    let cyclic: FastMap<String, usize> = {
        let index: FastMap<&str, usize> = cx
            .types
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let mut out = Vec::new();
        let edges: Vec<Vec<usize>> = cx
            .types
            .values()
            .map(|t| {
                out.clear();
                match &t.kind {
                    TypeKind::Struct { fields, .. } => {
                        fields.iter().for_each(|f| direct_names(&f.ty, &mut out))
                    }
                    TypeKind::Union { variants, .. } => {
                        variants.iter().for_each(|v| direct_names(&v.ty, &mut out))
                    }
                    TypeKind::Alias(a) => direct_names(a, &mut out),
                    TypeKind::Enum { .. } => {}
                }
                let mut to: Vec<usize> = out.iter().filter_map(|n| index.get(n).copied()).collect();
                to.sort_unstable();
                to.dedup();
                to
            })
            .collect();
        let comp = cycle_components(&edges);
        cx.types
            .keys()
            .zip(comp)
            .filter_map(|(k, c)| Some((k.clone(), c?)))
            .collect()
    };
    // Whether `a` and `b` sit on one cycle.
    let same = |a: &str, b: &str| cyclic.get(a).is_some_and(|c| cyclic.get(b) == Some(c));
    let mut alias_cycles = Vec::new();
    let mut out = Vec::new();
    for (name, t) in cx.types.iter_mut() {
        match &mut t.kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields {
                    out.clear();
                    direct_names(&f.ty, &mut out);
                    if out.iter().any(|o| same(name, o)) {
                        f.boxed = true;
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for v in variants {
                    out.clear();
                    direct_names(&v.ty, &mut out);
                    if out.iter().any(|o| same(name, o)) {
                        v.boxed = true;
                    }
                }
            }
            TypeKind::Alias(a) => {
                out.clear();
                direct_names(a, &mut out);
                if out.iter().any(|o| o == name) {
                    alias_cycles.push(name.clone());
                }
            }
            TypeKind::Enum { .. } => {}
        }
    }
    for name in alias_cycles {
        let ptr = cx
            .types
            .get(&name)
            .map(|t| t.pointer.clone())
            .unwrap_or_default();
        cx.warn(
            "unsupported-schema",
            format!(
                "`{name}` refers to itself without an object in between; using `serde_json::Value`"
            ),
            &ptr,
        );
        if let Some(t) = cx.types.get_mut(&name) {
            t.kind = TypeKind::Alias(TypeRef::Prim(Prim::Value));
        }
    }
}

/// Strongly connected components of a graph given as sorted, deduplicated edge lists
/// (iterative Tarjan). Numbers the nodes in a cycle (a component with more than one node,
/// or a self-loop) by component; other nodes get `None`.
pub(super) fn cycle_components(edges: &[Vec<usize>]) -> Vec<Option<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp: Vec<Option<usize>> = vec![None; n];
    let mut next = 0usize;
    let mut comp_id = 0usize;
    // The DFS path: each node with the position of its next edge to follow.
    let mut path: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        path.push((root, 0));
        while let Some(&(v, pos)) = path.last() {
            if let Some(&w) = edges[v].get(pos) {
                if let Some(top) = path.last_mut() {
                    top.1 += 1;
                }
                if order[w] == UNSEEN {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    path.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            path.pop();
            if let Some(&(u, _)) = path.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == order[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                if members.len() > 1 || edges[v].binary_search(&v).is_ok() {
                    for m in members {
                        comp[m] = Some(comp_id);
                    }
                    comp_id += 1;
                }
            }
        }
    }
    comp
}

pub(super) fn all_names(t: &TypeRef, out: &mut Vec<String>) {
    match t {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Option(i) | TypeRef::Vec(i) | TypeRef::Map(i) => all_names(i, out),
        TypeRef::Prim(_) => {}
    }
}

/// Marks optional nullable fields of every type reachable from a PATCH body as tri-state.
pub(super) fn mark_tri_state(types: &mut BTreeMap<String, TypeDef>, roots: &[TypeRef]) {
    let mut todo = Vec::new();
    for r in roots {
        all_names(r, &mut todo);
    }
    let mut seen = BTreeSet::new();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        let Some(t) = types.get_mut(&n) else { continue };
        match &mut t.kind {
            TypeKind::Struct { fields, additional } => {
                for f in fields.iter_mut() {
                    if !f.required && f.nullable {
                        f.tri_state = true;
                    }
                    all_names(&f.ty, &mut todo);
                }
                if let Some(a) = additional {
                    all_names(a, &mut todo);
                }
            }
            TypeKind::Union { variants, .. } => {
                variants.iter().for_each(|v| all_names(&v.ty, &mut todo))
            }
            TypeKind::Alias(a) => all_names(a, &mut todo),
            TypeKind::Enum { .. } => {}
        }
    }
}
