#!/usr/bin/python3
"""Generates the malformed safetensors corpus (one tiny file per broken rule) and its README.

Run from anywhere:  /usr/bin/python3 core/src/test/resources/safetensors/make_malformed.py
Plain struct/json, no torch: every file is hand-built so that it breaks exactly one rule.
SafetensorsMalformedTest reads the README table (file | rule | tensor | message fragment).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "malformed")

# (file, rule, tensor or '-', fragment the message must contain, why)
cases = []


def raw(name, data, rule, tensor, fragment, why):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    cases.append((name, rule, tensor, fragment, why))


def st(name, header, data, rule, tensor, fragment, why, n=None, pad=True):
    """header: str (or bytes) JSON; data: bytes of the data buffer; n overrides the length prefix."""
    hb = header if isinstance(header, bytes) else header.encode("utf-8")
    if pad:
        hb += b" " * (-len(hb) % 8)
    prefix = struct.pack("<Q", len(hb) if n is None else n)
    raw(name, prefix + hb + data, rule, tensor, fragment, why)


def w(dtype='"F32"', shape="[1]", offsets="[0,4]", extra=""):
    return '{"dtype":%s,"shape":%s,"data_offsets":%s%s}' % (dtype, shape, offsets, extra)


os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    if f.endswith(".safetensors"):
        os.remove(os.path.join(OUT, f))

Z4 = b"\0" * 4
# --- prefix and header framing
raw("empty.safetensors", b"", "FILE_TOO_SMALL", "-", "file is 0 bytes", "no length prefix at all")
raw("file_too_small.safetensors", b"\x02\0\0", "FILE_TOO_SMALL", "-", "file is 3 bytes", "3 of the 8 prefix bytes")
st("header_too_large.safetensors", "{}", b"", "HEADER_TOO_LARGE", "-", "header length 100000001",
   "N = 100,000,001 > 100 MB cap (must be refused before allocating)", n=100_000_001)
st("header_length_u64_max.safetensors", "{}", b"", "HEADER_TOO_LARGE", "-", "18446744073709551615",
   "N = 2^64-1, negative as a Java long", n=2**64 - 1)
st("header_beyond_file.safetensors", "{}", b"", "HEADER_BEYOND_FILE", "-", "needs 1008 bytes",
   "N = 1000 but the file is 16 bytes", n=1000)
st("header_not_utf8.safetensors", b'{"__metadata__":{"a":"\xff"}}', b"", "HEADER_NOT_UTF8", "-",
   "header byte 22", "0xFF is never valid UTF-8")
st("header_overlong_utf8.safetensors", b'{"__metadata__":{"a":"\xc0\xaf"}}', b"", "HEADER_NOT_UTF8", "-",
   "malformed sequence", "overlong encoding of '/'")
st("header_not_object.safetensors", "[]", b"", "HEADER_NOT_OBJECT", "-", "expected '{'", "root is an array")
st("header_leading_space.safetensors", " {}", b"", "HEADER_NOT_OBJECT", "-", "U+0020",
   "leading whitespace (reference tolerates it, Ocelli requires '{' first)")
st("header_utf8_bom.safetensors", b"\xef\xbb\xbf{}", b"", "HEADER_NOT_OBJECT", "-", "U+FEFF", "UTF-8 byte order mark")
st("header_empty.safetensors", "", b"", "HEADER_NOT_OBJECT", "-", "header is empty", "N = 0")
# --- JSON syntax
st("invalid_json_truncated.safetensors", '{"w":', b"", "INVALID_JSON", "-", "not valid JSON", "object cut short")
st("invalid_json_comment.safetensors", '{/* c */}', b"", "INVALID_JSON", "-", "not valid JSON", "comments are not JSON")
st("invalid_json_trailing_comma.safetensors", '{"w":%s,}' % w(), Z4, "INVALID_JSON", "-", "not valid JSON",
   "trailing comma")
st("invalid_json_single_quotes.safetensors", "{'w':1}", b"", "INVALID_JSON", "-", "not valid JSON", "single quotes")
st("invalid_json_nan.safetensors", '{"w":{"dtype":"F32","shape":[NaN],"data_offsets":[0,4]}}', Z4, "INVALID_JSON",
   "w", "not valid JSON", "NaN literal")
st("json_limit_number_length.safetensors", w(shape="[" + "1" * 80 + "]").replace('{"dtype"', '{"w":{"dtype"', 1) + "}",
   Z4, "JSON_LIMIT", "w", "parser limit", "80-digit integer, over the 64-digit number limit")
st("trailing_json_object.safetensors", "{} {}", b"", "TRAILING_JSON", "-", "content after", "two root objects")
st("trailing_json_garbage.safetensors", "{}x", b"", "TRAILING_JSON", "-", "content after", "junk after the root object")
st("trailing_json_nul_padding.safetensors", b"{}\0\0\0\0\0\0", b"", "TRAILING_JSON", "-", "content after",
   "NUL padding instead of spaces (reference: serde 'trailing characters')", pad=False)
# --- names and metadata
st("duplicate_name.safetensors", '{"w":%s,"w":%s}' % (w(), w(offsets="[4,8]")), Z4 * 2, "DUPLICATE_NAME", "w",
   "appears twice", "same tensor twice (reference: last one silently wins)")
st("duplicate_metadata.safetensors", '{"__metadata__":{},"__metadata__":{}}', b"", "DUPLICATE_NAME", "__metadata__",
   "appears twice", "__metadata__ twice")
st("duplicate_field.safetensors", '{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', Z4,
   "DUPLICATE_FIELD", "w", "'dtype' appears twice", "dtype twice in one entry")
st("bad_metadata_number.safetensors", '{"__metadata__":{"epoch":3}}', b"", "BAD_METADATA", "-",
   "value of 'epoch' must be a string", "metadata values must be strings")
st("bad_metadata_array.safetensors", '{"__metadata__":["a"]}', b"", "BAD_METADATA", "-", "must be an object",
   "metadata is an array")
st("bad_metadata_null.safetensors", '{"__metadata__":null}', b"", "BAD_METADATA", "-", "must be an object",
   "metadata is null")
st("bad_metadata_duplicate_key.safetensors", '{"__metadata__":{"a":"1","a":"2"}}', b"", "BAD_METADATA", "-",
   "key 'a' twice", "duplicate key inside __metadata__")
# --- entry structure
st("wrong_type_entry.safetensors", '{"w":[1]}', b"", "WRONG_TYPE", "w", "must be an object", "entry is an array")
st("wrong_type_dtype.safetensors", '{"w":%s}' % w(dtype="32"), Z4, "WRONG_TYPE", "w", "dtype must be a string",
   "dtype is a number")
st("missing_dtype.safetensors", '{"w":{"shape":[1],"data_offsets":[0,4]}}', Z4, "MISSING_FIELD", "w",
   "lacks dtype", "no dtype")
st("missing_shape.safetensors", '{"w":{"dtype":"F32","data_offsets":[0,4]}}', Z4, "MISSING_FIELD", "w",
   "lacks shape", "no shape")
st("missing_data_offsets.safetensors", '{"w":{"dtype":"F32","shape":[1]}}', Z4, "MISSING_FIELD", "w",
   "lacks data_offsets", "no data_offsets")
st("unknown_field.safetensors", '{"w":%s}' % w(extra=',"strides":[1]'), Z4, "UNKNOWN_FIELD", "w",
   "unexpected field 'strides'", "extra field (reference: silently ignored)")
st("unknown_dtype.safetensors", '{"w":%s}' % w(dtype='"F33"'), Z4, "UNKNOWN_DTYPE", "w", "unknown dtype 'F33'",
   "no such dtype")
st("unknown_dtype_c64.safetensors", '{"w":%s}' % w(dtype='"C64"', offsets="[0,8]"), Z4 * 2, "UNKNOWN_DTYPE", "w",
   "cannot represent", "valid in the reference, not representable in Ocelli")
# --- shape and offsets values
st("bad_shape_negative.safetensors", '{"w":%s}' % w(shape="[-1]"), Z4, "BAD_SHAPE", "w", "is negative",
   "negative dim")
st("bad_shape_float.safetensors", '{"w":%s}' % w(shape="[1.0]"), Z4, "BAD_SHAPE", "w", "non-integer 1.0",
   "non-integer dim")
st("bad_shape_string.safetensors", '{"w":%s}' % w(shape='["1"]'), Z4, "BAD_SHAPE", "w", "VALUE_STRING",
   "dim is a string")
st("bad_shape_not_array.safetensors", '{"w":%s}' % w(shape="1"), Z4, "BAD_SHAPE", "w", "must be an array",
   "shape is a number")
st("bad_shape_2pow64.safetensors", '{"w":%s}' % w(shape="[18446744073709551616]"), Z4, "BAD_SHAPE", "w",
   "does not fit 64 bits", "dim 2^64")
st("bad_offsets_three.safetensors", '{"w":%s}' % w(offsets="[0,4,4]"), Z4, "BAD_OFFSETS", "w",
   "found 3 numbers", "three offsets")
st("bad_offsets_one.safetensors", '{"w":%s}' % w(offsets="[4]"), Z4, "BAD_OFFSETS", "w", "found 1 numbers",
   "one offset")
st("bad_offsets_negative.safetensors", '{"w":%s}' % w(offsets="[-4,0]"), Z4, "BAD_OFFSETS", "w", "is negative",
   "negative begin")
st("bad_offsets_float.safetensors", '{"w":%s}' % w(offsets="[0,4.0]"), Z4, "BAD_OFFSETS", "w", "non-integer",
   "non-integer end")
st("offsets_reversed.safetensors", '{"w":%s}' % w(offsets="[4,0]"), Z4, "OFFSETS_REVERSED", "w",
   "[4,0] begin after end", "begin > end")
st("size_overflow_numel.safetensors", '{"w":%s}' % w(shape="[4294967296,4294967296]"), Z4, "SIZE_OVERFLOW",
   "w", "overflows", "numel 2^64")
st("size_overflow_bytes.safetensors", '{"w":%s}' % w(shape="[2305843009213693952]"), Z4, "SIZE_OVERFLOW",
   "w", "[2305843009213693952] x F32", "numel 2^61 fits, x 4 bytes does not")
st("size_mismatch.safetensors",
   '{"vision_model.embeddings.patch_embedding.weight":%s}' % w(shape="[2,3]", offsets="[0,20]"), Z4 * 5,
   "SIZE_MISMATCH", "vision_model.embeddings.patch_embedding.weight",
   "shape [2,3] x F32 = 24 bytes but data_offsets span 20", "20 bytes for 6 floats")
# --- data buffer tiling
st("offset_beyond_buffer.safetensors", '{"w":%s}' % w(shape="[2]", offsets="[0,8]"), Z4, "OFFSET_BEYOND_BUFFER",
   "w", "past the data buffer of 4 bytes", "region ends after the file")
st("overlap.safetensors", '{"a":%s,"b":%s}' % (w(shape="[2]", offsets="[0,8]"), w(shape="[2]", offsets="[4,12]")),
   Z4 * 3, "OVERLAP", "b", "overlap tensor 'a'", "b starts inside a")
st("overlap_same_region.safetensors", '{"a":%s,"b":%s}' % (w(), w()), Z4, "OVERLAP", "b", "overlap tensor 'a'",
   "a and b alias the same bytes")
st("hole.safetensors", '{"a":%s,"b":%s}' % (w(), w(offsets="[8,12]")), Z4 * 3, "HOLE", "b",
   "leaving 4 bytes unused", "gap between a and b")
st("hole_at_start.safetensors", '{"a":%s}' % w(offsets="[4,8]"), Z4 * 2, "HOLE", "a", "begin at 4",
   "first region does not start at 0")
st("trailing_data.safetensors", '{"a":%s}' % w(), Z4 * 2, "TRAILING_DATA", "a", "4 trailing bytes",
   "bytes after the last region (reference: MetadataIncompleteBuffer)")
st("trailing_data_no_tensors.safetensors", "{}", Z4, "TRAILING_DATA", "-", "data buffer is 4 bytes",
   "no tensors but a non-empty buffer")

with open(os.path.join(OUT, "README.md"), "w") as f:
    f.write("# Malformed safetensors corpus\n\n")
    f.write("Generated by `../make_malformed.py` (do not edit by hand). Each file breaks exactly one\n")
    f.write("rule of `SafetensorsFormatException.Rule`; `SafetensorsMalformedTest` parses the table\n")
    f.write("below and asserts the rule, the tensor ('-' = none) and that the one-line message\n")
    f.write("contains the fragment.\n\n")
    f.write("| file | rule | tensor | message contains | what is wrong |\n")
    f.write("|---|---|---|---|---|\n")
    for name, rule, tensor, frag, why in cases:
        f.write("| %s | %s | %s | %s | %s |\n" % (name, rule, tensor, frag.replace("|", "\\|"), why))

# --- Jazzer seeds: valid files, the malformed corpus, and index files.
# Jazzer's regression mode reads <package>/<TestClass>Inputs/<method>/ from the test resources.
SEEDS = os.path.join(HERE, "..", "dev", "ocelli", "core", "safetensors", "SafetensorsFuzzTestInputs")


def seed_dir(method):
    d = os.path.join(SEEDS, method)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if not f.startswith("crash-"):  # Jazzer findings are committed regression inputs; keep them
            os.remove(os.path.join(d, f))
    return d


def valid(header, data):
    hb = header.encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    return struct.pack("<Q", len(hb)) + hb + data


d = seed_dir("parseHeader")
valid_seeds = {
    "valid_empty": valid("{}", b""),
    "valid_metadata_only": valid('{"__metadata__":{"format":"pt"}}', b""),
    "valid_f32_2x2": valid('{"w":%s}' % w(shape="[2,2]", offsets="[0,16]"), struct.pack("<4f", 1, 2, 3, 4)),
    "valid_scalar_bf16": valid('{"s":{"dtype":"BF16","shape":[],"data_offsets":[0,2]}}', b"\x80\x3f"),
    "valid_zero_sized": valid('{"e":{"dtype":"F16","shape":[0,3],"data_offsets":[0,0]},"x":%s}' % w(), Z4),
    "valid_mixed": valid('{"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[1],"data_offsets":[4,12]},'
                         '"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}', b"\1\2\3\4" + struct.pack("<q", -5)),
}
for name, data in valid_seeds.items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
for name, *_ in cases:
    with open(os.path.join(OUT, name), "rb") as src, open(os.path.join(d, name.replace(".safetensors", "")), "wb") as f:
        f.write(src.read())

d = seed_dir("parseIndex")
index_seeds = {
    "index_valid": '{"metadata":{"total_size":24},"weight_map":{"a":"model-00001-of-00002.safetensors",'
                   '"b":"model-00002-of-00002.safetensors"}}',
    "index_no_metadata": '{"weight_map":{}}',
    "index_dup": '{"weight_map":{"a":"x","a":"y"}}',
    "index_nested_unknown": '{"extra":[[{"a":[1,2,{}]}]],"weight_map":{"a":"b"}}',
    "index_bad_value": '{"weight_map":{"a":1}}',
}
for name, text in index_seeds.items():
    with open(os.path.join(d, name), "w") as f:
        f.write(text)

print("%d malformed files, %d rules; %d header seeds, %d index seeds"
      % (len(cases), len({c[1] for c in cases}), len(valid_seeds) + len(cases), len(index_seeds)))
