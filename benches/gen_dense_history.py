#!/usr/bin/env python3
"""Write a `git fast-import` stream for a DENSE synthetic history to stdout:
the repository of a secret scanner, where nearly every line holds a keyword.

Shape: COMMITS commits on main (with a few side branches merged back) editing
FILES files of the kinds a scanner's own repository has, a chunk of lines at a
time: rule files (TOML and YAML, with keyword lists, regexes that spell vendor
prefixes, and example tokens), detector source in Go and Rust (keyword lists,
prefix constants, regexes), detector tests and fixtures (env, JSON, YAML) full
of fake tokens. Keywords, prefixes and example shapes come from leakhound's own
rule files (`rules/*.toml`, placeholders expanded here with random values), so
the keyword prefilter fires on almost every line, which is the worst case for a
keyword-prefiltered scanner. Deterministic for a given seed.

Usage: gen_dense_history.py COMMITS TARGET_MB  (rules from $DENSE_RULES_DIR,
default the repository's rules/; more rules make a denser corpus, so compare
runs made with the same rule files)
"""
import glob
import os
import random
import re
import string
import sys
import tomllib
import uuid

COMMITS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
TARGET_MB = int(sys.argv[2]) if len(sys.argv) > 2 else 160
RULES_DIR = os.environ.get("DENSE_RULES_DIR") or os.path.join(os.path.dirname(__file__), "..", "rules")
SEED = 11
# Files in the tree, and lines per file at the start.
FILES = 320
MIN_LINES, MAX_LINES = 150, 900

rng = random.Random(SEED)

ALPHABETS = {
    "alnum": string.ascii_letters + string.digits,
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "lower": string.ascii_lowercase,
    "upper": string.ascii_uppercase,
    "digits": string.digits,
    "lowernum": string.ascii_lowercase + string.digits,
    "uppernum": string.ascii_uppercase + string.digits,
    "base32": string.ascii_uppercase + "234567",
    "base64": string.ascii_letters + string.digits + "+/",
    "base64url": string.ascii_letters + string.digits + "-_",
}


def rand(alphabet, n):
    return "".join(rng.choices(alphabet, k=n))


def placeholder(m):
    spec = m.group(1)
    kind, _, arg = spec.partition(":")
    if kind in ALPHABETS and arg.isdigit():
        return rand(ALPHABETS[kind], int(arg))
    if kind == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if kind in ("github", "github-bad"):
        return "%s_%s" % (arg or "ghp", rand(ALPHABETS["alnum"], 36))
    if kind in ("npm", "npm-bad"):
        return "npm_" + rand(ALPHABETS["alnum"], 36)
    if kind == "jwt":
        return "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx%s.%s" % (rand(ALPHABETS["base64url"], 12),
                                                         rand(ALPHABETS["base64url"], 43))
    if kind == "luhn":
        return rand(string.digits, int(arg) if arg.isdigit() else 16)
    if kind == "pem":
        return "-----BEGIN %s-----\n%s\n-----END %s-----" % (arg, rand(ALPHABETS["base64"], 64), arg)
    return rand(ALPHABETS["alnum"], 32)


def expand(text):
    return re.sub(r"\{\{([^{}]+)\}\}", placeholder, text)


RULES = []
for path in sorted(glob.glob(os.path.join(RULES_DIR, "*.toml"))):
    with open(path, "rb") as f:
        for r in tomllib.load(f).get("rule", []):
            if r.get("keywords") and r.get("examples"):
                RULES.append(r)
if not RULES:
    sys.exit("no rules with keywords and examples under %s" % RULES_DIR)


def ident(r):
    return re.sub(r"[^a-z0-9]+", "_", r["id"].lower())


def camel(r):
    return "".join(p.capitalize() for p in ident(r).split("_"))


def example(r):
    """One of the rule's examples, expanded, on one line; a fake token."""
    return expand(rng.choice(r["examples"])).replace("\n", " ")


def prefix_regex(r):
    kw = rng.choice(r["keywords"])
    return r"\b(%s[A-Za-z0-9_\-]{%d,%d})\b" % (re.escape(kw), rng.randint(16, 32), rng.randint(36, 64))


def words(n):
    return " ".join(rng.choice(("the", "token", "key", "secret", "match", "rule", "detector",
                                "verify", "false", "positive", "pattern", "prefix", "keyword",
                                "api", "client", "credential", "password", "scan", "result"))
                    for _ in range(n))


def toml_lines(r):
    kws = ", ".join('"%s"' % k for k in r["keywords"])
    return ["", "[[rule]]", 'id = "%s"' % r["id"], 'description = "%s"' % words(8),
            "keywords = [%s]" % kws, "regex = '''%s'''" % prefix_regex(r),
            "examples = [", "  %r," % example(r), "  %r," % example(r), "]"]


def yaml_lines(r):
    return ["  - name: %s" % r.get("name", r["id"]), "    id: kingfisher.%s.1" % ident(r),
            "    pattern: |", "      (?xi)", "      %s" % prefix_regex(r),
            "    keywords: [%s]" % ", ".join(r["keywords"]), "    examples:",
            "      - '%s'" % example(r).replace("'", "''")]


def go_lines(r):
    name = camel(r)
    return ["", "// %s detects %s." % (name, words(6)),
            "var %sPat = regexp.MustCompile(`%s`)" % (name, prefix_regex(r)),
            "func (s %s) Keywords() []string { return []string{%s} }"
            % (name, ", ".join('"%s"' % k for k in r["keywords"])),
            "func (s %s) FromData(ctx context.Context, verify bool, data []byte) (results []detectors.Result, err error) {" % name,
            "\tfor _, match := range %sPat.FindAllStringSubmatch(string(data), -1) {" % name,
            "\t\tresults = append(results, detectors.Result{DetectorType: %d, Raw: []byte(match[1])})" % rng.randint(1, 900),
            "\t}", "\treturn results, nil", "}"]


def go_test_lines(r):
    return ["\t{", '\t\tname: "%s valid pattern",' % r["id"], "\t\tinput: `%s`," % example(r),
            "\t\twant: []string{`%s`}," % example(r)[-40:].replace("`", "'"), "\t},",
            "\t{", '\t\tname: "%s invalid pattern",' % r["id"],
            "\t\tinput: `%s = %s_xxxxxxxx`," % (ident(r), r["keywords"][0]), "\t},"]


def rust_lines(r):
    return ["", "/// %s" % words(7),
            'pub const %s_PREFIX: &str = "%s";' % (ident(r).upper(), r["keywords"][0]),
            "#[test]", "fn %s_matches() {" % ident(r),
            "    let input = r#\"%s\"#;" % example(r).replace('"#', '" #'),
            "    assert!(scan(input).iter().any(|f| f.rule == \"%s\"));" % r["id"], "}"]


def fixture_lines(r):
    ex = example(r)
    form = rng.randrange(3)
    if form == 0:
        return [ex]
    if form == 1:
        return ['  "%s": "%s",' % (ident(r), ex.replace("\\", "").replace('"', "'"))]
    return ["%s: %s" % (ident(r), ex)]


KINDS = [
    ("rules/%s.toml", toml_lines),
    ("data/rules/%s.yml", yaml_lines),
    ("pkg/detectors/%s/%s.go", go_lines),
    ("pkg/detectors/%s/%s_test.go", go_test_lines),
    ("src/detectors/%s.rs", rust_lines),
    ("testdata/%s/fixtures.txt", fixture_lines),
]


def chunk(kind, target_lines):
    out = []
    while len(out) < target_lines:
        out.extend(kind(rng.choice(RULES)))
    return out


out = sys.stdout.buffer
mark = 0


def blob(text):
    global mark
    mark += 1
    data = text.encode()
    out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
    out.write(data)
    out.write(b"\n")
    return mark


files = {}  # path -> (kind, lines)
for i in range(FILES):
    template, kind = KINDS[i % len(KINDS)]
    stem = "%s%d" % (ident(rng.choice(RULES)), i)
    path = template % ((stem,) * template.count("%s"))
    files[path] = (kind, chunk(kind, rng.randint(MIN_LINES, MAX_LINES)))

per_commit_bytes = TARGET_MB * 1_000_000 // COMMITS
t = 1_600_000_000
branch_tip = {"main": None}


def commit(branch, msg, changes, parents):
    global mark, t
    mark += 1
    t += rng.randint(60, 7200)
    out.write(b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark))
    out.write(b"author Bench Dev <bench@example.com> %d +0000\n" % t)
    out.write(b"committer Bench Dev <bench@example.com> %d +0000\n" % t)
    m = msg.encode()
    out.write(b"data %d\n%s\n" % (len(m), m))
    if parents:
        out.write(b"from :%d\n" % parents[0])
        for p in parents[1:]:
            out.write(b"merge :%d\n" % p)
    for op, path, bm in changes:
        if op == "M":
            out.write(b"M 100644 :%d %s\n" % (bm, path.encode()))
        else:
            out.write(b"D %s\n" % path.encode())
    out.write(b"\n")
    return mark


side = None
for c in range(COMMITS):
    edited = {}
    budget = per_commit_bytes
    while budget > 0:
        path = rng.choice(list(files))
        kind, lines = files[path]
        start = rng.randrange(0, max(1, len(lines)))
        lines[start:start + rng.randint(5, 40)] = chunk(kind, rng.randint(5, 40))
        if len(lines) > 1500:
            del lines[:300]
        text = "\n".join(lines) + "\n"
        budget -= len(text)
        edited[path] = text
    emitted = [("M", p, blob(text)) for p, text in edited.items()]
    if rng.random() < 0.01 and len(files) > FILES // 2:
        gone = rng.choice([p for p in files if p not in edited])
        del files[gone]
        emitted.append(("D", gone, None))
    msg = "detectors: %s" % words(5)
    if side is None and rng.random() < 0.02 and branch_tip["main"]:
        side = "topic/%d" % c
        branch_tip[side] = commit(side, msg, emitted, [branch_tip["main"]])
    elif side is not None:
        branch_tip[side] = commit(side, msg, emitted, [branch_tip[side]])
        if rng.random() < 0.15:
            branch_tip["main"] = commit("main", "Merge %s" % side, [], [branch_tip["main"], branch_tip[side]])
            side = None
    else:
        parents = [branch_tip["main"]] if branch_tip["main"] else []
        branch_tip["main"] = commit("main", msg, emitted, parents)
out.write(b"done\n")
