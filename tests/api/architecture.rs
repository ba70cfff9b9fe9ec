//! The layout's rules, checked on the source (`api/src`): no import circle between modules,
//! `platform` depends on nothing above it, handlers never reach a repo, a feature uses
//! another feature's services but never its repo or routes, nothing outside `app` uses
//! `app`, and the areas (platform, auth, realtime, app, each feature) depend on each other
//! one way. Breaking a rule fails here with the offending modules listed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

struct Source {
    modules: BTreeMap<Module, String>,
}

fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(root).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    match last.as_str() {
        "lib.rs" | "mod.rs" => {}
        other => parts.push(other.trim_end_matches(".rs").to_owned()),
    }
    parts
}

fn load() -> Source {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api/src");
    let mut modules = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("main.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                modules.insert(module_of(&root, &path), strip_tests_and_comments(&text));
            }
        }
    }
    Source { modules }
}

/// The code without `#[cfg(test)]` modules, comments and string literals' contents.
fn strip_tests_and_comments(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    code.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path a file names through `crate::`, `super::`, `self::` or a `use` of a child.
fn referenced_paths(module: &Module, is_dir_module: bool, code: &str, children: &BTreeSet<String>) -> Vec<Module> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) || (i > 0 && (ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        let word = &code[start..i];
        let base: Option<Module> = match word {
            "crate" => Some(vec![]),
            "super" => {
                let mut m = module.clone();
                m.pop();
                Some(m)
            }
            "self" => Some(module.clone()),
            w if is_dir_module && children.contains(w) && code[i..].starts_with("::") => {
                let mut m = module.clone();
                m.push(w.to_owned());
                Some(m)
            }
            _ => None,
        };
        let Some(base) = base else { continue };
        if !code[i..].starts_with("::") {
            continue;
        }
        i += 2;
        i = parse_tail(code, i, base, &mut out);
    }
    out
}

/// Reads `a::b::{c, d::e}` after a base path; pushes each full path; returns the new index.
fn parse_tail(code: &str, mut i: usize, base: Module, out: &mut Vec<Module>) -> usize {
    let bytes = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut path = base;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'{' {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    return i + 1;
                }
                let before = i;
                i = parse_tail(code, i, path.clone(), out);
                if i == before {
                    i += 1;
                }
            }
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        if start == i {
            out.push(path);
            return i;
        }
        match &code[start..i] {
            "self" => {}
            "super" => {
                path.pop();
            }
            word => path.push(word.to_owned()),
        }
        if code[i..].starts_with("::") {
            i += 2;
        } else {
            // `x as y` and the like end the path.
            while i < bytes.len() && !b",}; ".contains(&bytes[i]) {
                i += 1;
            }
            out.push(path);
            return i;
        }
    }
}

impl Source {
    /// The longest known module a path falls in.
    fn resolve(&self, path: &Module) -> Module {
        let mut p = path.clone();
        while !p.is_empty() && !self.modules.contains_key(&p) {
            p.pop();
        }
        p
    }

    fn is_dir_module(&self, m: &Module) -> bool {
        self.modules.keys().any(|k| k.len() > m.len() && k.starts_with(m))
    }

    fn children(&self, m: &Module) -> BTreeSet<String> {
        self.modules
            .keys()
            .filter(|k| k.len() == m.len() + 1 && k.starts_with(m))
            .map(|k| k.last().unwrap().clone())
            .collect()
    }

    /// Module → modules it uses. A module's use of its own ancestors (`super::`) is part of
    /// that module's family and does not count; a parent's re-export of a child does.
    fn edges(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut edges = BTreeMap::new();
        for (m, code) in &self.modules {
            let dir = self.is_dir_module(m);
            let targets: BTreeSet<Module> = referenced_paths(m, dir, code, &self.children(m))
                .iter()
                .map(|p| self.resolve(p))
                .filter(|t| t != m && !t.is_empty() && !m.starts_with(t))
                .collect();
            edges.insert(m.clone(), targets);
        }
        edges
    }

    /// The raw paths each module names (for the rules on repos, routes and AppState).
    fn named(&self) -> BTreeMap<Module, Vec<Module>> {
        self.modules
            .iter()
            .map(|(m, code)| {
                (
                    m.clone(),
                    referenced_paths(m, self.is_dir_module(m), code, &self.children(m)),
                )
            })
            .collect()
    }
}

fn show(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct T<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        next: usize,
        out: Vec<Vec<Module>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a Module) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        for w in t.edges.get(v).into_iter().flatten() {
            let Some((w, _)) = t.edges.get_key_value(w) else {
                continue;
            };
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(w);
                scc.push(w.clone());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn area(m: &Module) -> String {
    match m.first().map(String::as_str) {
        Some("features") if m.len() > 1 => format!("features::{}", m[1]),
        Some(a) => a.to_owned(),
        None => "crate".into(),
    }
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let source = load();
    assert!(
        source.modules.len() > 40,
        "found the source: {} modules",
        source.modules.len()
    );
    let found = cycles(&source.edges());
    let shown: Vec<String> = found
        .iter()
        .map(|c| c.iter().map(show).collect::<Vec<_>>().join(" <-> "))
        .collect();
    assert!(shown.is_empty(), "import circles:\n{}", shown.join("\n"));
}

#[test]
fn features_depend_on_each_other_one_way_only() {
    // Between features, only their non-route code counts: routes sit at the edge.
    let source = load();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, targets) in source.edges() {
        if m.first().map(String::as_str) != Some("features") || m.last().map(String::as_str) == Some("routes") {
            continue;
        }
        let from = vec![area(&m)];
        let entry = edges.entry(from.clone()).or_default();
        for t in targets {
            if t.first().map(String::as_str) == Some("features") && vec![area(&t)] != from {
                entry.insert(vec![area(&t)]);
            }
        }
    }
    let found = cycles(&edges);
    assert!(found.is_empty(), "features in a circle: {found:?}");
}

#[test]
fn platform_depends_on_nothing_above_it() {
    let source = load();
    let mut bad = Vec::new();
    for (m, targets) in source.edges() {
        if area(&m) != "platform" {
            continue;
        }
        for t in targets.iter().filter(|t| area(t) != "platform") {
            bad.push(format!("{} uses {}", show(&m), show(t)));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn handlers_call_services_and_features_never_reach_into_each_others_repos_or_routes() {
    let source = load();
    let mut bad = Vec::new();
    for (m, paths) in source.named() {
        let is_routes = m.last().map(String::as_str) == Some("routes");
        for p in paths {
            let t = source.resolve(&p);
            let last = t.last().map(String::as_str);
            // A handler never queries the database itself.
            if is_routes && last == Some("repo") {
                bad.push(format!("{} (a handler) uses {}", show(&m), show(&t)));
            }
            let other_feature = area(&t).starts_with("features::") && area(&t) != area(&m);
            if other_feature && last == Some("repo") {
                bad.push(format!("{} uses another feature's repo {}", show(&m), show(&t)));
            }
            if last == Some("routes") && area(&t) != area(&m) && area(&m) != "app" {
                bad.push(format!("{} uses routes {}", show(&m), show(&t)));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn nothing_outside_app_uses_app() {
    // Routes, the socket and services take their own context as app data; only `app`
    // assembles them (and names AppState).
    let source = load();
    let bad: Vec<String> = source
        .edges()
        .into_iter()
        .filter(|(m, _)| area(m) != "app")
        .flat_map(|(m, targets)| {
            targets
                .into_iter()
                .filter(|t| area(t) == "app")
                .map(move |t| format!("{} uses {}", show(&m), show(&t)))
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn areas_depend_on_each_other_one_way_only() {
    // platform, auth, realtime, app and each feature, with every module counted (routes too).
    let source = load();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, targets) in source.edges() {
        let from = vec![area(&m)];
        let entry = edges.entry(from.clone()).or_default();
        for t in targets {
            if vec![area(&t)] != from {
                entry.insert(vec![area(&t)]);
            }
        }
    }
    let found = cycles(&edges);
    assert!(found.is_empty(), "areas in a circle: {found:?}");
}

#[test]
fn the_rule_checker_sees_a_circle_when_there_is_one() {
    // The checker itself: a two-module circle, and grouped and relative imports.
    let mut modules = BTreeMap::new();
    modules.insert(vec!["a".to_owned()], "use crate::b::{X, c::Y};".to_owned());
    modules.insert(vec!["b".to_owned()], "use crate::a::Z;".to_owned());
    modules.insert(vec!["b".to_owned(), "c".to_owned()], "use super::super::a;".to_owned());
    let source = Source { modules };
    let edges = source.edges();
    assert!(edges[&vec!["a".to_owned()]].contains(&vec!["b".to_owned(), "c".to_owned()]));
    assert_eq!(cycles(&edges).len(), 1);
}

/// Each access or money rule has one home — a SQL function in the migrations or one Rust
/// function — and every path calls it (README, "Where each rule lives"). Code that names
/// what a rule is made of (the unlocks table, a subscription's `access_until`, the fee
/// percentage, the tip bounds) anywhere else is a second copy of the rule.
#[test]
fn each_access_and_money_rule_is_written_in_one_place() {
    // (what a copy of the rule would name, the rule's home, the modules where else it may
    // appear); `platform` (settings, the schema) names the columns but decides nothing.
    let rules: [(&str, &str, &[&str]); 7] = [
        (
            "ppv_unlocks",
            "who may open a pay-per-view message: parley_ppv_open",
            // writing an unlock; listing a message's buyers to tell them of an edit
            &["features::payments::repo::ppv", "features::messages::unlocked"],
        ),
        (
            "access_until",
            "whether a subscription gives access: parley_subscription_live / parley_tier_access",
            // where Stripe's state is written into it
            &["features::creators::repo"],
        ),
        (
            "fee_percent",
            "the platform's fee: payments::platform_fee",
            &["features::payments"],
        ),
        (
            "tip_min",
            "a tip's bounds: payments::tips::bounds",
            &["features::payments::tips"],
        ),
        (
            "hold_expires_at <",
            "whether a booking's hold ran out: bookings::repo::busy / expire_holds",
            &["features::bookings::repo"],
        ),
        (
            "Duration::hours(i64::from(",
            "what a cancellation gives back: bookings::book::refund_due",
            &["features::bookings::book"],
        ),
        (
            "required_tier_id IS NOT NULL",
            "who reads a room: parley_room_reader",
            &["features::rooms::repo"],
        ),
    ];
    let mut copies = Vec::new();
    for (module, code) in &load().modules {
        let name = module.join("::");
        if module.first().is_some_and(|m| m == "platform") {
            continue;
        }
        for (fragment, home, allowed) in &rules {
            if code.contains(fragment) && !allowed.contains(&name.as_str()) {
                copies.push(format!("{name} names `{fragment}`: call {home}"));
            }
        }
    }
    assert!(copies.is_empty(), "a rule written twice:\n{}", copies.join("\n"));
}
