#!/usr/bin/env python3
"""Sizes issue 19 bounds (acceptance 4) in a folder of Rust: structs with more than 15
signals (RwSignal, StoredValue, Memo, Resource, Action... fields), functions longer than
80 lines not counting their `view!` bodies, and `view!` bodies longer than 120 lines.
Prints each, then exits 1 if there is one.

    scripts/sizes.py app/src/pages
"""
import os
import re
import sys

SIGNAL = re.compile(r"\b(RwSignal|ReadSignal|WriteSignal|StoredValue|Memo|Signal|ArcRwSignal|Resource|LocalResource|Action|Trigger)\s*<")
FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?fn\s+(\w+)", re.M)
STRUCT = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?struct\s+(\w+)\s*(<[^{]*>)?\s*\{", re.M)
LIMITS = {"signals": 15, "fn": 80, "view": 120}


def strip(src):
    """Comments and string contents blanked (line breaks kept), so braces count true."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i) + 2
            out.append("".join(ch if ch == "\n" else " " for ch in src[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append('"' + "".join(ch if ch == "\n" else " " for ch in src[i + 1:j]) + '"')
            i = j + 1
        elif c == "'" and i + 2 < n and (src[i + 2] == "'" or (src[i + 1] == "\\" and src.find("'", i + 2) - i < 12)):
            j = src.find("'", i + 2 if src[i + 1] != "\\" else i + 3)
            out.append(" " * (j + 1 - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def block_end(src, open_at):
    """The index just past the brace matching the one at `open_at`."""
    depth = 0
    for k in range(open_at, len(src)):
        if src[k] == "{":
            depth += 1
        elif src[k] == "}":
            depth -= 1
            if depth == 0:
                return k + 1
    return len(src)


def line(src, at):
    return src.count("\n", 0, at) + 1


def views(src):
    """(start line, end line) of each `view! {...}` body."""
    out = []
    for m in re.finditer(r"\bview!\s*\{", src):
        end = block_end(src, m.end() - 1)
        out.append((line(src, m.start()), line(src, end)))
    return out


def check(path, report):
    src = strip(open(path).read())
    vs = views(src)
    for a, b in vs:
        if b - a + 1 > LIMITS["view"]:
            report.append(f"{path}:{a}: view! of {b - a + 1} lines")
    for m in FN.finditer(src):
        brace = src.find("{", m.end())
        semi = src.find(";", m.end())
        if brace < 0 or (0 <= semi < brace):
            continue
        a, b = line(src, m.start()), line(src, block_end(src, brace))
        inner = sum(vb - va + 1 for va, vb in vs if va > a and vb <= b and
                    not any(oa < va and vb <= ob for oa, ob in vs if (oa, ob) != (va, vb)))
        length = b - a + 1 - inner
        if length > LIMITS["fn"]:
            report.append(f"{path}:{a}: fn {m.group(5)} of {length} lines (views left out)")
    for m in STRUCT.finditer(src):
        body = src[m.end():block_end(src, m.end() - 1)]
        count = len(SIGNAL.findall(body))
        if count > LIMITS["signals"]:
            report.append(f"{path}:{line(src, m.start())}: struct {m.group(3)} holds {count} signals")


def main(roots):
    report = []
    for root in roots:
        for dirpath, _, files in sorted(os.walk(root)):
            for f in sorted(files):
                if f.endswith(".rs"):
                    check(os.path.join(dirpath, f), report)
    print("\n".join(report) if report else "within the bounds")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["app/src/pages"]))
