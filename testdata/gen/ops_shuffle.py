"""Reference data for dev.ocelli.kernels.shuffle: F.pixel_(un)shuffle and InternVL pixel_shuffle."""
import torch
import torch.nn.functional as F

GROUP = "ops_shuffle"


def internvl_pixel_shuffle(x, scale_factor=0.5, ps_version="v2"):
    # InternVL's InternVLChatModel.pixel_shuffle, step by step as released
    n, w, h, c = x.size()
    x = x.view(n, w, int(h * scale_factor), int(c / scale_factor))
    x = x.permute(0, 2, 1, 3).contiguous()
    x = x.view(n, int(h * scale_factor), int(w * scale_factor), int(c / (scale_factor * scale_factor)))
    if ps_version != "v1":
        x = x.permute(0, 2, 1, 3).contiguous()
    return x


def generate(w):
    g = torch.Generator().manual_seed(4444)
    x = torch.randn(2, 3, 8, 12, generator=g)
    y = torch.randn(2, 12, 3, 5, generator=g)
    z = torch.randn(2, 6, 4, 5, generator=g)  # NHWC, non-square grid, odd channels
    w.save("ops/shuffle/pixel_shuffle", {
        "unshuffle_in": x,
        "unshuffle_r2": F.pixel_unshuffle(x, 2),
        "unshuffle_r4": F.pixel_unshuffle(x, 4),
        "shuffle_in": y,
        "shuffle_r2": F.pixel_shuffle(y, 2),
        "internvl_in": z,
        "internvl_v2": internvl_pixel_shuffle(z, 0.5, "v2"),
        "internvl_v1": internvl_pixel_shuffle(z, 0.5, "v1"),
    }, {})
