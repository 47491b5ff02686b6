"""Reference data for dev.ocelli.fusion.ops: each fusion operator as its released PyTorch code
computes it, at small widths with random non-zero weights.

Each module below is written from the released code's semantics (see docs/fusion.md and the
spec's sections 1-5) with the released parameter names, so state_dict() gives the checkpoint's
relative keys. Every file testdata/data/fusion/<case>.safetensors holds the inputs ("in.*"),
the weights under "w." (relative keys), and the outputs ("out.*"). The released init zeroes
MR-Adapter's slow_proj/fast_proj, which would make it pass f through; all weights here are random.

  mlp2x_gelu         LLaVA mm_projector: Linear(12->16), GELU, Linear(16->16); x [2,5,12]
  ln_mlp             InternVL/LEO mlp1: LayerNorm(12), Linear(12->16), GELU, Linear(16->16)
  pixel_shuffle      InternVL pixel_shuffle v2 of [2,1+16,6] (CLS dropped) and F.pixel_unshuffle(.,4) of [2,6,8,8]
  interleave         LEO per-tile interleave of [3,4,8] and [3,4,8]; append with a 2-row separator
  channel_concat     EAGLE: [2,5,3,3] map, [2,16,6] tokens (4x4), [2,4,8,8] map -> 4x4 grid
  mr_adapter_{up,pool,equal}   S2FStitchAlignModuleV2(d=16, ds=24), fast 4x4 tokens, slow 2x2 / 8x8 / 4x4 map, B=2
  multipath_{up,pool}          MultiPathAlignModule(16, 24), same grids
  pim                  MGM unified_resampler + residual, C=16, Ch=20, P=3, M=2 (B=2)
  pim_unequal          P=4, M=3 (B=1): a 12x12 high-res map under a 4x4 token grid
  pim_hd               MGM-HD: grid 2, global view; crops [4,9,16], global [1,9,16], XH [1,20,12,12]
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _rand(model, g, std=0.3):
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if p.dim() == 1 and name.endswith("weight"):   # LayerNorm weights around 1
                p.copy_(1 + 0.1 * r)
            else:
                p.copy_(std * r)


def _w(model):
    return {"w." + k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def mlp2x_gelu(cin, h):
    return nn.Sequential(nn.Linear(cin, h), nn.GELU(), nn.Linear(h, h))


def ln_mlp(cin, h):
    return nn.Sequential(nn.LayerNorm(cin), nn.Linear(cin, h), nn.GELU(), nn.Linear(h, h))


def internvl_pixel_shuffle(x, scale=0.5):
    # InternVL modeling_internvl_chat.pixel_shuffle, ps_version v2
    n, w, h, c = x.size()
    x = x.view(n, w, int(h * scale), int(c / scale))
    x = x.permute(0, 2, 1, 3).contiguous()
    x = x.view(n, int(h * scale), int(w * scale), int(c / (scale * scale)))
    x = x.permute(0, 2, 1, 3).contiguous()
    return x


def align(src, dst_n):
    # LLaVA-HR src2dst_align on tokens [b, l, c]
    b, l, c = src.shape
    s, d = int(math.sqrt(l)), int(math.sqrt(dst_n))
    if l < dst_n:
        m = src.transpose(1, 2).reshape(b, c, s, s)
        m = F.interpolate(m, size=(d, d), mode="bilinear", align_corners=True)
        return m.reshape(b, c, -1).transpose(1, 2)
    if l > dst_n:
        m = src.transpose(1, 2).reshape(b, c, s, s)
        m = F.avg_pool2d(m, s // d, s // d)
        return m.reshape(b, c, -1).transpose(1, 2)
    return src


class S2FStitchAlignModuleV2(nn.Module):
    def __init__(self, d, ds):
        super().__init__()
        self.slow_conv = nn.Conv2d(ds, ds, 1)
        self.slow_proj = nn.Conv2d(ds, d, 1)
        self.fast_conv = nn.Conv2d(d, d, 7, padding=3, groups=d)
        self.fast_proj = nn.Conv2d(d, d, 1)
        self.gate = nn.Sequential(nn.Linear(2 * d, d // 2), nn.GELU(), nn.Linear(d // 2, 1))

    def forward(self, fast, slow):
        b, c, h, w = slow.shape
        _, n, d = fast.shape
        s = self.slow_proj(F.gelu(self.slow_conv(slow)))
        s = s.reshape(b, d, -1).transpose(1, 2)
        s = align(s, n)
        side = int(math.sqrt(n))
        f = fast.transpose(1, 2).reshape(b, d, side, side)
        f = f + self.fast_proj(F.gelu(self.fast_conv(f)))
        f = f.reshape(b, d, n).transpose(1, 2)
        gate = self.gate(torch.cat([f, s], -1).mean(1)).unsqueeze(1)
        return f + s * gate.tanh()


class MultiPathAlignModule(nn.Module):
    def __init__(self, d, ds):
        super().__init__()
        self.fast_proj = nn.Linear(d, d)
        self.slow_proj = nn.Linear(ds, d)

    def forward(self, fast, slow):
        b, c, h, w = slow.shape
        s = slow.reshape(b, c, -1).transpose(1, 2)
        s = align(s, fast.shape[1])
        return self.fast_proj(fast) + self.slow_proj(s)


class UniResampler(nn.Module):
    """MGM's vlm_uni_* projectors and unified_resampler (+ the residual of encode_images)."""

    def __init__(self, c, ch):
        super().__init__()
        self.vlm_uni_query_projector = nn.Sequential(nn.LayerNorm(c), nn.Linear(c, c))
        self.vlm_uni_aux_projector = nn.Sequential(nn.LayerNorm(ch), nn.Linear(ch, c))
        self.vlm_uni_val_projector = nn.Sequential(nn.LayerNorm(ch), nn.Linear(ch, c))

    def forward(self, images, images_aux):
        patch_num = int(images.shape[1] ** 0.5)
        patch_size = images_aux.shape[-1] // patch_num
        a = images_aux.permute(0, 2, 3, 1)
        a = a.reshape(len(a), patch_num, patch_size, patch_num, patch_size, a.shape[-1])
        a = a.permute(0, 1, 3, 2, 4, 5)
        a = a.reshape(len(a), patch_num ** 2, patch_size ** 2, a.shape[-1]).contiguous()
        q = self.vlm_uni_query_projector(images)
        k = self.vlm_uni_aux_projector(a)
        v = self.vlm_uni_val_projector(a)
        att = q[:, :, None] @ (k.transpose(-1, -2) / (k.shape[-1] ** 0.5))
        att = att.nan_to_num()
        feat = (att.softmax(-1) @ v).mean(2)
        return images + feat

    def forward_hd(self, crops, global_, aux, grid):
        # MGM encode_images with image_grid = grid, image_global = True
        aux_global = F.interpolate(aux, scale_factor=1 / grid, mode="bilinear", align_corners=False)
        tg = self.forward(global_, aux_global)
        b = aux.shape[0]
        a = aux.reshape(*aux.shape[:2], grid, aux.shape[-2] // grid, grid, aux.shape[-1] // grid)
        a = a.permute(0, 2, 4, 1, 3, 5).flatten(1, 2).flatten(0, 1).contiguous()
        tc = self.forward(crops, a)
        tc = tc.reshape(b, grid ** 2, *tc.shape[1:]).flatten(1, 2)
        return torch.cat([tg, tc], dim=1)


def generate(w):
    g = torch.Generator().manual_seed(6)
    rn = lambda *s: torch.randn(*s, generator=g)

    m = mlp2x_gelu(12, 16); _rand(m, g)
    x = rn(2, 5, 12)
    w.save("fusion/mlp2x_gelu", {"in.x": x, **_w(m), "out.y": m(x).detach()})

    m = ln_mlp(12, 16); _rand(m, g)
    x = rn(2, 5, 12)
    w.save("fusion/ln_mlp", {"in.x": x, **_w(m), "out.y": m(x).detach()})

    t = rn(2, 17, 6)
    px = internvl_pixel_shuffle(t[:, 1:].reshape(2, 4, 4, 6)).reshape(2, -1, 24)
    sm = rn(2, 6, 8, 8)
    un = F.pixel_unshuffle(sm, 4).flatten(2).transpose(1, 2)
    w.save("fusion/pixel_shuffle", {"in.tokens": t, "in.map": sm, "out.internvl": px.contiguous(),
                                    "out.unshuffle": un.contiguous()})

    v1, v2 = rn(3, 4, 8), rn(3, 4, 8)
    mm = torch.zeros(3, 8, 8)
    mm[:, 0::2] = v1
    mm[:, 1::2] = v2
    sep = rn(2, 8)
    a, b = rn(5, 8), rn(3, 8)
    w.save("fusion/interleave", {"in.v1": v1, "in.v2": v2, "in.sep": sep, "in.a": a, "in.b": b,
                                 "out.interleave": mm.reshape(24, 8), "out.append": torch.cat([a, sep, b]),
                                 "out.append_plain": torch.cat([a, b])})

    m1, t2, m3 = rn(2, 5, 3, 3), rn(2, 16, 6), rn(2, 4, 8, 8)
    maps = [m1, t2.transpose(1, 2).reshape(2, 6, 4, 4), m3]
    maps = [mp if mp.shape[-1] == 4 else F.interpolate(mp, size=(4, 4), mode="bilinear", align_corners=True)
            for mp in maps]
    cc = torch.cat(maps, dim=1).flatten(2).transpose(1, 2)
    w.save("fusion/channel_concat", {"in.m1": m1, "in.t2": t2, "in.m3": m3, "out.y": cc.contiguous()})

    for name, side in (("up", 2), ("pool", 8), ("equal", 4)):
        m = S2FStitchAlignModuleV2(16, 24); _rand(m, g)
        fast, slow = rn(2, 16, 16), rn(2, 24, side, side)
        w.save(f"fusion/mr_adapter_{name}", {"in.fast": fast, "in.slow": slow, **_w(m),
                                              "out.y": m(fast, slow).detach()})
    for name, side in (("up", 2), ("pool", 8)):
        m = MultiPathAlignModule(16, 24); _rand(m, g)
        fast, slow = rn(2, 16, 16), rn(2, 24, side, side)
        w.save(f"fusion/multipath_{name}", {"in.fast": fast, "in.slow": slow, **_w(m),
                                             "out.y": m(fast, slow).detach()})

    m = UniResampler(16, 20); _rand(m, g)
    xl, xh = rn(2, 9, 16), rn(2, 20, 6, 6)
    w.save("fusion/pim", {"in.xl": xl, "in.xh": xh, **_w(m), "out.y": m(xl, xh).detach()})
    m = UniResampler(16, 20); _rand(m, g)
    xl, xh = rn(1, 16, 16), rn(1, 20, 12, 12)
    w.save("fusion/pim_unequal", {"in.xl": xl, "in.xh": xh, **_w(m), "out.y": m(xl, xh).detach()})
    m = UniResampler(16, 20); _rand(m, g)
    crops, glob, xh = rn(4, 9, 16), rn(1, 9, 16), rn(1, 20, 12, 12)
    w.save("fusion/pim_hd", {"in.crops": crops, "in.global": glob, "in.xh": xh, **_w(m),
                             "out.y": m.forward_hd(crops, glob, xh, 2).detach()})
