"""safetensors round trip against PyTorch (issue 2 §5).

roundtrip/torch_written.safetensors
    Every dtype Ocelli supports (F32, F16, BF16, I64, U8), written by PyTorch through stio. Each
    float tensor X comes with X.bits (I64): its IEEE bit patterns, taken in torch by viewing the
    memory as int32/int16. A reader that decodes X bit-exactly reproduces X.bits; the integer path
    shares no code with the float path, so both cannot be wrong the same way. The "specials"
    tensors are built *from* literal bit patterns (±0, ±Inf, NaNs with payloads, smallest and
    largest denormals, largest finite), which the Java test repeats as literals too.
    X.as_f32 is torch's own widening of a 16-bit tensor to F32 and conv.* holds torch's F32 -> F16
    and F32 -> BF16 rounding of tie cases, to check Ocelli's conversions against PyTorch.
roundtrip/torch_sharded/
    A hub-style sharded checkpoint (index + 2 shards), for SafetensorsCheckpoint and `ocelli inspect`.
roundtrip/ocelli_written.safetensors
    Written by Ocelli's SafetensorsWriter (see testdata/README.md), NOT by this script. This group
    loads it with an independent reader and checks that it holds exactly the expected values; it
    raises (the generator fails) when the file is missing, malformed or holds anything else.
"""

import torch

# --- literal bit patterns ------------------------------------------------------------------
F32_SPECIAL_BITS = [
    0x00000000,  # +0
    0x80000000,  # -0
    0x3F800000,  # 1
    0xBF800000,  # -1
    0x7F800000,  # +Inf
    0xFF800000,  # -Inf
    0x7FC00000,  # canonical quiet NaN
    0xFFC00000,  # negative quiet NaN
    0x7F800001,  # signalling NaN (must not be quieted by a reader)
    0x7FC12345,  # quiet NaN with payload
    0x00000001,  # smallest denormal 1.4e-45
    0x007FFFFF,  # largest denormal
    0x80000001,  # negative smallest denormal
    0x00800000,  # smallest normal
    0x7F7FFFFF,  # largest finite 3.4028235e38
    0xFF7FFFFF,  # most negative finite
    0x3EAAAAAB,  # 1/3
]
F16_SPECIAL_BITS = [
    0x0000, 0x8000, 0x3C00, 0xBC00,
    0x7C00,  # +Inf
    0xFC00,  # -Inf
    0x7E00,  # quiet NaN
    0xFE00,  # negative quiet NaN
    0x7D01,  # signalling NaN with payload
    0x0001,  # smallest subnormal 2^-24
    0x03FF,  # largest subnormal
    0x8001,
    0x0400,  # smallest normal 2^-14
    0x7BFF,  # 65504
    0xFBFF,
    0x3555,  # ~1/3
]
BF16_SPECIAL_BITS = [
    0x0000, 0x8000, 0x3F80, 0xBF80,
    0x7F80,  # +Inf
    0xFF80,  # -Inf
    0x7FC0,  # quiet NaN
    0xFFC0,
    0x7F81,  # signalling NaN
    0x0001,  # smallest denormal
    0x007F,  # largest denormal
    0x8001,
    0x0080,  # smallest normal
    0x7F7F,  # largest finite
    0xFF7F,
    0x3EAB,  # ~1/3
]
# F32 inputs whose rounding to 16 bits is a tie, just above/below a tie, overflow or NaN.
CONV_SOURCE_BITS = [
    0x3F808000,  # 1 + 2^-8: BF16 tie between 0x3F80 (even) and 0x3F81 -> 0x3F80
    0x3F818000,  # tie between 0x3F81 and 0x3F82 (even) -> 0x3F82
    0x3F808001,  # just above the tie -> 0x3F81
    0x3F807FFF,  # just below the tie -> 0x3F80
    0xBF818000,  # negative tie -> 0xBF82
    0x3F801000,  # 1 + 2^-11: F16 tie -> 1.0
    0x3F803000,  # 1 + 3*2^-11: F16 tie -> even upward
    0x7F7FFFFF,  # largest float: BF16 rounds to +Inf, F16 overflows to +Inf
    0x477FF000,  # 65520: F16 rounds to +Inf
    0x477FEFFF,  # just below: F16 -> 65504
    0x33000000,  # 2^-25: F16 tie between 0 and the smallest subnormal -> 0
    0x33000001,  # just above -> smallest subnormal
    0x00000001,  # F32 denormal -> BF16 denormal 0x0000 (rounds down), F16 0
    0x007FFFFF,  # largest F32 denormal -> BF16 0x0080 (rounds up to smallest normal)
    0x80000000,  # -0
    0x7F800000,  # +Inf
    0xFF800000,  # -Inf
    0x7FC00000,  # NaN
]


def _signed(bits, width):
    return bits - (1 << width) if bits >= 1 << (width - 1) else bits


def from_bits(bits, dtype):
    """A tensor whose memory holds exactly these bit patterns."""
    if dtype == torch.float32:
        return torch.tensor([_signed(b, 32) for b in bits], dtype=torch.int32).view(torch.float32)
    return torch.tensor([_signed(b, 16) for b in bits], dtype=torch.int16).view(dtype)


def bits_of(t):
    """The IEEE bit patterns of a float tensor, as non-negative I64 of the same shape."""
    t = t.contiguous()
    if t.dtype == torch.float32:
        return t.view(torch.int32).to(torch.int64) & 0xFFFFFFFF
    return t.view(torch.int16).to(torch.int64) & 0xFFFF


def torch_written_tensors():
    g = torch.Generator().manual_seed(1234)
    x = {}

    def with_bits(name, t):
        x[name] = t
        x[name + ".bits"] = bits_of(t)

    with_bits("f32.specials", from_bits(F32_SPECIAL_BITS, torch.float32))
    with_bits("f16.specials", from_bits(F16_SPECIAL_BITS, torch.float16))
    with_bits("bf16.specials", from_bits(BF16_SPECIAL_BITS, torch.bfloat16))
    x["f16.specials.as_f32"] = x["f16.specials"].float()
    x["bf16.specials.as_f32"] = x["bf16.specials"].float()

    with_bits("f32.random", torch.randn(3, 5, 7, generator=g) * 10)
    with_bits("f16.random", torch.randn(4, 33, generator=g).half())
    with_bits("bf16.random", torch.randn(2, 3, 17, generator=g).bfloat16())
    x["f16.random.as_f32"] = x["f16.random"].float()
    x["bf16.random.as_f32"] = x["bf16.random"].float()

    # tensor(i, j) == 4*j + i; saved from a non-contiguous view, so the file holds it in C order
    with_bits("f32.transposed", torch.arange(12, dtype=torch.float32).reshape(3, 4).t())
    with_bits("f32.scalar", torch.tensor(3.5))
    with_bits("f32.empty", torch.zeros(0, 3))

    src = from_bits(CONV_SOURCE_BITS, torch.float32)
    with_bits("conv.source", src)
    with_bits("conv.to_bf16", src.bfloat16())
    with_bits("conv.to_f16", src.half())

    x["i64.values"] = torch.tensor([-(2 ** 63), 2 ** 63 - 1, -1, 0, 1, 2 ** 53 + 1, -(2 ** 31),
                                    2 ** 32, 0x0102030405060708], dtype=torch.int64)
    x["i64.random"] = torch.randint(-(2 ** 40), 2 ** 40, (2, 6), generator=g, dtype=torch.int64)
    x["i64.empty"] = torch.zeros(0, dtype=torch.int64)
    x["u8.all"] = torch.arange(256, dtype=torch.int64).to(torch.uint8).reshape(16, 16)
    return x


TORCH_META = {"purpose": "safetensors round trip: read back bit-exact in Java",
              "unicode": "ÿ ✓ 日本"}


def sharded_tensors():
    g = torch.Generator().manual_seed(99)
    return [
        {"encoder.layer.0.weight": torch.randn(4, 4, generator=g),
         "encoder.layer.0.bias": torch.randn(4, generator=g)},
        {"encoder.layer.1.weight": torch.randn(4, 4, generator=g).bfloat16(),
         "head.weight": torch.randn(2, 4, generator=g).half(),
         "head.steps": torch.tensor([7], dtype=torch.int64)},
    ]


# --- what Ocelli must have written ----------------------------------------------------------
# The Java side (dev.ocelli.testdata.OcelliWrittenFile) writes:
#   copy.<name>  for every tensor of torch_written.safetensors, read with Ocelli's reader
#   made.ramp    F32 [2,3,4], element k (C order) = 0.5*k - 6
#   made.permuted  made.ramp.permute(2,0,1) (a non-contiguous view in Java)
#   made.bf16, made.f16  made.ramp converted by Ocelli
#   made.narrow  made.ramp.narrow(2, 1, 2) (non-contiguous)
#   made.scalar  F32 [] = 2.5
# with __metadata__ OCELLI_META.
OCELLI_META = {"writer": "ocelli", "purpose": "Ocelli-written file, verified by PyTorch",
               "unicode": "ÿ ✓ 日本"}


def ocelli_expected(torch_written):
    ramp = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) * 0.5 - 6
    exp = {f"copy.{k}": v for k, v in torch_written.items()}
    exp.update({
        "made.ramp": ramp,
        "made.permuted": ramp.permute(2, 0, 1).contiguous(),
        "made.bf16": ramp.bfloat16(),
        "made.f16": ramp.half(),
        "made.narrow": ramp.narrow(2, 1, 2).contiguous(),
        "made.scalar": torch.tensor(2.5),
    })
    return exp


def same_bits(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.is_floating_point():
        return torch.equal(bits_of(a), bits_of(b))
    return torch.equal(a, b)


def verify_ocelli_written(w, torch_written):
    path = w.path("roundtrip/ocelli_written")
    if not path.exists():
        raise RuntimeError(
            f"{path} is missing. Write it with Ocelli (testdata/README.md, 'Round trip'):\n"
            "  mvn -B -q install -DskipTests && mvn -B -q -pl testdata test "
            "-Dtest=OcelliWrittenFileTest -Docelli.testdata.regenerate=true\n"
            "then run this generator again.")
    got, meta = w.load("roundtrip/ocelli_written")
    expected = ocelli_expected(torch_written)
    problems = []
    for name in sorted(set(expected) | set(got)):
        if name not in got:
            problems.append(f"{name}: missing")
        elif name not in expected:
            problems.append(f"{name}: unexpected tensor")
        elif not same_bits(expected[name], got[name]):
            e, a = expected[name], got[name]
            problems.append(f"{name}: expected {e.dtype} {list(e.shape)}, got {a.dtype} {list(a.shape)}"
                            + ("" if e.dtype != a.dtype or e.shape != a.shape
                               else f", values differ: {e.flatten()[:6].tolist()} vs {a.flatten()[:6].tolist()}"))
    for k, v in OCELLI_META.items():
        if (meta or {}).get(k) != v:
            problems.append(f"__metadata__[{k!r}]: expected {v!r}, got {(meta or {}).get(k)!r}")
    if problems:
        raise RuntimeError(f"{path} does not hold what Ocelli should have written:\n  "
                           + "\n  ".join(problems))
    print(f"safetensors_io: {path.name} loads in torch {torch.__version__} and holds the "
          f"expected {len(expected)} tensors bit-exactly")


def generate(w):
    x = torch_written_tensors()
    w.save("roundtrip/torch_written", x, TORCH_META)
    back, _ = w.load("roundtrip/torch_written")  # our own reader must agree with our writer
    assert all(same_bits(x[k].contiguous(), back[k]) for k in x), "stio round trip failed"
    w.save_sharded("roundtrip/torch_sharded", sharded_tensors(), {"purpose": "sharded checkpoint"})
    verify_ocelli_written(w, x)
