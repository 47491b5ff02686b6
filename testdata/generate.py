#!/usr/bin/python3
"""Writes Ocelli's PyTorch reference data into testdata/data/.

    /usr/bin/python3 testdata/generate.py              # every group
    /usr/bin/python3 testdata/generate.py ops_act      # only testdata/gen/ops_act.py
    /usr/bin/python3 testdata/generate.py --list

Each module testdata/gen/<group>.py defines `generate(w)` and calls
`w.save(relpath, {name: tensor}, meta)`, which writes testdata/data/<relpath>.safetensors and
stamps generator_version, torch_version and group into its __metadata__. Every group starts from
the same seed on one thread, so re-running leaves the committed files byte-identical (the summary
line says how many files changed). Java tests read the files through dev.ocelli.testdata; neither
CI nor the Java build runs this script.

Use Debian's interpreter (/usr/bin/python3, which has python3-torch), not a pyenv one.
"""

import argparse
import importlib
import json
import os
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import torch  # noqa: E402

import stio  # noqa: E402

# Bump when the writer or the metadata conventions change in a way that matters to readers.
GENERATOR_VERSION = "1"
DATA = HERE / "data"
BUDGET_BYTES = 30 * 1024 * 1024


class Writer:
    """Handed to each group's generate(w). Paths are relative to testdata/data, without suffix."""

    def __init__(self, group: str, root: Path = DATA):
        self.group = group
        self.root = root
        self.written = []  # (path, bytes, changed)

    def _meta(self, meta):
        m = {"generator_version": GENERATOR_VERSION, "torch_version": torch.__version__,
             "group": self.group}
        for k, v in (meta or {}).items():
            if k in m:
                raise ValueError(f"metadata key {k!r} is reserved")
            m[k] = v
        return m

    def path(self, relpath: str) -> Path:
        return self.root / f"{relpath}.safetensors"

    def _put(self, path: Path, data: bytes):
        path.parent.mkdir(parents=True, exist_ok=True)
        changed = not path.exists() or path.read_bytes() != data
        if changed:
            path.write_bytes(data)
        self.written.append((path, len(data), changed))

    def save(self, relpath: str, tensors: dict, meta: dict | None = None) -> Path:
        """Writes testdata/data/<relpath>.safetensors."""
        path = self.path(relpath)
        self._put(path, stio.encode(tensors, self._meta(meta)))
        return path

    def save_sharded(self, reldir: str, shards: list, meta: dict | None = None) -> Path:
        """Writes a hub-style sharded checkpoint: testdata/data/<reldir>/ with
        model-0000i-of-0000n.safetensors per dict in `shards` and model.safetensors.index.json."""
        d = self.root / reldir
        n = len(shards)
        weight_map = {}
        total = 0
        for i, tensors in enumerate(shards, start=1):
            fname = f"model-{i:05d}-of-{n:05d}.safetensors"
            data = stio.encode(tensors, self._meta(meta))
            self._put(d / fname, data)
            for name, t in tensors.items():
                if name in weight_map:
                    raise ValueError(f"{reldir}: tensor {name!r} in two shards")
                weight_map[name] = fname
                total += t.numel() * t.element_size()
        index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
        self._put(d / "model.safetensors.index.json",
                  (json.dumps(index, indent=2, sort_keys=False) + "\n").encode("utf-8"))
        return d

    def load(self, relpath: str):
        """Reads testdata/data/<relpath>.safetensors: (dict name -> tensor, metadata)."""
        return stio.read(self.path(relpath))


def groups():
    return sorted(p.stem for p in (HERE / "gen").glob("*.py") if not p.stem.startswith("_"))


def run_group(name: str) -> Writer:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    module = importlib.import_module(f"gen.{name}")
    w = Writer(name)
    module.generate(w)
    return w


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("groups", nargs="*", help="groups to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the groups and exit")
    args = ap.parse_args(argv)
    known = groups()
    if args.list:
        print("\n".join(known))
        return 0
    todo = args.groups or known
    unknown = [g for g in todo if g not in known]
    if unknown:
        print(f"generate.py: unknown group(s) {', '.join(unknown)}; known: {', '.join(known)}",
              file=sys.stderr)
        return 2
    failed = []
    for g in todo:
        try:
            w = run_group(g)
        except Exception:
            traceback.print_exc()
            print(f"generate.py: group {g} FAILED", file=sys.stderr)
            failed.append(g)
            continue
        changed = sum(1 for _, _, c in w.written if c)
        size = sum(b for _, b, _ in w.written)
        print(f"{g}: {len(w.written)} files, {size / 1024:.1f} KiB, {changed} changed")
    total = sum(f.stat().st_size for f in DATA.rglob("*") if f.is_file())
    print(f"testdata/data: {total / 1024 / 1024:.2f} MiB of {BUDGET_BYTES // 1024 // 1024} MiB budget")
    if total > BUDGET_BYTES:
        print("generate.py: testdata/data is over budget; make the cases smaller", file=sys.stderr)
        return 1
    if failed:
        print(f"generate.py: {len(failed)} group(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.chdir(HERE)
    sys.exit(main())
