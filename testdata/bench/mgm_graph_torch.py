#!/usr/bin/python3
"""Times Mini-Gemini's vision graph in PyTorch, as the released code computes it, at full size.

The PyTorch side of the `mini-gemini` comparison in docs/performance.md (issue 6): the same
graph Ocelli's `mini-gemini` pipeline runs, from a preprocessed 768² image to the 576 tokens
handed to the LLM, with random weights (timing only, no reference data is written):

  low   = interpolate(img768, 336, bilinear)                       (MGM: F.interpolate, align_corners=False)
  XL    = CLIP ViT-L/14-336, output of layer 23 of 24, CLS dropped  [1, 576, 1024]
          (torchvision's VisionTransformer at the same sizes; its exact GELU instead of quick_gelu
          changes nothing in the cost)
  XH    = ConvNeXt-L all four stage outputs, each resized to stage 0's 192² (bilinear) and
          concatenated on channels                                   [1, 2880, 192, 192]
  T     = patch info mining as in mgm/model/mgm_arch.py: LN+Linear Q from XL, LN+Linear K and V
          at every high-res position, unfold into 8×8 sub-patches per token, softmax over them
  tokens = mlp2x_gelu(T), 1024 → 4096 → 4096                        [576, 4096]

usage: /usr/bin/python3 testdata/bench/mgm_graph_torch.py [--threads 2] [--reps 2]
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def build(c=1024, ch=2880, hidden=4096):
    from torchvision.models.vision_transformer import VisionTransformer
    from torchvision.models.convnext import ConvNeXt, CNBlockConfig
    vit = VisionTransformer(image_size=336, patch_size=14, num_layers=24, num_heads=16, hidden_dim=c, mlp_dim=4 * c)
    cn = ConvNeXt([CNBlockConfig(192, 384, 3), CNBlockConfig(384, 768, 3), CNBlockConfig(768, 1536, 27),
                   CNBlockConfig(1536, None, 3)])
    pim = nn.ModuleDict({
        "q": nn.Sequential(nn.LayerNorm(c), nn.Linear(c, c)),
        "k": nn.Sequential(nn.LayerNorm(ch), nn.Linear(ch, c)),
        "v": nn.Sequential(nn.LayerNorm(ch), nn.Linear(ch, c)),
    })
    proj = nn.Sequential(nn.Linear(c, hidden), nn.GELU(), nn.Linear(hidden, hidden))
    return vit.eval(), cn.eval(), pim.eval(), proj.eval()


def clip_layer23(vit, x):
    x = vit._process_input(x)                                   # patchify → [1, 576, C]
    x = torch.cat([vit.class_token.expand(x.shape[0], -1, -1), x], dim=1)
    x = x + vit.encoder.pos_embedding
    for layer in list(vit.encoder.layers)[:23]:                 # hidden_states[-2]
        x = layer(x)
    return x[:, 1:]


def high_res_map(cn, img):
    outs, x = [], img
    for i, block in enumerate(cn.features):                     # stem, stage0, down1, stage1, …
        x = block(x)
        if i in (1, 3, 5, 7):
            outs.append(x)
    size = outs[0].shape[-2:]
    return torch.cat([o if o.shape[-2:] == size else F.interpolate(o, size=size, mode="bilinear", align_corners=False)
                      for o in outs], dim=1)


def patch_info_mining(pim, xl, xh):
    b, n, c = xl.shape
    p = int(n ** 0.5)
    m = xh.shape[-1] // p
    q = pim["q"](xl)                                            # [B, N, C]
    h = xh.permute(0, 2, 3, 1)                                  # [B, R, R, Ch]
    h = h.reshape(b, p, m, p, m, -1).permute(0, 1, 3, 2, 4, 5).reshape(b, n, m * m, -1)
    k, v = pim["k"](h), pim["v"](h)                             # [B, N, M², C] each: the expensive part
    a = (q[:, :, None] @ (k / c ** 0.5).transpose(-1, -2)).nan_to_num().softmax(-1)
    return xl + (a @ v).mean(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    vit, cn, pim, proj = build()
    img = torch.randn(1, 3, 768, 768)
    stages = {}

    def run():
        t0 = time.perf_counter()
        low = F.interpolate(img, size=(336, 336), mode="bilinear", align_corners=False)
        xl = clip_layer23(vit, low)
        t1 = time.perf_counter()
        xh = high_res_map(cn, img)
        t2 = time.perf_counter()
        t = patch_info_mining(pim, xl, xh)
        t3 = time.perf_counter()
        tokens = proj(t[0])
        t4 = time.perf_counter()
        for name, dt in (("clip", t1 - t0), ("convnext", t2 - t1), ("patch-info-mining", t3 - t2),
                         ("projector", t4 - t3), ("total", t4 - t0)):
            stages.setdefault(name, []).append(dt)
        return tokens

    with torch.no_grad():
        run()                                                   # warm-up
        stages.clear()
        for _ in range(a.reps):
            tokens = run()
    assert tuple(tokens.shape) == (576, 4096), tokens.shape
    print(f"torch {torch.__version__}, {a.threads} threads, best of {a.reps}:")
    for name, ts in stages.items():
        print(f"  {name:18s} {min(ts) * 1e3:10.1f} ms")


if __name__ == "__main__":
    main()
