"""Fail on an import cycle between agentry's modules, for .ci/run's boundary step.

Reads every `crate::a::b` path in src/ (in `use` lines and inline), maps it to the file
of the deepest module it names, and looks for cycles twice: between files, and between
the top-level modules (folders and single files under src/). Comments and the unit-test
module that ends a file are skipped.
Prints each cycle found and exits 1; prints nothing and exits 0 when there is none.

Usage: python3 scripts/import_cycles.py [SRC]   (default: src next to this script)
"""
import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def paths_in(text, parent):
    """Every crate path a file names (`crate::…`, and `super::…` from `parent`), with
    `use crate::a::{b, c::d}` groups expanded."""
    found = []
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    pattern = r"\b(crate|super)::((?:[A-Za-z_][A-Za-z0-9_]*::)*)(\{[^;]*?\}|[A-Za-z_][A-Za-z0-9_]*)"
    for match in re.finditer(pattern, code):
        root = [] if match.group(1) == "crate" else list(parent)
        prefix = root + [p for p in match.group(2).split("::") if p]
        tail = match.group(2)
        if tail.startswith("{"):
            for item in re.split(r",(?![^{]*\})", tail[1:-1]):
                item = item.strip()
                head = re.match(r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*", item)
                if head:
                    found.append(prefix + head.group(0).split("::"))
        else:
            found.append(prefix + [tail])
    return found


def parent_of(module, path):
    """What `super` names in a file: the parent of its module (of the folder, for mod.rs)."""
    return module[:-1]


def cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main():
    files = {}
    for root, _, names in os.walk(SRC):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(root, name)
                files[module_of(path)] = path
    modules = set(files)
    file_graph, top_graph = {}, {}
    for module, path in files.items():
        if module == ():
            continue  # lib.rs declares every module; it is the root, not a layer
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # Unit tests (the `#[cfg(test)] mod tests` block that ends a file) are not a layer.
        text = re.split(r"#\[cfg\(test\)\]\s*mod tests\b", text)[0]
        for parts in paths_in(text, parent_of(module, path)):
            target = tuple(parts)
            while target and target not in modules:
                target = target[:-1]
            if not target or target == module:
                continue
            # A child naming its own parent module (`super`-like) is not a dependency cycle
            # of layers; a parent naming its child is how folders are built.
            if module[: len(target)] == target or target[: len(module)] == module:
                continue
            file_graph.setdefault(module, set()).add(target)
            if module[0] != target[0]:
                top_graph.setdefault(module[0], set()).add(target[0])
    found = False
    for kind, graph in (("files", file_graph), ("top-level modules", top_graph)):
        for component in cycles(graph):
            found = True
            names = ["::".join(c) if isinstance(c, tuple) else c for c in component]
            print(f"import cycle between {kind}: {' <-> '.join(names)}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
