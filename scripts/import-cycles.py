#!/usr/bin/env python3
"""Lists the import cycles among a crate's modules (issue 19): every `crate::`, `super::`
path in a module's code (tests left out) is an edge to the deepest module it names; a
module's own submodules and parent are not counted. Prints the module and edge counts,
then each cycle with its edges; exits 1 if there is one. `--edges` also prints every
module with the modules it imports, one line each (the graph itself).

    scripts/import-cycles.py [--edges] server/src app/src/pages
"""
import os
import re
import sys


def modules(root):
    mods = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".rs"):
                path = os.path.join(dirpath, f)
                parts = os.path.relpath(path, root)[:-3].split(os.sep)
                if parts[-1] in ("mod", "lib", "main"):
                    parts = parts[:-1]
                mods["::".join(parts)] = path
    return mods


def code(path):
    src = re.sub(r"//[^\n]*", "", open(path).read())
    cut = src.find("#[cfg(test)]")
    return src if cut < 0 else src[:cut]


PATH = re.compile(r"\b(crate|super(?:::super)*)((?:::[A-Za-z_]\w*)*)(::\{[^;]*?\})?")


def graph(root, crate_root):
    """`crate_root`: where `crate::` starts, relative to `root` (for app/src/pages: `pages`)."""
    mods = modules(root)

    def resolve(parts):
        for n in range(len(parts), -1, -1):
            m = "::".join(parts[:n])
            if m in mods:
                return m
        return None

    edges = {m: set() for m in mods}
    for m, path in mods.items():
        here = m.split("::") if m else []
        for kw, tail, group in PATH.findall(code(path)):
            if kw == "crate":
                base = [] if not crate_root else None
                full = [p for p in tail.split("::") if p]
                if crate_root:
                    if full[: len(crate_root)] != crate_root:
                        continue
                    full = full[len(crate_root):]
            else:
                ups = kw.count("super")
                base = here[: len(here) - ups] if len(here) >= ups else []
                full = base + [p for p in tail.split("::") if p]
            items = [i.strip().split(" as ")[0] for i in group[3:-1].split(",")] if group else [""]
            for item in items:
                target = full + [p for p in item.split("::") if p and p not in ("self", "{")]
                r = resolve(target)
                if r is None or r == m or r == "" or m == "" or m.startswith(r + "::"):
                    continue
                edges[m].add(r)
    return edges


def cycles(g):
    index, low, stack, on, found = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in g:
        if v not in index:
            visit(v)
    return found


def main():
    bad = False
    args = [a for a in sys.argv[1:] if a != "--edges"]
    for root in args:
        parts = os.path.normpath(root).split(os.sep)
        crate_root = parts[parts.index("src") + 1:] if "src" in parts else []
        g = graph(root, crate_root)
        found = cycles(g)
        print(f"{root}: {len(g)} modules, {sum(map(len, g.values()))} import edges, {len(found)} cycles")
        if "--edges" in sys.argv:
            for a in sorted(g):
                if g[a]:
                    print(f"  {a} -> {', '.join(sorted(g[a]))}")
        for comp in found:
            bad = True
            print("  cycle: " + " ".join(comp))
            for a in comp:
                for b in sorted(g[a] & set(comp)):
                    print(f"    {a} -> {b}")
    sys.exit(1 if bad else 0)


main()
