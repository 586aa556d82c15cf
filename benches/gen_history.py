#!/usr/bin/env python3
"""Write a `git fast-import` stream for a synthetic repository to stdout.

Shape: COMMITS commits on main plus a few side branches merged back, FILES
source-like text files edited a chunk at a time (so history deltas well but
unique blob bytes add up), occasional new and deleted files, and SECRETS fake
credentials (format-valid, random) planted in files at random points of
history, some of them removed again later. Deterministic for a given seed.
"""
import random
import string
import sys

COMMITS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
TARGET_MB = int(sys.argv[2]) if len(sys.argv) > 2 else 320
SECRETS = int(sys.argv[3]) if len(sys.argv) > 3 else 36
SEED = 7

rng = random.Random(SEED)
WORDS = ("self return value config client request response token key secret "
         "password user name id data list map error result options context "
         "handler service api http url path file buffer index count total "
         "import from def class fn let const var if else for while match "
         "struct impl pub async await new get set update delete create").split()


def line():
    n = rng.randint(3, 12)
    indent = " " * (4 * rng.randint(0, 3))
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.1:
        words.append(str(rng.randint(0, 10**6)))
    if rng.random() < 0.05:
        words.append("".join(rng.choices(string.hexdigits.lower(), k=rng.choice([8, 16, 40]))))
    return indent + " ".join(words)


def chunk(nlines):
    return [line() for _ in range(nlines)]


def fake_secret(i):
    kind = i % 3
    if kind == 0:
        return "slack_token = \"xoxb-%s-%s-%s\"" % (
            "".join(rng.choices(string.digits, k=12)),
            "".join(rng.choices(string.digits, k=13)),
            "".join(rng.choices(string.ascii_letters + string.digits, k=24)))
    if kind == 1:
        return "SHOPIFY_TOKEN=shpat_%s" % "".join(rng.choices("0123456789abcdef", k=32))
    b64 = string.ascii_letters + string.digits + "-_"
    return "SENDGRID_API_KEY=SG.%s.%s" % ("".join(rng.choices(b64, k=22)),
                                         "".join(rng.choices(b64, k=43)))


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


files = {}
for i in range(40):
    ext = rng.choice(["py", "rs", "js", "go", "yaml", "md"])
    files["src/mod%02d/file%03d.%s" % (i % 8, i, ext)] = chunk(rng.randint(300, 1500))

per_commit_bytes = TARGET_MB * 1_000_000 // COMMITS
secret_at = sorted(rng.sample(range(10, COMMITS - 10), SECRETS))
secret_idx = 0
live_secrets = []  # (path, line text)
t = 1_600_000_000
commit_mark = {}
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
    changes = []
    budget = per_commit_bytes
    while budget > 0:
        path = rng.choice(list(files))
        lines = files[path]
        start = rng.randrange(0, max(1, len(lines)))
        n = rng.randint(5, 60)
        lines[start:start + n] = chunk(rng.randint(5, 60))
        if len(lines) > 2500:
            del lines[:500]
        text = "\n".join(lines) + "\n"
        budget -= len(text)
        changes.append(["M", path, text])
    if secret_idx < len(secret_at) and c == secret_at[secret_idx]:
        path = changes[0][1]
        s = fake_secret(secret_idx)
        ls = files[path]
        ls.insert(rng.randrange(0, len(ls)), s)
        changes[0][2] = "\n".join(ls) + "\n"
        live_secrets.append((path, s))
        secret_idx += 1
    if live_secrets and rng.random() < 0.02:
        path, s = live_secrets.pop(0)
        if path in files and s in files[path]:
            files[path].remove(s)
            changes.append(["M", path, "\n".join(files[path]) + "\n"])
    if rng.random() < 0.03:
        newp = "src/new/f%05d.txt" % c
        files[newp] = chunk(rng.randint(50, 400))
        changes.append(["M", newp, "\n".join(files[newp]) + "\n"])
    if rng.random() < 0.01 and len(files) > 30:
        gone = rng.choice(list(files))
        del files[gone]
        changes = [ch for ch in changes if ch[1] != gone]
        changes.append(["D", gone, None])
    # Deduplicate per path (last write wins) and emit blobs.
    seen = {}
    for ch in changes:
        seen[ch[1]] = ch
    emitted = []
    for op, path, text in seen.values():
        if op == "M" and path in files:
            emitted.append(("M", path, blob(text)))
        elif op == "D":
            emitted.append(("D", path, None))
    if side is None and rng.random() < 0.02 and branch_tip["main"]:
        side = "topic/%d" % c
        branch_tip[side] = commit(side, "start %s" % side, emitted, [branch_tip["main"]])
    elif side is not None:
        branch_tip[side] = commit(side, "work on %s" % side, emitted, [branch_tip[side]])
        if rng.random() < 0.15:
            branch_tip["main"] = commit("main", "Merge %s" % side, [], [branch_tip["main"], branch_tip[side]])
            side = None
    else:
        parents = [branch_tip["main"]] if branch_tip["main"] else []
        branch_tip["main"] = commit("main", "change %d" % c, emitted, parents)
out.write(b"done\n")
