"""Minimal safetensors reader and writer for the reference-data generator.

The `safetensors` Python package is not part of Debian's PyTorch stack, so the format
(spec/fusion.md §7) is written here directly:

    u64 LE header length N | N bytes of UTF-8 JSON, space-padded so the data starts at a
    multiple of 8 | data buffer (little-endian, C order)

The JSON maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end)} with
offsets relative to the data buffer, plus an optional "__metadata__" string->string map.

Like the reference implementation, tensors are laid out by decreasing element size, then by
name, so every tensor starts at an offset aligned to its element size. The output is a pure
function of the input tensors and metadata (byte-for-byte deterministic).

The reader is strict in the same ways the reference one is (sizes, ranges, holes, overlaps);
generate.py uses it to check files Ocelli wrote.
"""

import json
import struct

import numpy as np
import torch

# torch dtype -> (safetensors name, little-endian numpy dtype used for the bytes)
_TORCH_TO_ST = {
    torch.float64: ("F64", "<f8"),
    torch.float32: ("F32", "<f4"),
    torch.float16: ("F16", "<f2"),
    torch.bfloat16: ("BF16", "<i2"),  # numpy has no bfloat16: move the bits as int16
    torch.int64: ("I64", "<i8"),
    torch.int32: ("I32", "<i4"),
    torch.int16: ("I16", "<i2"),
    torch.int8: ("I8", "i1"),
    torch.uint8: ("U8", "u1"),
    torch.bool: ("BOOL", "?"),
}
_ST_TO_TORCH = {name: (dt, np_dt) for dt, (name, np_dt) in _TORCH_TO_ST.items()}

MAX_HEADER = 100_000_000


def _tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.detach().cpu().contiguous()
    name, np_dt = _TORCH_TO_ST[t.dtype]
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().astype(np_dt, copy=False).tobytes()


def encode(tensors: dict, metadata: dict | None = None) -> bytes:
    """The safetensors bytes for `tensors` (name -> torch.Tensor) and `metadata`."""
    if metadata is not None:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError(f"__metadata__ must map str to str, got {k!r}: {v!r}")
    for name, t in tensors.items():
        if name == "__metadata__":
            raise ValueError("a tensor may not be called __metadata__")
        if t.dtype not in _TORCH_TO_ST:
            raise TypeError(f"tensor {name!r}: dtype {t.dtype} has no safetensors name here")

    order = sorted(tensors, key=lambda n: (-tensors[n].element_size(), n))
    header = {}
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    chunks = []
    offset = 0
    for name in order:
        t = tensors[name]
        data = _tensor_bytes(t)
        header[name] = {
            "dtype": _TORCH_TO_ST[t.dtype][0],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(chunks)


def write(path, tensors: dict, metadata: dict | None = None) -> int:
    data = encode(tensors, metadata)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


class FormatError(Exception):
    pass


def decode(buf: bytes, what: str = "<bytes>"):
    """Parses safetensors bytes into (dict name -> torch.Tensor, metadata dict or None)."""
    if len(buf) < 8:
        raise FormatError(f"{what}: {len(buf)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > MAX_HEADER:
        raise FormatError(f"{what}: header length {n} exceeds {MAX_HEADER}")
    if 8 + n > len(buf):
        raise FormatError(f"{what}: header length {n} runs past the end of the file ({len(buf)} bytes)")
    try:
        text = buf[8:8 + n].decode("utf-8")
        header = json.loads(text, object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as e:
        raise FormatError(f"{what}: header is not valid UTF-8 JSON: {e}") from None
    if not isinstance(header, dict):
        raise FormatError(f"{what}: header is not a JSON object")
    data = buf[8 + n:]
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict)
                                     and all(isinstance(v, str) for v in metadata.values())):
        raise FormatError(f"{what}: __metadata__ is not a str->str map")
    spans = []
    out = {}
    for name, info in header.items():
        dtype = info.get("dtype")
        if dtype not in _ST_TO_TORCH:
            raise FormatError(f"{what}: tensor {name!r}: unsupported dtype {dtype!r}")
        torch_dt, np_dt = _ST_TO_TORCH[dtype]
        shape = info.get("shape")
        begin, end = info.get("data_offsets")
        numel = 1
        for d in shape:
            numel *= d
        size = numel * np.dtype(np_dt).itemsize
        if not (0 <= begin <= end <= len(data)):
            raise FormatError(f"{what}: tensor {name!r}: offsets [{begin},{end}) outside buffer of {len(data)}")
        if end - begin != size:
            raise FormatError(f"{what}: tensor {name!r}: {end - begin} bytes but shape {shape} x {dtype} needs {size}")
        spans.append((begin, end, name))
        arr = np.frombuffer(data, dtype=np_dt, count=numel, offset=begin).copy()
        t = torch.from_numpy(arr)
        if torch_dt == torch.bfloat16:
            t = t.view(torch.bfloat16)
        out[name] = t.reshape(shape)
    pos = 0
    for begin, end, name in sorted(spans):
        if begin != pos:
            raise FormatError(f"{what}: tensor {name!r} starts at {begin}, expected {pos} (hole or overlap)")
        pos = end
    if pos != len(data):
        raise FormatError(f"{what}: {len(data) - pos} trailing bytes after the last tensor")
    return out, metadata


def read(path):
    with open(path, "rb") as f:
        return decode(f.read(), str(path))


def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"duplicate key {k!r}")
        d[k] = v
    return d
