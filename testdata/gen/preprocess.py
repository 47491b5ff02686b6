"""Image preprocessing against PIL, HF's processors and InternVL (issue 5, Preprocessing).

Inputs: testdata/data/preprocess/images/
    Real photographs from Debian's python3-skimage 0.19.3 data directory (CC0 / public domain,
    see docs/preprocessing.md): chelsea.png, coffee.png, rocket.jpg (the original JPEG) and
    rocket.png (PIL's decode of it). Derived with PIL by build_images(): portrait (1:2 crop),
    panorama (5:1 crop), tiny (7x5), sliver (3x400), grey (L), grey_alpha (LA), palette (P),
    palette_trns (P + tRNS), rgba (RGBA), bilevel (1-bit), rgb16 / grey16 / la16 (16-bit PNGs, our
    own encoder because PIL cannot write them), cmyk.jpg (Adobe CMYK JPEG), grey.jpg and
    progressive.jpg (progressive, 4:2:2, odd size), exif<1..8>.{png,jpg} (EXIF orientation).
    Images are only written when missing: the committed files are the inputs. Likewise the
    bundled demo photo encoders/src/main/resources/dev/ocelli/encoders/sample.png (coffee).

Outputs (PIL 9.4 does every resize; transformers is not installed here, so HF's numpy steps are
transcribed from transformers' image_transforms.py / image_processing_{clip,sam}.py; InternVL's
transform is the real torchvision T.Compose):
    preprocess/expected/*.png      uint8 RGB results too big for safetensors, lossless
    preprocess/decode              PIL Image.open(f).convert("RGB") of the mode variants, HWC uint8
    preprocess/resize              metadata for expected/resize_*.png (PIL Image.resize cases)
    preprocess/clip                CLIP: resize target sizes; pixel_values of two cases (F32)
    preprocess/internvl_grids      dynamic_preprocess grids for a sweep of sizes and max values
    preprocess/internvl            tile boxes for the images; normalised tiles of one case (F32)
    preprocess/sam                 SAM original/reshaped sizes (sweep + images)
"""

import os
import random
import struct
import zlib
from pathlib import Path

import numpy as np
import torch
from PIL import Image
import torchvision.transforms as T
from torchvision.transforms.functional import InterpolationMode

HERE = Path(__file__).resolve().parent.parent
IMAGES = HERE / "data" / "preprocess" / "images"
EXPECTED = HERE / "data" / "preprocess" / "expected"
SKIMAGE_DATA = Path(os.environ.get("SKIMAGE_DATA", "/usr/lib/python3/dist-packages/skimage/data"))

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

FILTERS = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS,
           "box": Image.BOX, "hamming": Image.HAMMING}


# --- inputs ---------------------------------------------------------------------------------

def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png16(path, arr, color_type):
    """Minimal 16-bit PNG writer (filter 0): color_type 0 grey, 2 RGB, 4 grey+alpha."""
    h, w = arr.shape[:2]
    rows = arr.astype(">u2").reshape(h, -1)
    raw = b"".join(b"\x00" + r.tobytes() for r in rows)
    ihdr = struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(raw, 9)) \
        + _png_chunk(b"IEND", b"")
    path.write_bytes(data)


def build_images():
    IMAGES.mkdir(parents=True, exist_ok=True)

    def need(name):
        return not (IMAGES / name).exists()

    for name in ("chelsea.png", "coffee.png", "rocket.jpg"):
        if need(name):
            (IMAGES / name).write_bytes((SKIMAGE_DATA / name).read_bytes())
    if need("rocket.png"):
        Image.open(IMAGES / "rocket.jpg").convert("RGB").save(IMAGES / "rocket.png")
    coffee = Image.open(IMAGES / "coffee.png").convert("RGB")
    chelsea = Image.open(IMAGES / "chelsea.png").convert("RGB")
    rocket = Image.open(IMAGES / "rocket.png").convert("RGB")
    derived = {
        "portrait.png": lambda: coffee.crop((180, 0, 380, 400)),
        "panorama.png": lambda: rocket.crop((0, 150, 640, 278)),
        "tiny.png": lambda: chelsea.crop((200, 100, 207, 105)),
        "sliver.png": lambda: coffee.crop((300, 0, 303, 400)),
        "grey.png": lambda: chelsea.crop((150, 60, 310, 180)).convert("L"),
        "bilevel.png": lambda: chelsea.crop((150, 60, 230, 120)).convert("1"),
        "palette.png": lambda: coffee.crop((200, 100, 360, 220)).quantize(64),
    }
    for name, make in derived.items():
        if need(name):
            make().save(IMAGES / name)
    if need("palette_trns.png"):
        p = coffee.crop((100, 200, 180, 260)).quantize(16)
        p.save(IMAGES / "palette_trns.png", transparency=3)
    if need("rgba.png") or need("grey_alpha.png"):
        rgb = np.asarray(chelsea.crop((180, 80, 340, 200)))
        yy, xx = np.mgrid[0:rgb.shape[0], 0:rgb.shape[1]]
        alpha = ((xx * 255) // (rgb.shape[1] - 1)).astype(np.uint8)  # 0 at the left edge: no compositing shows
        Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(IMAGES / "rgba.png")
        grey = np.asarray(chelsea.crop((180, 80, 340, 200)).convert("L"))
        Image.fromarray(np.dstack([grey, alpha[::-1, ::-1]]), "LA").save(IMAGES / "grey_alpha.png")
    base16 = np.asarray(coffee.crop((250, 150, 314, 198))).astype(np.uint16)
    noise = np.random.RandomState(5).randint(0, 256, base16.shape).astype(np.uint16)
    v16 = base16 * 256 + noise  # high byte = photo, low byte = noise: a reader must keep the high byte
    if need("rgb16.png"):
        write_png16(IMAGES / "rgb16.png", v16, 2)
    if need("grey16.png"):
        write_png16(IMAGES / "grey16.png", (v16[..., 1] // 64).astype(np.uint16), 0)  # 0..1023: PIL clips at 255
    if need("la16.png"):
        write_png16(IMAGES / "la16.png", np.dstack([v16[..., 0], v16[..., 2]]), 4)
    if need("noise.png"):  # worst case for rounding and clipping: independent uniform bytes
        Image.fromarray(np.random.RandomState(7).randint(0, 256, (48, 64, 3)).astype(np.uint8), "RGB") \
            .save(IMAGES / "noise.png")
    if need("cmyk.jpg"):
        coffee.crop((220, 120, 380, 240)).convert("CMYK").save(IMAGES / "cmyk.jpg", quality=95)
    if need("progressive.jpg"):
        coffee.crop((100, 50, 301, 201)).save(IMAGES / "progressive.jpg", quality=85, progressive=True, subsampling=1)
    for o in range(1, 9):  # EXIF orientation 1..8 on an asymmetric 9x5 crop, as PNG eXIf and JPEG APP1
        if need(f"exif{o}.png") or need(f"exif{o}.jpg"):
            e = Image.Exif()
            e[0x0112] = o
            crop = coffee.crop((250, 180, 259, 185))
            crop.save(IMAGES / f"exif{o}.png", exif=e.tobytes())
            coffee.crop((250, 150, 282, 174)).save(IMAGES / f"exif{o}.jpg", exif=e.tobytes(), quality=95)
    if need("grey.jpg"):
        chelsea.crop((100, 40, 260, 160)).convert("L").save(IMAGES / "grey.jpg", quality=90)


SAMPLE = HERE.parent / "encoders" / "src" / "main" / "resources" / "dev" / "ocelli" / "encoders" / "sample.png"


def build_sample():
    """The photo bundled for `ocelli demo` (SampleImage.load()): coffee, longest side <= 768."""
    if SAMPLE.exists():
        return
    im = load_rgb("coffee.png")
    if max(im.size) > 768:
        s = 768 / max(im.size)
        im = im.resize((round(im.width * s), round(im.height * s)), Image.BICUBIC)
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    im.save(SAMPLE, optimize=True)


def load_rgb(name):
    return Image.open(IMAGES / name).convert("RGB")


def save_png(name, arr_or_img):
    EXPECTED.mkdir(parents=True, exist_ok=True)
    img = arr_or_img if isinstance(arr_or_img, Image.Image) else Image.fromarray(arr_or_img, "RGB")
    p = EXPECTED / f"{name}.png"
    import io
    buf = io.BytesIO()
    img.save(buf, "PNG")
    data = buf.getvalue()
    if not p.exists() or p.read_bytes() != data:
        p.write_bytes(data)


def u8(img):
    return torch.from_numpy(np.array(img, dtype=np.uint8).copy())


def grid_u8(rows):
    """(cols, rows) pairs, all <= 40: stored as U8 to keep the file small."""
    assert max(max(r) for r in rows) < 256
    return torch.tensor(rows, dtype=torch.uint8)


def i64(rows):
    return torch.tensor(rows, dtype=torch.int64)


# --- HF CLIPImageProcessor / SamImageProcessor, transcribed -----------------------------------

def hf_shortest_edge_size(h, w, n):
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = n, int(n * long / short)
    return (new_long, new_short) if w <= h else (new_short, new_long)


def hf_center_crop(chw, ch, cw):
    import math
    oh, ow = chw.shape[-2:]
    top = (oh - ch) // 2
    bottom = top + ch
    left = (ow - cw) // 2
    right = left + cw
    if top >= 0 and bottom <= oh and left >= 0 and right <= ow:
        return chw[..., top:bottom, left:right]
    nh, nw = max(ch, oh), max(cw, ow)
    new = np.zeros_like(chw, shape=chw.shape[:-2] + (nh, nw))
    tp = math.ceil((nh - oh) / 2)
    lp = math.ceil((nw - ow) / 2)
    new[..., tp:tp + oh, lp:lp + ow] = chw
    top += tp
    bottom += tp
    left += lp
    right += lp
    return new[..., max(0, top):min(nh, bottom), max(0, left):min(nw, right)]


def hf_rescale_normalize(chw_u8, mean, std, factor=1 / 255):
    x = (chw_u8.astype(np.float64) * factor).astype(np.float32)
    m = np.array(mean, dtype=np.float32)
    s = np.array(std, dtype=np.float32)
    return ((x.T - m) / s).T


def clip_process(img, n):
    """Returns (resized PIL, cropped uint8 HWC, pixel_values float32 CHW)."""
    h, w = img.height, img.width
    oh, ow = hf_shortest_edge_size(h, w, n)
    resized = img.resize((ow, oh), resample=Image.BICUBIC)
    chw = np.array(resized).transpose(2, 0, 1)
    cropped = hf_center_crop(chw, n, n)
    return resized, cropped.transpose(1, 2, 0).copy(), hf_rescale_normalize(cropped, OPENAI_MEAN, OPENAI_STD)


def expand2square(pil_img, background_color):
    """LLaVA's llava/mm_utils.py expand2square."""
    width, height = pil_img.size
    if width == height:
        return pil_img
    elif width > height:
        result = Image.new(pil_img.mode, (width, width), background_color)
        result.paste(pil_img, (0, (width - height) // 2))
        return result
    else:
        result = Image.new(pil_img.mode, (height, height), background_color)
        result.paste(pil_img, ((height - width) // 2, 0))
        return result


def sam_shape(h, w, longest=1024):
    scale = longest * 1.0 / max(h, w)
    newh, neww = h * scale, w * scale
    return int(newh + 0.5), int(neww + 0.5)


# --- InternVL, as in its chat code -----------------------------------------------------------

def find_closest_aspect_ratio(aspect_ratio, target_ratios, width, height, image_size):
    best_ratio_diff = float("inf")
    best_ratio = (1, 1)
    area = width * height
    for ratio in target_ratios:
        target_aspect_ratio = ratio[0] / ratio[1]
        ratio_diff = abs(aspect_ratio - target_aspect_ratio)
        if ratio_diff < best_ratio_diff:
            best_ratio_diff = ratio_diff
            best_ratio = ratio
        elif ratio_diff == best_ratio_diff:
            if area > 0.5 * image_size * image_size * ratio[0] * ratio[1]:
                best_ratio = ratio
    return best_ratio


def target_ratios(min_num, max_num):
    s = set((i, j) for n in range(min_num, max_num + 1) for i in range(1, n + 1) for j in range(1, n + 1)
            if i * j <= max_num and i * j >= min_num)
    return sorted(s, key=lambda x: x[0] * x[1])


def internvl_grid(w, h, min_num, max_num, image_size=448):
    return find_closest_aspect_ratio(w / h, target_ratios(min_num, max_num), w, h, image_size)


def dynamic_preprocess(image, min_num=1, max_num=12, image_size=448, use_thumbnail=False):
    orig_width, orig_height = image.size
    ratio = internvl_grid(orig_width, orig_height, min_num, max_num, image_size)
    target_width = image_size * ratio[0]
    target_height = image_size * ratio[1]
    blocks = ratio[0] * ratio[1]
    resized_img = image.resize((target_width, target_height))  # PIL's default filter
    processed, boxes = [], []
    for i in range(blocks):
        box = ((i % (target_width // image_size)) * image_size,
               (i // (target_width // image_size)) * image_size,
               ((i % (target_width // image_size)) + 1) * image_size,
               ((i // (target_width // image_size)) + 1) * image_size)
        processed.append(resized_img.crop(box))
        boxes.append(box)
    if use_thumbnail and len(processed) != 1:
        processed.append(image.resize((image_size, image_size)))
    return processed, ratio, boxes


def build_transform(input_size):
    return T.Compose([
        T.Lambda(lambda img: img.convert("RGB") if img.mode != "RGB" else img),
        T.Resize((input_size, input_size), interpolation=InterpolationMode.BICUBIC),
        T.ToTensor(),
        T.Normalize(mean=IMAGENET_MEAN, std=IMAGENET_STD),
    ])


# --- groups -------------------------------------------------------------------------------------

PHOTOS = ["chelsea.png", "coffee.png", "rocket.png", "portrait.png", "panorama.png", "tiny.png", "sliver.png"]
MODES = ["grey.png", "grey_alpha.png", "bilevel.png", "palette.png", "palette_trns.png", "rgba.png",
         "rgb16.png", "grey16.png", "la16.png", "cmyk.jpg", "grey.jpg", "progressive.jpg"]


def checks():
    # ToTensor's float32(x) / 255 equals HF's float32(float64(x) * (1/255)) for every byte value
    x = torch.arange(256, dtype=torch.uint8)
    a = x.to(torch.float32).div(255).numpy()
    b = (np.arange(256).astype(np.float64) * (1 / 255)).astype(np.float32)
    assert (a == b).all()
    # Pillow's default resize filter for RGB is BICUBIC (InternVL's image.resize relies on it)
    im = Image.open(IMAGES / "coffee.png").convert("RGB")
    assert np.array_equal(np.array(im.resize((123, 77))), np.array(im.resize((123, 77), Image.BICUBIC)))
    # PIL's convert("RGB") of RGBA drops alpha without compositing
    rgba = Image.open(IMAGES / "rgba.png")
    assert np.array_equal(np.array(rgba.convert("RGB")), np.array(rgba)[..., :3])
    # InternVL's same-count grid order cannot matter (see DynamicPreprocess's class comment)
    for mx in (6, 12):
        rs = target_ratios(1, mx)
        alt = sorted(rs, key=lambda r: (r[0] * r[1], r[0]))
        for w in range(1, 1500, 3):
            for h in range(1, 1500, 11):
                assert find_closest_aspect_ratio(w / h, rs, w, h, 448) == \
                    find_closest_aspect_ratio(w / h, alt, w, h, 448), (w, h, mx)


def gen_decode(w):
    tensors = {}
    for name in MODES:
        tensors[name] = u8(Image.open(IMAGES / name).convert("RGB"))
    modes = {name: Image.open(IMAGES / name).mode for name in MODES}
    from PIL import ImageOps
    for o in range(1, 9):
        for ext in ("png", "jpg"):
            name = f"exif{o}.{ext}"
            im = Image.open(IMAGES / name)
            assert im.getexif().get(0x0112) == o, name
            tensors[f"{name}.transposed"] = u8(ImageOps.exif_transpose(im).convert("RGB"))
            tensors[name] = u8(Image.open(IMAGES / name).convert("RGB"))
    w.save("preprocess/decode", tensors, {"modes": repr(modes)})
    # the original JPEG is too big for safetensors; PIL's decode of it is rocket.png itself


RESIZE_CASES = [
    # (input, filter, width, height, box)
    ("coffee.png", "bicubic", 336, 224, None),
    ("coffee.png", "bilinear", 301, 199, None),
    ("rocket.png", "bicubic", 97, 61, None),
    ("rocket.png", "lanczos", 123, 77, None),
    ("rocket.png", "box", 50, 50, None),
    ("rocket.png", "hamming", 200, 133, None),
    ("chelsea.png", "bicubic", 451, 123, None),   # vertical pass only
    ("chelsea.png", "bicubic", 97, 300, None),    # horizontal pass only
    ("chelsea.png", "bicubic", 160, 120, (10.5, 20.25, 400.75, 290.0)),
    ("tiny.png", "bicubic", 224, 160, None),      # 32x upscale: clipping of overshoot
    ("tiny.png", "bilinear", 13, 3, None),
    ("sliver.png", "bicubic", 37, 401, None),
    ("portrait.png", "bicubic", 224, 448, None),
]


def gen_resize(w):
    meta = {}
    for i, (name, filt, ow, oh, box) in enumerate(RESIZE_CASES):
        img = load_rgb(name)
        out = img.resize((ow, oh), resample=FILTERS[filt], box=box)
        key = f"resize_{i:02d}"
        save_png(key, out)
        meta[key] = f"{name};{filt};{ow};{oh};" + ("" if box is None else ",".join(repr(b) for b in box))
    w.save("preprocess/resize", {"case_count": i64([len(RESIZE_CASES)])}, meta)


SWEEP_INPUTS = ["noise.png", "chelsea.png", "tiny.png"]


def gen_resize_sweep(w):
    """Random Image.resize cases; the output bytes are summarised by zlib.crc32 to stay small."""
    rng = random.Random(42)
    codes = {"lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}
    rows, boxes, crcs = [], [], []
    for i in range(600):
        k = rng.choice([0, 0, 0, 1, 2])
        img = load_rgb(SWEEP_INPUTS[k])
        filt = rng.choice(sorted(codes))
        lim = 700 if k == 1 else 160
        ow = max(1, int(round(10 ** rng.uniform(0, np.log10(lim)))))
        oh = max(1, int(round(10 ** rng.uniform(0, np.log10(lim)))))
        box = None
        if rng.random() < 0.3:
            # box edges in eighths of a pixel: exact in binary, so float32 sees the same values as PIL
            x0 = rng.randrange(0, img.width * 4) / 8
            y0 = rng.randrange(0, img.height * 4) / 8
            x1 = rng.randrange(int(x0 * 8) + 1, img.width * 8 + 1) / 8
            y1 = rng.randrange(int(y0 * 8) + 1, img.height * 8 + 1) / 8
            box = (x0, y0, x1, y1)
        out = img.resize((ow, oh), resample=FILTERS[filt], box=box)
        rows.append([k, codes[filt], ow, oh, 0 if box is None else 1])
        boxes.append([0, 0, 0, 0] if box is None else [int(b * 8) for b in box])
        crcs.append(zlib.crc32(out.tobytes()))
    w.save("preprocess/resize_sweep", {"cases": i64(rows), "boxes_eighths": i64(boxes), "crc32": i64(crcs)},
           {"inputs": ",".join(SWEEP_INPUTS), "columns": "input,pil_filter_code,width,height,has_box"})


CLIP_CASES = [("coffee.png", 336), ("portrait.png", 336), ("panorama.png", 336), ("tiny.png", 224),
              ("chelsea.png", 224), ("rocket.png", 224), ("sliver.png", 224), ("grey.png", 224),
              ("palette.png", 224), ("rgba.png", 224)]
CLIP_PAD_CASES = [("panorama.png", 336), ("portrait.png", 336), ("chelsea.png", 336)]


def gen_clip(w):
    tensors, meta = {}, {}
    for name, n in CLIP_CASES:
        img = load_rgb(name)
        resized, cropped, pv = clip_process(img, n)
        stem = name.split(".")[0]
        save_png(f"clip{n}_{stem}", cropped)
        meta[f"clip{n}_{stem}"] = f"{resized.height},{resized.width}"
        if (name, n) in (("tiny.png", 224), ("chelsea.png", 224)):
            tensors[f"clip{n}_{stem}.pixel_values"] = torch.from_numpy(pv.copy())
    bg = tuple(int(x * 255) for x in OPENAI_MEAN)
    meta["mean_colour"] = ",".join(map(str, bg))
    for name, n in CLIP_PAD_CASES:
        img = expand2square(load_rgb(name), bg)
        _, cropped, _ = clip_process(img, n)
        stem = name.split(".")[0]
        save_png(f"clip{n}pad_{stem}", cropped)
    w.save("preprocess/clip", tensors, meta)


GRID_MAX = [1, 2, 3, 4, 6, 9, 12, 16, 24, 40]


def gen_internvl(w):
    rng = random.Random(1234)
    sizes = []
    for _ in range(3000):
        sizes.append((int(round(10 ** rng.uniform(0, 3.7))), int(round(10 ** rng.uniform(0, 3.7)))))
    # exact ties: W/H at midpoints between candidate ratios, and areas around the tie threshold
    for (a, b) in [(3, 2), (5, 4), (4, 3), (7, 4), (5, 2), (3, 4), (4, 5), (2, 5), (7, 6), (9, 4)]:
        for k in (1, 2, 7, 64, 100, 150, 151, 200, 300, 448, 449, 600):
            sizes.append((a * k, b * k))
    for name in PHOTOS:
        im = Image.open(IMAGES / name)
        sizes.append(im.size)
    tensors = {"sizes": i64(sizes)}
    for mx in GRID_MAX:
        tensors[f"grid.min1.max{mx}"] = grid_u8([internvl_grid(sw, sh, 1, mx) for sw, sh in sizes])
    tensors["grid.min2.max6"] = grid_u8([internvl_grid(sw, sh, 2, 6) for sw, sh in sizes])
    tensors["grid.min1.max6.size112"] = grid_u8([internvl_grid(sw, sh, 1, 6, 112) for sw, sh in sizes])
    w.save("preprocess/internvl_grids", tensors)

    tensors, meta = {}, {}
    for name in PHOTOS:
        img = load_rgb(name)
        stem = name.split(".")[0]
        for mx in (6, 12):
            tiles, ratio, boxes = dynamic_preprocess(img, 1, mx, 448, True)
            tensors[f"{stem}.max{mx}.boxes"] = i64(boxes)
            tensors[f"{stem}.max{mx}.grid"] = i64([ratio[0], ratio[1], len(tiles)])
        # every tile at tile size 112 (same code path, small enough to keep), stacked vertically
        tiles, ratio, _ = dynamic_preprocess(img, 1, 6, 112, True)
        save_png(f"internvl112_{stem}", np.concatenate([np.array(t) for t in tiles], axis=0))
    # at 448: the first tile and the thumbnail of the panorama
    for name in ("panorama.png",):
        tiles, _, _ = dynamic_preprocess(load_rgb(name), 1, 6, 448, True)
        stem = name.split(".")[0]
        save_png(f"internvl448_{stem}", np.concatenate([np.array(tiles[0]), np.array(tiles[-1])], axis=0))
    # normalised tensors through torchvision's build_transform: chelsea, tile size 112, max 2
    tiles, _, _ = dynamic_preprocess(load_rgb("chelsea.png"), 1, 2, 112, True)
    tf = build_transform(112)
    tensors["chelsea.size112.max2.pixel_values"] = torch.stack([tf(t) for t in tiles])
    w.save("preprocess/internvl", tensors, meta)


def gen_sam(w):
    rng = random.Random(99)
    sizes = [(int(round(10 ** rng.uniform(0, 3.8))), int(round(10 ** rng.uniform(0, 3.8)))) for _ in range(2000)]
    sizes += [(Image.open(IMAGES / n).height, Image.open(IMAGES / n).width) for n in PHOTOS]  # (h, w)
    w.save("preprocess/sam", {"sizes_hw": i64(sizes), "reshaped_hw": i64([sam_shape(h, ww) for h, ww in sizes])})
    for name in ("tiny.png", "panorama.png"):
        img = load_rgb(name)
        nh, nw = sam_shape(img.height, img.width)
        save_png(f"sam_{name.split('.')[0]}", img.resize((nw, nh), resample=Image.BILINEAR))


def generate(w):
    build_images()
    build_sample()
    checks()
    gen_decode(w)
    gen_resize(w)
    gen_resize_sweep(w)
    gen_clip(w)
    gen_internvl(w)
    gen_sam(w)
