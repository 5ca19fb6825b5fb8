#!/usr/bin/env python3
"""Vendor the AWS CLI's usage examples as search text, and hold out a share of them as an eval set.

usage: scripts/update-cli-examples.py [--awscli VERSION | --wheel FILE] [--holdout 0.2] [--seed N]

Reads `awscli/examples/**/*.rst` from the awscli wheel (downloaded from PyPI with pip, or the
given file), splits each file into its examples (a bold or underlined heading, the paragraph that
describes it, the first `aws ...` command), resolves every example to the catalog operations it
shows, and writes:

  models/awscli/examples.jsonl   every example: id, command ("sqs purge-queue"), service (model
                                 directory), operations, title, text, cli, split ("index"/"holdout")
  models/awscli/VERSION          the awscli release and the wheel's SHA-256
  models/awscli/LICENSE.txt      the wheel's license (Apache-2.0)
  eval/search-cli-holdout.jsonl  the held-out examples with a title, as queries for
                                 ../shared/eval/search_eval.py (never indexed: codegen skips
                                 split "holdout")

How a command resolves (service: `codegen/data/cli-names.tsv` maps model directories to CLI
names; the `s3` folder holds the high-level commands, `s3api` the API):
  1. `models/awscli/commands.tsv` (hand-written): the CLI's own high-level commands and
     customizations (`s3 cp`, `eks update-kubeconfig`, ...) and the operations they call;
  2. `<cli> wait <waiter>`: the operation whose `smithy.waiters#waitable` trait names the waiter;
  3. otherwise the operation whose name, lower-cased, equals the command without hyphens.
Examples that resolve to nothing are reported and left out. The split is random with a fixed
seed, per example id (a hash), so a refresh keeps the split of the examples it keeps.

Standard library only; needs pip on PATH when downloading.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, "models", "aws")
OUT_DIR = os.path.join(ROOT, "models", "awscli")
EVAL_OUT = os.path.join(ROOT, "eval", "search-cli-holdout.jsonl")
CLI_NAMES = os.path.join(ROOT, "codegen", "data", "cli-names.tsv")
COMMANDS = os.path.join(OUT_DIR, "commands.tsv")
DEFAULT_VERSION = "1.38.23"  # the release that matches the model snapshot (2025-04-02)
DEFAULT_SEED = 20250402
TEXT_CHARS = 400
# CLI commands that only touch local files (no AWS operation to find).
LOCAL_ONLY = {"configure"}


def fetch_wheel(version, into):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"awscli=={version}", "--no-deps",
         "--only-binary", ":all:", "-q", "-d", into],
        check=True,
    )
    wheels = glob.glob(os.path.join(into, f"awscli-{version}-*.whl"))
    if not wheels:
        sys.exit(f"error: pip did not produce an awscli {version} wheel")
    return wheels[0]


def load_models():
    """{cli name: model dir}, {dir: {lower op: Op}}, {dir: {kebab waiter: Op}}."""
    cli = {}
    with open(CLI_NAMES, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            d, c = line.rstrip("\n").split("\t", 1)
            if c.strip():
                cli[c.strip()] = d
    ops, waiters = {}, {}
    for path in sorted(glob.glob(os.path.join(MODELS, "*", "service", "*", "*.json"))):
        d = os.path.relpath(path, MODELS).split(os.sep)[0]
        with open(path, encoding="utf-8") as fh:
            shapes = json.load(fh).get("shapes", {})
        for sid, shape in shapes.items():
            if shape.get("type") != "operation":
                continue
            name = sid.split("#", 1)[1]
            ops.setdefault(d, {})[name.lower()] = name
            for w in shape.get("traits", {}).get("smithy.waiters#waitable", {}):
                waiters.setdefault(d, {})[kebab(w)] = name
    return cli, ops, waiters


def kebab(name):
    """Waiter/operation name -> CLI spelling, as botocore's xform_name does (near enough)."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", s)
    return s.lower()


def load_commands(cli, ops):
    """commands.tsv: `cli command<TAB>service:Op service:Op ...<TAB>description`."""
    table = {}
    with open(COMMANDS, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                sys.exit(f"error: {COMMANDS}:{n}: expected `command<TAB>ops[<TAB>description]`")
            targets = []
            for t in parts[1].split():
                d, _, op = t.partition(":")
                if op.lower() not in ops.get(d, {}):
                    sys.exit(f"error: {COMMANDS}:{n}: no operation {t} in the models")
                targets.append((d, ops[d][op.lower()]))
            table[parts[0]] = targets
    return table


def clean(text):
    text = re.sub(r"`([^`<]+?)\s*<[^>]+>`_+", r"\1", text)  # `label <url>`__
    text = re.sub(r"``([^`]+)``", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = re.sub(r"\*\*?([^*]+)\*\*?", r"\1", text)
    text = text.strip()
    text = re.sub(r"([.:;!?])\s*::$", r"\1", text)
    text = re.sub(r"\s*::$", ".", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text


HEADING_BOLD = re.compile(r"^\*\*(.+?)\*\*\s*:?\s*$")
UNDERLINE = re.compile(r"^(-{3,}|={3,}|~{3,}|\^{3,})\s*$")


SECTION = re.compile(r"^(for )?more information|^see also$|^output$", re.I)


def split_examples(source):
    """[(title or '', description paragraph, first aws command line)] of one .rst file."""
    lines = source.replace("\r\n", "\n").split("\n")
    blocks, cur = [], None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = HEADING_BOLD.match(line.strip())
        underlined = (
            line.strip()
            and not line.startswith(" ")
            and i + 1 < len(lines)
            and UNDERLINE.match(lines[i + 1])
        )
        if (m or underlined) and SECTION.match(clean(m.group(1) if m else line)):
            # "More information", "See also": the end of the example above, not one of its own.
            cur = {"title": "", "body": []}  # not in blocks: dropped
            i += 2 if underlined else 1
            continue
        if m or underlined:
            cur = {"title": clean(m.group(1) if m else line), "body": []}
            blocks.append(cur)
            i += 2 if underlined else 1
            continue
        if cur is None:
            cur = {"title": "", "body": []}
            blocks.append(cur)
        cur["body"].append(line)
        i += 1
    out = []
    for b in blocks:
        command = next(
            (l.strip().rstrip("\\").strip() for l in b["body"] if l.strip().startswith("aws ")), ""
        )
        para, in_literal = [], False
        for line in b["body"]:
            stripped = line.strip()
            if in_literal:
                if stripped and not line.startswith((" ", "\t")):
                    in_literal = False
                else:
                    continue
            if not stripped:
                if para:
                    break
                continue
            if re.match(r"^(Command|Output|Input|Example)[^:]*::\s*$", stripped):
                if para:
                    break
                in_literal = True
                continue
            para.append(stripped)
            if stripped.endswith("::"):
                break
        text = clean(" ".join(para))
        if len(text) > TEXT_CHARS:
            cut = text.rfind(". ", 0, TEXT_CHARS)
            text = text[: cut + 1] if cut > 80 else text[:TEXT_CHARS]
        if b["title"] or text:
            out.append((b["title"], text, command))
    return out


def held_out(seed, example_id, share):
    """Whether an example is held out: a hash of the seed and its id, so that a refresh which
    adds or drops examples leaves the others where they were."""
    digest = hashlib.sha256(f"{seed}:{example_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def eval_query(title):
    """`**Example 2: To purge a queue**` -> `purge a queue` (what a person would type)."""
    q = re.sub(r"^Example\s*\d*\s*[:.-]?\s*", "", title, flags=re.I)
    q = re.sub(r"^To\s+", "", q)
    return q.rstrip(".: ").strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--awscli", default=DEFAULT_VERSION, help="awscli release to download")
    src.add_argument("--wheel", help="an awscli wheel already downloaded")
    ap.add_argument("--holdout", type=float, default=0.2, help="share held out for eval")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args()

    cli, ops, waiters = load_models()
    commands = load_commands(cli, ops)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(args.awscli, tmp)
        with open(wheel, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        z = zipfile.ZipFile(wheel)
        version = re.search(r"awscli-([^-]+)-", os.path.basename(wheel)).group(1)
        names = sorted(n for n in z.namelist() if n.startswith("awscli/examples/") and n.endswith(".rst"))
        license_text = z.read(next(n for n in z.namelist() if n.endswith("dist-info/LICENSE.txt")))
        files = {n: z.read(n).decode("utf-8", "replace") for n in names}

    records, unresolved = [], {}
    for name in names:
        rel = name[len("awscli/examples/"):-len(".rst")]
        parts = rel.split("/")
        if len(parts) < 2:
            continue  # global_options, global_synopsis
        svc_cli, rest = parts[0], parts[1:]
        rest[-1] = rest[-1].removesuffix("_description").removesuffix("_examples").strip("_")
        if rest[-1] == "":  # update-kubeconfig/_description.rst
            rest = rest[:-1]
        if not rest or svc_cli in LOCAL_ONLY:
            continue
        command = " ".join([svc_cli] + rest)
        if command in commands:
            targets = commands[command]
        else:
            d = "s3" if svc_cli == "s3api" else cli.get(svc_cli)
            op = None
            if d and len(rest) == 2 and rest[0] == "wait":
                op = waiters.get(d, {}).get(rest[1])
            elif d and len(rest) == 1:
                # the API op, else in the `-data` sibling (iotevents <-> iotevents-data, ...)
                for cand in (svc_cli, svc_cli + "-data", svc_cli.removesuffix("-data")):
                    dd = "s3" if cand == "s3api" else cli.get(cand)
                    op = ops.get(dd, {}).get(rest[0].replace("-", "")) if dd else None
                    if op:
                        d = dd
                        break
            targets = [(d, op)] if op else []
        if not targets:
            unresolved[command] = unresolved.get(command, 0) + 1
            continue
        service = targets[0][0]
        for n, (title, text, line) in enumerate(split_examples(files[name]), 1):
            split = "holdout" if held_out(args.seed, f"{rel}#{n}", args.holdout) else "index"
            records.append({
                "id": f"{rel}#{n}",
                "command": command,
                "service": service,
                "operations": [f"{d}:{op}" for d, op in targets],
                "title": title,
                "text": text,
                "cli": line,
                "split": split,
            })

    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "examples.jsonl"), "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT_DIR, "VERSION"), "w", encoding="utf-8") as fh:
        fh.write(f"awscli {version}\nwheel-sha256 {digest}\nseed {args.seed}\nholdout {args.holdout}\n")
    with open(os.path.join(OUT_DIR, "LICENSE.txt"), "wb") as fh:
        fh.write(license_text)
    os.makedirs(os.path.dirname(EVAL_OUT), exist_ok=True)
    held = 0
    with open(EVAL_OUT, "w", encoding="utf-8") as fh:
        for r in records:
            q = eval_query(r["title"])
            if r["split"] != "holdout" or len(q.split()) < 2:
                continue
            held += 1
            fh.write(json.dumps({
                "id": "cli-" + r["id"],
                "query": q,
                "expected": r["operations"],
                "also_ok": [],
                "category": "cli-example",
            }) + "\n")
    indexed = sum(r["split"] == "index" for r in records)
    print(f"awscli {version}: {len(files)} files, {len(records)} examples "
          f"({indexed} indexed, {len(records) - indexed} held out, {held} eval queries)")
    if unresolved:
        print(f"{len(unresolved)} commands resolve to no operation (left out):")
        for c, k in sorted(unresolved.items()):
            print(f"  {c} ({k})")


if __name__ == "__main__":
    main()
