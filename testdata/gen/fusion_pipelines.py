"""Reference data for dev.ocelli.fusion.pipeline: whole pipelines at tiny widths, pixels to tokens.

Encoders come from the encoder groups' minimal PyTorch modules (encoders_vit.py CLIP, encoders_convnext.py
ConvNeXt, re-sized here); the fusion modules from fusion_ops.py. Each checkpoint is saved with the
released key names (prefixes as each project stores them, plus a few LLM keys that the loader must
skip), and the reference forward follows each project's encode path:

  mgm_tiny / mgm_hd_tiny   Mini-Gemini: CLIP (hidden 16, 2 heads, 2 layers, patch 4, image 16),
                           ConvNeXt (depths 1,1,1,1, dims 8,12,16,20), mm_projector 16->24.
                           pixels [1,3,32,32] (HD: [1,3,64,64], grid 2 + global view).
  llava_hr_tiny            LLaVA-HR: CLIP (4 layers -> adapters after layers 1, 2, 3), ConvNeXt as above
                           at 128x128 (Fh 4x4), fast path at 32 (8x8 grid: positions resized bicubic
                           with antialias, CLS dropped before pre_layrnorm), MR-Adapters (upsample
                           alignment), MultiPathAlignModule, mm_projector 16->24.
  eagle_tiny               EAGLE: master [1,3,64,64] (SAM short neck keys neck.conv1, neck.layer_norm1); CLIP at 16 (align_corners=True resize, CLS dropped
                           before the encoder, all layers) 4x4; ConvNeXt last stage 2x2x20; SAM (hidden 16,
                           2 layers, window 3, global layer 1, image 64) short neck -> 16x16x8 ->
                           pixel_unshuffle 2 -> 8x8x32; channel concat to 8x8 (68 channels); mm_projector 68->24.
  leo_tiny                 LEO: 3 tiles; InternViT (hidden 16, 2 layers, image 16) -> pixel_shuffle v2 ->
                           mlp1 (LN-MLP 64->24); SAM (image 32, full neck to 8) -> pixel_unshuffle 4 ->
                           mlp2 (128->24); per-tile interleave -> [24, 24].
"""
import importlib
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

import gen.encoders_vit as vit
import gen.encoders_convnext as cx
import gen.fusion_ops as ops

CLIP_CFG = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
            "patch_size": 4, "image_size": 16, "layer_norm_eps": 1e-5}
CX_DEPTHS, CX_DIMS = (1, 1, 1, 1), (8, 12, 16, 20)
HIDDEN = 24


def convnext():
    # encoders_convnext sizes its model from module constants; borrow them and put them back
    saved = cx.DEPTHS, cx.DIMS
    cx.DEPTHS, cx.DIMS = CX_DEPTHS, CX_DIMS
    try:
        return cx.ConvNeXt()
    finally:
        cx.DEPTHS, cx.DIMS = saved


def rand(model, g, std=0.3):
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if name.endswith("gamma"):
                p.copy_(0.5 + 0.5 * torch.rand(p.shape, generator=g))
            elif p.dim() == 1 and name.endswith("weight"):
                p.copy_(1 + 0.1 * r)
            elif p.dim() == 1:
                p.copy_(0.1 * r)
            else:
                p.copy_(r / p[0].numel() ** 0.5)


def state(model, prefix, rename=None):
    out = {}
    for k, v in model.state_dict().items():
        if rename:
            k = rename(k)
        out[prefix + k] = v.detach().clone().contiguous()
    return out


def llm_keys(g):
    # keys of the language model that share the checkpoint; the pipeline must leave them alone
    return {"model.embed_tokens.weight": torch.randn(10, HIDDEN, generator=g),
            "lm_head.weight": torch.randn(10, HIDDEN, generator=g)}


def mgm_high_res(stages):
    h, w = stages[0].shape[-2:]
    maps = [s if s.shape[-2:] == (h, w) else F.interpolate(s, size=(h, w), mode="bilinear", align_corners=False)
            for s in stages]
    return torch.cat(maps, dim=1)


def mgm(w, g, grid):
    clip = vit.ClipVisionTransformer(CLIP_CFG); rand(clip, g)
    aux = convnext(); rand(aux, g)
    res = ops.UniResampler(16, sum(CX_DIMS)); rand(res, g)
    proj = ops.mlp2x_gelu(16, HIDDEN); rand(proj, g)
    low_res, high_res = 16, 32 * grid
    hi = torch.randn(1, 3, high_res, high_res, generator=g)
    low = F.interpolate(hi, size=(grid * low_res,) * 2, mode="bilinear", align_corners=False)
    if grid > 1:
        crops = low.reshape(3, grid, low_res, grid, low_res).permute(1, 3, 0, 2, 4).reshape(-1, 3, low_res, low_res)
        glob = F.interpolate(low, size=(low_res, low_res), mode="bilinear", align_corners=False)
        views = torch.cat([crops, glob])
    else:
        views = low
    hs, _, _ = clip(views)
    xl = hs[-2][:, 1:]
    st = aux.forward_stages(hi)
    xh = mgm_high_res([st[f"stages.{i}"] for i in range(4)])
    if grid > 1:
        t = res.forward_hd(xl[:grid * grid], xl[grid * grid:], xh, grid)
    else:
        t = res(xl, xh)
    tokens = proj(t)[0]
    sd = {}
    sd.update(state(clip, "model.vision_tower.vision_tower.vision_model."))
    sd.update(state(aux, "model.vision_tower_aux.",
                    lambda k: k.replace("stem.", "vision_stem.", 1) if k.startswith("stem.")
                    else k.replace("stages.", "vision_stages.", 1)))
    sd.update(state(res, "model."))
    sd.update(state(proj, "model.mm_projector."))
    sd.update(llm_keys(g))
    name = "mgm_hd_tiny" if grid > 1 else "mgm_tiny"
    w.save(f"fusion/pipelines/{name}/model", sd)
    w.save(f"fusion/pipelines/{name}_ref", {"pixel_values": hi, "xl": xl.contiguous(), "xh": xh.contiguous(),
                                            "tokens": tokens.detach().contiguous()})


def llava_hr(w, g):
    cfg = dict(CLIP_CFG, num_hidden_layers=4)
    clip = vit.ClipVisionTransformer(cfg); rand(clip, g)
    slow = convnext(); rand(slow, g)
    adapters = nn.ModuleList(ops.S2FStitchAlignModuleV2(16, CX_DIMS[-1]) for _ in range(3)); rand(adapters, g)
    final = ops.MultiPathAlignModule(16, CX_DIMS[-1]); rand(final, g)
    proj = ops.mlp2x_gelu(16, HIDDEN); rand(proj, g)
    res, fast_res = 128, 32
    x = torch.randn(1, 3, res, res, generator=g)
    # MultiPathCLIPVisionTower.forward
    y = F.interpolate(x, size=(fast_res, fast_res), mode="bilinear", align_corners=True)
    y = clip.pre_layrnorm(clip.embeddings(y, antialias=True, drop_cls=True))
    fh = slow.forward_stages(x)["stages.3"]
    layers = clip.encoder.layers
    n = len(layers) // 4
    for i, layer in enumerate(layers):
        y = layer(y)
        if (i + 1) % n == 0 and (i + 1) // n <= 3:
            y = adapters[(i + 1) // n - 1](y, fh)
    y = final(y, fh)
    tokens = proj(y)[0]
    sd = {}
    sd.update(state(clip, "model.vision_tower.fast_vision_tower.vision_tower.vision_model."))
    sd.update(state(slow, "model.vision_tower.slow_vision_tower.vision_tower.",
                    lambda k: k[:-len("gamma")] + "weight" if k.endswith("gamma") else k))
    sd.update(state(adapters, "model.vision_tower.align_stages_latent."))
    sd.update(state(final, "model.vision_tower.align_stages.0."))
    sd.update(state(proj, "model.mm_projector."))
    sd.update(llm_keys(g))
    w.save("fusion/pipelines/llava_hr_tiny/model", sd)
    w.save("fusion/pipelines/llava_hr_tiny_ref", {"pixel_values": x, "tokens": tokens.detach().contiguous()})


SAM_CFG = {"hidden_size": 16, "output_channels": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
           "patch_size": 4, "layer_norm_eps": 1e-6, "window_size": 3, "global_attn_indexes": [1], "mlp_dim": 32}


def eagle(w, g):
    clip = vit.ClipVisionTransformer(CLIP_CFG); rand(clip, g)
    cnx = convnext(); rand(cnx, g)
    sam = vit.SamVisionEncoder(dict(SAM_CFG, image_size=64), short_neck=True); rand(sam, g)
    proj = ops.mlp2x_gelu(16 + CX_DIMS[-1] + 32, HIDDEN); rand(proj, g)
    x = torch.randn(1, 3, 64, 64, generator=g)
    y = F.interpolate(x, size=(16, 16), mode="bilinear", align_corners=True)
    _, ct, _ = clip(y, drop_cls=True)
    cmap = ct.transpose(1, 2).reshape(1, 16, 4, 4)
    nmap = cnx.forward_stages(x)["stages.3"]
    _, emb = sam(x)
    smap = F.pixel_unshuffle(emb, 2)
    maps = [m if m.shape[-1] == 8 else F.interpolate(m, size=(8, 8), mode="bilinear", align_corners=True)
            for m in (cmap, nmap, smap)]
    feats = torch.cat(maps, dim=1).flatten(2).transpose(1, 2)
    tokens = proj(feats)[0]
    sd = {}
    sd.update(state(clip, "model.vision_tower.vision_towers.0.vision_tower.vision_model."))
    sd.update(state(cnx, "model.vision_tower.vision_towers.1.vision_tower."))
    sd.update(state(sam, "model.vision_tower.vision_towers.2.vision_tower."))
    sd.update(state(proj, "model.mm_projector."))
    sd.update(llm_keys(g))
    w.save("fusion/pipelines/eagle_tiny/model", sd)
    w.save("fusion/pipelines/eagle_tiny_ref", {"pixel_values": x, "tokens": tokens.detach().contiguous()})


def leo(w, g):
    icfg = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
            "patch_size": 4, "image_size": 16, "layer_norm_eps": 1e-6, "qkv_bias": True}
    iv = vit.InternVisionModel(icfg); rand(iv, g)
    sam = vit.SamVisionEncoder(dict(SAM_CFG, image_size=32)); rand(sam, g)
    mlp1 = ops.ln_mlp(64, HIDDEN); rand(mlp1, g)
    mlp2 = ops.ln_mlp(128, HIDDEN); rand(mlp2, g)
    t = 3
    iv_tiles = torch.randn(t, 3, 16, 16, generator=g)
    sam_tiles = torch.randn(t, 3, 32, 32, generator=g)
    _, h = iv(iv_tiles)
    v1 = ops.internvl_pixel_shuffle(h[:, 1:].reshape(t, 4, 4, 16)).reshape(t, -1, 64)
    v1 = mlp1(v1)
    _, emb = sam(sam_tiles)
    v2 = F.pixel_unshuffle(emb, 4).flatten(2).transpose(1, 2)
    v2 = mlp2(v2)
    m = torch.zeros(t, 8, HIDDEN)
    m[:, 0::2] = v1
    m[:, 1::2] = v2
    sd = {}
    sd.update(state(iv, "vision_model_1."))
    sd.update(state(sam, "vision_model_2."))
    sd.update(state(mlp1, "mlp1."))
    sd.update(state(mlp2, "mlp2."))
    sd["language_model.model.embed_tokens.weight"] = torch.randn(10, HIDDEN, generator=g)
    w.save("fusion/pipelines/leo_tiny/model", sd)
    w.save("fusion/pipelines/leo_tiny_ref", {"internvit_tiles": iv_tiles, "sam_tiles": sam_tiles,
                                             "tokens": m.reshape(-1, HIDDEN).contiguous()})


def generate(w):
    g = torch.Generator().manual_seed(66)
    with torch.no_grad():
        mgm(w, g, 1)
        mgm(w, g, 2)
        llava_hr(w, g)
        eagle(w, g)
        leo(w, g)
