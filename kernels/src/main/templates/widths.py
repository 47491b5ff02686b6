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

# Width-specific snippets. GELU's exp reads a 16-entry table of 2^(j/16) by lane index j: one
# permute of a 16-lane table at 512 bits, a two-table permute at 256, two of those and a blend at 128.
GELU_TABLE_FIELDS = {
    512: ["T0"],
    256: ["T0", "T1"],
    128: ["T0", "T1", "T2", "T3"],
}
GELU_LOOKUP = {
    512: "{j}.selectFrom(GELU_T0)",
    256: "{j}.selectFrom(GELU_T0, GELU_T1)",
    128: "{j}.selectFrom(GELU_T0, GELU_T1).blend({j}.selectFrom(GELU_T2, GELU_T3), {j}.compare(VectorOperators.GE, 8))",
}


def specialise(text, bits):
    lanes = bits // 32
    fields = "\n".join(
        "    static final IntVector GELU_%s = IntVector.fromArray(IS, ScalarMath.GELU_EXP2_16THS_BITS, %d);" % (t, k * lanes)
        for k, t in enumerate(GELU_TABLE_FIELDS[bits]))
    text = text.replace("$GELU_TABLE_FIELDS$", fields)
    text = re.sub(r"\$GELU_LOOKUP\((\w+)\)\$", lambda m: GELU_LOOKUP[bits].format(j=m.group(1)), text)
    return text.replace("$BITS$", str(bits))

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "java"

for tmpl in sorted(HERE.glob("*.java.in")):
    text = tmpl.read_text()
    pkg = re.match(r"package ([\w.]+);", text).group(1)
    name = tmpl.name[: -len(".java.in")]
    for bits in (128, 256, 512):
        out = SRC / pkg.replace(".", "/") / f"{name}{bits}.java"
        out.write_text(specialise(text, bits))
        print("wrote", out.relative_to(HERE.parent.parent.parent))
