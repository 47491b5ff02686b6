"""Reference data for dev.ocelli.kernels.resample: interpolate, avg_pool2d, adaptive_avg_pool2d."""
import torch
import torch.nn.functional as F

GROUP = "ops_resample"

SIZES = [(23, 40), (5, 7), (20, 9), (11, 17), (1, 1)]


def generate(w):
    g = torch.Generator().manual_seed(444)
    x = torch.randn(2, 3, 11, 17, generator=g)
    t = {"input": x}
    for oh, ow in SIZES:
        s = "%dx%d" % (oh, ow)
        t["nearest_" + s] = F.interpolate(x, size=(oh, ow), mode="nearest")
        for ac in (False, True):
            a = "_ac" if ac else ""
            t["bilinear%s_%s" % (a, s)] = F.interpolate(x, size=(oh, ow), mode="bilinear", align_corners=ac)
            t["bicubic%s_%s" % (a, s)] = F.interpolate(x, size=(oh, ow), mode="bicubic", align_corners=ac)
            t["bicubic_aa%s_%s" % (a, s)] = F.interpolate(x, size=(oh, ow), mode="bicubic",
                                                          align_corners=ac, antialias=True)
    w.save("ops/resample/interpolate_2x3x11x17", t, {"sizes": " ".join("%dx%d" % s for s in SIZES)})

    # position-embedding resizing: a 24x24 grid of 8 channels to 16x16 and 37x37, antialias on
    pe = torch.randn(1, 8, 24, 24, generator=g)
    w.save("ops/resample/pos_embed_aa", {
        "input": pe,
        "down_16x16": F.interpolate(pe, size=(16, 16), mode="bicubic", align_corners=False, antialias=True),
        "up_37x37": F.interpolate(pe, size=(37, 37), mode="bicubic", align_corners=False, antialias=True),
    }, {})

    t = {"input": x}
    for k, s, p in [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((3, 3), (1, 1), (1, 1)),
                    ((2, 3), (2, 1), (1, 0)), ((5, 4), (3, 3), (2, 2))]:
        name = "avg_k%dx%d_s%dx%d_p%dx%d" % (k + s + p)
        t[name] = F.avg_pool2d(x, k, s, p)
    for oh, ow in [(4, 6), (11, 17), (1, 1), (5, 3), (13, 20)]:
        t["adaptive_%dx%d" % (oh, ow)] = F.adaptive_avg_pool2d(x, (oh, ow))
    w.save("ops/resample/pool_2x3x11x17", t, {})
