#!/usr/bin/env python3
"""Generate a build folder for benches/artifacts.sh: minified one-line bundles,
each with a source map (real VLQ mappings, sourcesContent), some with planted
fake secrets. Writes two trees with the same bytes:

  OUT/mapped/dist/...   bundles reference their maps (`//# sourceMappingURL=`)
  OUT/plain/dist/...    same bytes, links removed: the comment is blanked and the
                        maps are not recognisable as maps (first byte changed)
  OUT/unlinked/dist/... same bytes, comment blanked and maps renamed `.map.json`:
                        maps are still found by content and expanded, but no
                        bundle is resolved through one (isolates resolution cost)

Usage: artifacts_corpus.py OUT TOTAL_MB   (PLANT_EVERY=N: a secret in every Nth bundle, default 8)
"""
import os
import random
import sys

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def vlq(n):
    v = (-n << 1) | 1 if n < 0 else n << 1
    out = ""
    while True:
        digit = v & 31
        v >>= 5
        if v:
            digit |= 32
        out += B64[digit]
        if not v:
            return out


def make_bundle(rng, n_statements, secret):
    """One generated line, the original source and the mappings between them."""
    gen = []
    src_lines = []
    segs = []
    col = prev_col = prev_line = 0
    plant_at = n_statements // 2 if secret else -1
    for i in range(n_statements):
        if i == plant_at:
            g = f'var k{i}="{secret}";'
            s = f'export const KEY_{i} = "{secret}";'
        else:
            a, b = rng.randrange(1000), rng.randrange(1000)
            g = f"var a{i}=f{a}(b{b},c{i % 97})+{i};"
            s = f"const a{i} = f{a}(b{b}, c{i % 97}) + {i};"
        line = len(src_lines)
        segs.append(vlq(col - prev_col) + "A" + vlq(line - prev_line) + "A")
        prev_col, prev_line = col, line
        gen.append(g)
        src_lines.append(s)
        col += len(g)
    return "".join(gen), "\n".join(src_lines) + "\n", ",".join(segs)


def main():
    out, total_mb = sys.argv[1], int(sys.argv[2])
    rng = random.Random(42)
    target = total_mb * 1_000_000
    written = 0
    n = 0
    for tree in ("mapped", "plain", "unlinked"):
        os.makedirs(os.path.join(out, tree, "dist", "assets"), exist_ok=True)
    # A few distinct templates, each file varied by its header line.
    templates = []
    for t in range(4):
        secret = None
        templates.append(make_bundle(rng, 40_000, secret))
    planted = 0
    every = int(os.environ.get("PLANT_EVERY", "8"))
    while written < target:
        secret = None
        if n % every == min(3, every - 1):
            secret = "sk_live_" + "".join(rng.choice(ALNUM) for _ in range(40))
            planted += 1
            js_line, src, mappings = make_bundle(rng, 40_000, secret)
        else:
            js_line, src, mappings = templates[n % len(templates)]
        name = f"chunk-{n:04d}.js"
        header = f"/*! chunk {n} {rng.getrandbits(64):016x} */"
        ref = f"//# sourceMappingURL={name}.map"
        js = f"{header}\n{js_line}\n{ref}\n"
        src_json = (
            src.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        )
        mp = (
            '{"version":3,"file":"%s","sources":["webpack:///src/%s.ts"],'
            '"sourcesContent":["%s"],"names":[],"mappings":";%s"}'
            % (name, name[:-3], src_json, mappings)
        )
        base = os.path.join(out, "mapped", "dist", "assets", name)
        with open(base, "w") as f:
            f.write(js)
        with open(base + ".map", "w") as f:
            f.write(mp)
        plain = os.path.join(out, "plain", "dist", "assets", name)
        with open(plain, "w") as f:
            f.write(js.replace(ref, "//" + " " * (len(ref) - 2)))
        with open(plain + ".map", "w") as f:
            f.write("x" + mp[1:])
        unlinked = os.path.join(out, "unlinked", "dist", "assets", name)
        with open(unlinked, "w") as f:
            f.write(js.replace(ref, "//" + " " * (len(ref) - 2)))
        with open(unlinked + ".map.json", "w") as f:
            f.write(mp)
        written += len(js) + len(mp)
        n += 1
    print(f"{n} bundles, {planted} with a planted secret, {written / 1e6:.0f} MB per tree")


if __name__ == "__main__":
    main()
