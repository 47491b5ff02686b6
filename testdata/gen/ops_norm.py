"""Reference data for dev.ocelli.kernels.norm: LayerNorm, channels-first LayerNorm2d, softmax."""
import torch
import torch.nn.functional as F

GROUP = "ops_norm"


def _layer_norm2d(x, weight, bias, eps):
    # ConvNeXt LayerNorm(data_format="channels_first") and SAM LayerNorm2d, as written there
    u = x.mean(1, keepdim=True)
    s = (x - u).pow(2).mean(1, keepdim=True)
    x = (x - u) / torch.sqrt(s + eps)
    return weight[:, None, None] * x + bias[:, None, None]


def generate(w):
    g = torch.Generator().manual_seed(44)
    for name, rows, dim, eps, affine in [("ln_37x1024", 37, 1024, 1e-6, True),
                                         ("ln_5x207", 5, 207, 1e-5, True),
                                         ("ln_3x13_noaffine", 3, 13, 1e-5, False)]:
        x = torch.randn(rows, dim, generator=g) * 2 + 0.5
        t = {"input": x}
        if affine:
            t["weight"] = torch.randn(dim, generator=g)
            t["bias"] = torch.randn(dim, generator=g)
            t["output"] = F.layer_norm(x, (dim,), t["weight"], t["bias"], eps)
        else:
            t["output"] = F.layer_norm(x, (dim,), None, None, eps)
        w.save("ops/norm/" + name, t, {"eps": repr(eps), "affine": str(affine)})

    x = torch.randn(2, 13, 7, 9, generator=g) * 3 + 1
    wt = torch.randn(13, generator=g)
    b = torch.randn(13, generator=g)
    w.save("ops/norm/ln2d_2x13x7x9", {"input": x, "weight": wt, "bias": b,
                                      "output": _layer_norm2d(x, wt, b, 1e-6)}, {"eps": "1e-06"})

    x = torch.randn(3, 5, 7, 11, generator=g) * 3
    t = {"input": x}
    for d in range(4):
        t["dim%d" % d] = torch.softmax(x, dim=d)
    big = x * 50  # large logits: must not overflow
    t["big"] = big
    t["big_dim3"] = torch.softmax(big, dim=3)
    w.save("ops/norm/softmax_3x5x7x11", t, {})
