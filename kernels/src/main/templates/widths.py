#!/usr/bin/env python3
"""Expands each kernels/src/main/templates/<Name>.java.in into <Name>128/256/512.java.

The Vector API compiles to SIMD only where the species is a constant, so each width gets its own
class with a `static final` species (the JDK generates its own per-width vector classes from
templates the same way). The first line of a template names its package; output goes to that
package's source directory. Run from the repository root after editing a template:

    python3 kernels/src/main/templates/widths.py
"""
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "java"

for tmpl in sorted(HERE.glob("*.java.in")):
    text = tmpl.read_text()
    pkg = re.match(r"package ([\w.]+);", text).group(1)
    name = tmpl.name[: -len(".java.in")]
    for bits in (128, 256, 512):
        out = SRC / pkg.replace(".", "/") / f"{name}{bits}.java"
        out.write_text(text.replace("$BITS$", str(bits)))
        print("wrote", out.relative_to(HERE.parent.parent.parent))
