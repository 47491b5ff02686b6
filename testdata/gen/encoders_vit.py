"""Reference data for dev.ocelli.encoders.vit: small CLIP ViT, InternViT and SAM ViT encoders.

transformers is not installed, so each encoder is a minimal PyTorch module written to compute
exactly what the published modeling code computes (HF modeling_clip.CLIPVisionTransformer,
InternViT-300M's remote-code modeling_intern_vit.InternVisionModel, HF modeling_sam.SamVisionEncoder),
with the same parameter names, so state_dict() gives the published key layout. Each model is saved
as a hub-style directory testdata/data/encoders/<name>/ (config.json in the published format +
weights), and the inputs and every hidden state go to testdata/data/encoders/<name>_ref.safetensors.

  clip_small      CLIPModel layout: config.json with nested vision_config, keys vision_model.*,
                  plus unused text_model.*, visual_projection, text_projection, logit_scale.
                  hidden 32, 4 heads, 3 layers, patch 4, image 16 (4x4 grid).
                  cases: native 16x16 (B=2, hidden_states, last_hidden_state, pooler_output);
                  20x24 (5x6 grid, HF interpolate_pos_encoding: bicubic, size-based, no antialias);
                  12x12 (3x3 grid, LLaVA-HR style: bicubic+antialias, CLS dropped before the encoder);
                  24x24 (6x6 grid, antialias, CLS kept).
  internvit_small InternViT layout (no prefix), weights stored BF16 as the hub ships InternViT;
                  the reference runs the BF16-rounded weights in float32. hidden 48, 3 heads,
                  2 layers, patch 4, image 16; cases 16x16 (B=2) and 20x12 (5x3 grid, bicubic).
  sam_small       SamModel layout (vision_encoder.* plus unused prompt_encoder/mask_decoder/
                  shared_image_embedding keys), sharded into two files with an index.
                  hidden 32, 2 heads, 3 layers, patch 4, image 40 (10x10 grid), window 3 (pad
                  10 -> 12, 4x4 windows), global layer 1, neck to 16 channels. Layer 1's rel_pos
                  tables are stored at lengths 15 and 21 (the grid needs 19), so both linear
                  resizes run. B=2.
  sam_small_eagle the same encoder with EAGLE's short neck (NVlabs/EAGLE sam_encoder.py
                  ShortSamVisionNeck: 1x1 conv 32->16 no bias + LayerNorm2d eps 1e-6), keys
                  vision_encoder.neck.conv1.weight, vision_encoder.neck.layer_norm1.{weight,bias};
                  a bare .safetensors file without config.json.
"""
import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


# ------------------------------------------------------------------ CLIP (HF modeling_clip)

def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


class ClipAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.scale = self.head_dim ** -0.5
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.q_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q = (self.q_proj(x) * self.scale).view(b, n, self.heads, -1).transpose(1, 2)
        k = self.k_proj(x).view(b, n, self.heads, -1).transpose(1, 2)
        v = self.v_proj(x).view(b, n, self.heads, -1).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        o = (a @ v).transpose(1, 2).reshape(b, n, c)
        return self.out_proj(o)


class ClipMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(quick_gelu(self.fc1(x)))


class ClipLayer(nn.Module):
    def __init__(self, dim, heads, mlp, eps):
        super().__init__()
        self.self_attn = ClipAttention(dim, heads)
        self.layer_norm1 = nn.LayerNorm(dim, eps=eps)
        self.mlp = ClipMlp(dim, mlp)
        self.layer_norm2 = nn.LayerNorm(dim, eps=eps)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class ClipEmbeddings(nn.Module):
    def __init__(self, dim, patch, image, channels=3):
        super().__init__()
        self.patch = patch
        self.class_embedding = nn.Parameter(torch.randn(dim))
        self.patch_embedding = nn.Conv2d(channels, dim, patch, stride=patch, bias=False)
        self.num_positions = (image // patch) ** 2 + 1
        self.position_embedding = nn.Embedding(self.num_positions, dim)

    def resized_pos(self, gh, gw, antialias):
        """HF CLIPVisionEmbeddings.interpolate_pos_encoding (size-based bicubic, align_corners=False);
        antialias=True is LLaVA-HR's variant. The CLS position is kept as is."""
        pos = self.position_embedding.weight.unsqueeze(0)
        n = pos.shape[1] - 1
        side = int(math.sqrt(n))
        if gh * gw == n and gh == gw:
            return pos
        cls_pos, patch_pos = pos[:, :1], pos[:, 1:]
        dim = pos.shape[-1]
        patch_pos = patch_pos.reshape(1, side, side, dim).permute(0, 3, 1, 2)
        patch_pos = F.interpolate(patch_pos, size=(gh, gw), mode="bicubic", align_corners=False,
                                  antialias=antialias)
        patch_pos = patch_pos.permute(0, 2, 3, 1).reshape(1, -1, dim)
        return torch.cat([cls_pos, patch_pos], dim=1)

    def forward(self, px, antialias=False, drop_cls=False):
        b = px.shape[0]
        pe = self.patch_embedding(px)
        gh, gw = pe.shape[2], pe.shape[3]
        pe = pe.flatten(2).transpose(1, 2)
        pos = self.resized_pos(gh, gw, antialias)
        if drop_cls:  # LLaVA-HR / EAGLE: patch tokens and their positions only
            return pe + pos[:, 1:]
        cls = self.class_embedding.expand(b, 1, -1)
        return torch.cat([cls, pe], dim=1) + pos


class ClipVisionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.embeddings = ClipEmbeddings(d, cfg["patch_size"], cfg["image_size"])
        self.pre_layrnorm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList(
            ClipLayer(d, cfg["num_attention_heads"], cfg["intermediate_size"], cfg["layer_norm_eps"])
            for _ in range(cfg["num_hidden_layers"]))
        self.post_layernorm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])

    def forward(self, px, antialias=False, drop_cls=False):
        x = self.pre_layrnorm(self.embeddings(px, antialias, drop_cls))
        hs = [x]
        for layer in self.encoder.layers:
            x = layer(x)
            hs.append(x)
        pooled = self.post_layernorm(x[:, 0, :])
        return hs, x, pooled


# ------------------------------------------------------------------ InternViT (modeling_intern_vit)

class InternAttention(nn.Module):
    def __init__(self, dim, heads, qkv_bias):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class InternMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class InternLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.attn = InternAttention(d, cfg["num_attention_heads"], cfg["qkv_bias"])
        self.mlp = InternMlp(d, cfg["intermediate_size"])
        self.norm1 = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.norm2 = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.ls1 = nn.Parameter(torch.ones(d))
        self.ls2 = nn.Parameter(torch.ones(d))

    def forward(self, x):
        x = x + self.attn(self.norm1(x)) * self.ls1
        return x + self.mlp(self.norm2(x)) * self.ls2


class InternEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, p, img = cfg["hidden_size"], cfg["patch_size"], cfg["image_size"]
        self.side = img // p
        self.class_embedding = nn.Parameter(torch.randn(1, 1, d))
        self.patch_embedding = nn.Conv2d(3, d, p, stride=p)
        self.position_embedding = nn.Parameter(torch.randn(1, self.side ** 2 + 1, d))

    def _get_pos_embed(self, pos, h, w):
        pos = pos.float().reshape(1, self.side, self.side, -1).permute(0, 3, 1, 2)
        return F.interpolate(pos, size=(h, w), mode="bicubic", align_corners=False) \
            .reshape(1, -1, h * w).permute(0, 2, 1)

    def forward(self, px):
        pe = self.patch_embedding(px)
        b, _, h, w = pe.shape
        pe = pe.flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(b, 1, -1)
        x = torch.cat([cls, pe], dim=1)
        pos = torch.cat([self.position_embedding[:, :1, :],
                         self._get_pos_embed(self.position_embedding[:, 1:, :], h, w)], dim=1)
        return x + pos


class InternVisionModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = InternEmbeddings(cfg)
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList(InternLayer(cfg) for _ in range(cfg["num_hidden_layers"]))

    def forward(self, px):
        x = self.embeddings(px)
        hs = [x]
        for layer in self.encoder.layers:
            x = layer(x)
            hs.append(x)
        return hs, x


# ------------------------------------------------------------------ SAM (HF modeling_sam)

class SamLayerNorm2d(nn.Module):
    """SamLayerNorm(data_format='channels_first'): LayerNorm over C of [B, C, H, W]."""

    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class SamAttention(nn.Module):
    def __init__(self, dim, heads, input_size):
        super().__init__()
        self.heads = heads
        hd = dim // heads
        self.scale = hd ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)
        self.rel_pos_h = nn.Parameter(torch.randn(2 * input_size[0] - 1, hd) * 0.5)
        self.rel_pos_w = nn.Parameter(torch.randn(2 * input_size[1] - 1, hd) * 0.5)

    @staticmethod
    def get_rel_pos(q_size, k_size, rel_pos):
        max_rel_dist = int(2 * max(q_size, k_size) - 1)
        if rel_pos.shape[0] != max_rel_dist:
            r = F.interpolate(rel_pos.reshape(1, rel_pos.shape[0], -1).permute(0, 2, 1),
                              size=max_rel_dist, mode="linear")
            r = r.reshape(-1, max_rel_dist).permute(1, 0)
        else:
            r = rel_pos
        q_coords = torch.arange(q_size)[:, None] * max(k_size / q_size, 1.0)
        k_coords = torch.arange(k_size)[None, :] * max(q_size / k_size, 1.0)
        rel = (q_coords - k_coords) + (k_size - 1) * max(q_size / k_size, 1.0)
        return r[rel.long()]

    def forward(self, x):
        b, h, w, _ = x.shape
        qkv = self.qkv(x).reshape(b, h * w, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.reshape(3, b * self.heads, h * w, -1).unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        rh = self.get_rel_pos(h, h, self.rel_pos_h)
        rw = self.get_rel_pos(w, w, self.rel_pos_w)
        bq, _, dim = q.shape
        rq = q.reshape(bq, h, w, dim)
        rel_h = torch.einsum("bhwc,hkc->bhwk", rq, rh)
        rel_w = torch.einsum("bhwc,wkc->bhwk", rq, rw)
        attn = attn.reshape(bq, h, w, h, w) + rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]
        attn = torch.softmax(attn.reshape(bq, h * w, h * w), dim=-1)
        o = (attn @ v).reshape(b, self.heads, h, w, -1).permute(0, 2, 3, 1, 4).reshape(b, h, w, -1)
        return self.proj(o)


class SamMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.lin1 = nn.Linear(dim, hidden)
        self.lin2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.lin2(F.gelu(self.lin1(x)))


class SamLayer(nn.Module):
    def __init__(self, cfg, window):
        super().__init__()
        d = cfg["hidden_size"]
        grid = cfg["image_size"] // cfg["patch_size"]
        size = (window, window) if window > 0 else (grid, grid)
        self.layer_norm1 = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.attn = SamAttention(d, cfg["num_attention_heads"], size)
        self.layer_norm2 = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.mlp = SamMlp(d, cfg["mlp_dim"])
        self.window = window

    def partition(self, x):
        b, h, w, c = x.shape
        ws = self.window
        ph, pw = (ws - h % ws) % ws, (ws - w % ws) % ws
        x = F.pad(x, (0, 0, 0, pw, 0, ph))
        hp, wp = h + ph, w + pw
        x = x.reshape(b, hp // ws, ws, wp // ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, ws, ws, c)
        return x, (hp, wp)

    def unpartition(self, win, pad, hw):
        ws = self.window
        hp, wp = pad
        h, w = hw
        b = win.shape[0] // (hp * wp // ws // ws)
        x = win.reshape(b, hp // ws, wp // ws, ws, ws, -1).permute(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, -1)
        return x[:, :h, :w, :].contiguous()

    def forward(self, x):
        res = x
        x = self.layer_norm1(x)
        if self.window > 0:
            h, w = x.shape[1], x.shape[2]
            x, pad = self.partition(x)
        x = self.attn(x)
        if self.window > 0:
            x = self.unpartition(x, pad, (h, w))
        x = res + x
        return x + self.mlp(self.layer_norm2(x))


class SamNeck(nn.Module):
    def __init__(self, d, out):
        super().__init__()
        self.conv1 = nn.Conv2d(d, out, 1, bias=False)
        self.layer_norm1 = SamLayerNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, padding=1, bias=False)
        self.layer_norm2 = SamLayerNorm2d(out)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)
        return self.layer_norm2(self.conv2(self.layer_norm1(self.conv1(x))))


class SamVisionEncoder(nn.Module):
    def __init__(self, cfg, short_neck=False):
        super().__init__()
        d, p, img = cfg["hidden_size"], cfg["patch_size"], cfg["image_size"]
        self.patch_embed = nn.Module()
        self.patch_embed.projection = nn.Conv2d(3, d, p, stride=p)
        self.pos_embed = nn.Parameter(torch.randn(1, img // p, img // p, d) * 0.5)
        self.layers = nn.ModuleList(
            SamLayer(cfg, 0 if i in cfg["global_attn_indexes"] else cfg["window_size"])
            for i in range(cfg["num_hidden_layers"]))
        if short_neck:  # EAGLE's ShortSamVisionNeck: 1x1 conv without bias + LayerNorm2d(eps 1e-6)
            self.neck = nn.Module()
            self.neck.conv1 = nn.Conv2d(d, cfg["output_channels"], 1, bias=False)
            self.neck.layer_norm1 = SamLayerNorm2d(cfg["output_channels"])
        else:
            self.neck = SamNeck(d, cfg["output_channels"])

    def forward(self, px):
        x = self.patch_embed.projection(px).permute(0, 2, 3, 1) + self.pos_embed
        hs = [x]
        for layer in self.layers:
            x = layer(x)
            hs.append(x)
        if not isinstance(self.neck, SamNeck):
            return hs, self.neck.layer_norm1(self.neck.conv1(x.permute(0, 3, 1, 2)))
        return hs, self.neck(x)


# ------------------------------------------------------------------ helpers

def _randomize(model, g, std=0.3):
    """Replaces the default init by random values everywhere (LN weights around 1, layer scales
    around 1), so no parameter can be dropped or swapped without the outputs changing."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if name.endswith(("layer_norm1.weight", "layer_norm2.weight", "norm1.weight", "norm2.weight",
                              "pre_layrnorm.weight", "post_layernorm.weight", "ls1", "ls2", "neck.1.weight")):
                p.copy_(1 + 0.1 * r)
            else:
                p.copy_(std * r)


def _write_json(w, rel, obj):
    path = w.root / rel
    w._put(path, (json.dumps(obj, indent=2) + "\n").encode("utf-8"))


def _state(model, prefix):
    return {prefix + k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def _hidden(out, prefix, hs):
    for i, h in enumerate(hs):
        out[f"{prefix}hidden_states.{i}"] = h.detach().contiguous()


# ------------------------------------------------------------------ cases

def _clip(w, g):
    vcfg = {"hidden_size": 32, "intermediate_size": 64, "projection_dim": 16, "num_hidden_layers": 3,
            "num_attention_heads": 4, "num_channels": 3, "image_size": 16, "patch_size": 4,
            "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5, "attention_dropout": 0.0,
            "initializer_range": 0.02, "initializer_factor": 1.0, "model_type": "clip_vision_model"}
    cfg = {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 16,
           "logit_scale_init_value": 2.6592, "torch_dtype": "float32",
           "text_config": {"hidden_size": 24, "num_hidden_layers": 1, "model_type": "clip_text_model"},
           "vision_config": vcfg}
    m = ClipVisionTransformer(vcfg)
    _randomize(m, g, 0.3)
    m.eval()
    sd = _state(m, "vision_model.")
    # the rest of a CLIPModel, unused by the vision encoder
    sd["text_model.embeddings.token_embedding.weight"] = torch.randn(10, 24, generator=g)
    sd["text_model.final_layer_norm.weight"] = torch.ones(24)
    sd["visual_projection.weight"] = torch.randn(16, 32, generator=g)
    sd["text_projection.weight"] = torch.randn(16, 24, generator=g)
    sd["logit_scale"] = torch.tensor(2.6592)
    w.save("encoders/clip_small/model", sd)
    _write_json(w, "encoders/clip_small/config.json", cfg)

    ref = {}
    with torch.no_grad():
        px = torch.randn(2, 3, 16, 16, generator=g)
        hs, last, pooled = m(px)
        ref["native.pixel_values"] = px
        _hidden(ref, "native.", hs)
        ref["native.last_hidden_state"] = last
        ref["native.pooler_output"] = pooled

        px = torch.randn(1, 3, 20, 24, generator=g)
        hs, _, _ = m(px)
        ref["odd.pixel_values"] = px
        _hidden(ref, "odd.", hs)

        px = torch.randn(1, 3, 12, 12, generator=g)
        hs, _, _ = m(px, antialias=True, drop_cls=True)
        ref["aa_nocls.pixel_values"] = px
        _hidden(ref, "aa_nocls.", hs)

        px = torch.randn(1, 3, 24, 24, generator=g)
        hs, _, _ = m(px, antialias=True)
        ref["aa_up.pixel_values"] = px
        _hidden(ref, "aa_up.", hs)
    w.save("encoders/clip_small_ref", ref, {"model": "encoders/clip_small"})


def _internvit(w, g):
    cfg = {"architectures": ["InternVisionModel"], "model_type": "intern_vit_6b",
           "hidden_size": 48, "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 3,
           "num_channels": 3, "image_size": 16, "patch_size": 4, "qkv_bias": True, "qk_normalization": False,
           "norm_type": "layer_norm", "layer_norm_eps": 1e-6, "hidden_act": "gelu", "use_flash_attn": False,
           "initializer_factor": 0.1, "drop_path_rate": 0.0, "torch_dtype": "bfloat16"}
    m = InternVisionModel(cfg)
    _randomize(m, g, 0.3)
    m.eval()
    with torch.no_grad():  # the hub ships InternViT in bfloat16: round, then compute in float32
        for p in m.parameters():
            p.copy_(p.to(torch.bfloat16).float())
    sd = {k: v.to(torch.bfloat16) for k, v in _state(m, "").items()}
    w.save("encoders/internvit_small/model", sd)
    _write_json(w, "encoders/internvit_small/config.json", cfg)
    ref = {}
    with torch.no_grad():
        px = torch.randn(2, 3, 16, 16, generator=g)
        hs, _ = m(px)
        ref["native.pixel_values"] = px
        _hidden(ref, "native.", hs)
        px = torch.randn(1, 3, 20, 12, generator=g)
        hs, _ = m(px)
        ref["odd.pixel_values"] = px
        _hidden(ref, "odd.", hs)
    w.save("encoders/internvit_small_ref", ref, {"model": "encoders/internvit_small"})


def _sam(w, g):
    vcfg = {"hidden_size": 32, "output_channels": 16, "num_hidden_layers": 3, "num_attention_heads": 2,
            "num_channels": 3, "image_size": 40, "patch_size": 4, "hidden_act": "gelu",
            "layer_norm_eps": 1e-6, "attention_dropout": 0.0, "initializer_range": 1e-10, "qkv_bias": True,
            "mlp_ratio": 2.0, "use_abs_pos": True, "use_rel_pos": True, "window_size": 3,
            "global_attn_indexes": [1], "num_pos_feats": 8, "mlp_dim": None, "model_type": ""}
    cfg = {"architectures": ["SamModel"], "model_type": "sam", "initializer_range": 0.02,
           "vision_config": vcfg, "prompt_encoder_config": {"hidden_size": 16},
           "mask_decoder_config": {"hidden_size": 16}}
    run_cfg = dict(vcfg, mlp_dim=64)
    m = SamVisionEncoder(run_cfg)
    _randomize(m, g, 0.3)
    with torch.no_grad():  # the global layer's tables at other lengths than its 10x10 grid needs (19)
        att = m.layers[1].attn
        att.rel_pos_h = nn.Parameter(torch.randn(15, 16, generator=g) * 0.5)
        att.rel_pos_w = nn.Parameter(torch.randn(21, 16, generator=g) * 0.5)
    m.eval()
    sd = _state(m, "vision_encoder.")
    names = list(sd)
    shard1 = {k: sd[k] for k in names[: len(names) // 2]}
    shard2 = {k: sd[k] for k in names[len(names) // 2:]}
    shard2["prompt_encoder.shared_embedding.positional_embedding"] = torch.randn(2, 8, generator=g)
    shard2["mask_decoder.iou_token.weight"] = torch.randn(1, 16, generator=g)
    shard2["shared_image_embedding.positional_embedding"] = torch.randn(2, 8, generator=g)
    w.save_sharded("encoders/sam_small", [shard1, shard2])
    _write_json(w, "encoders/sam_small/config.json", cfg)
    ref = {}
    with torch.no_grad():
        px = torch.randn(2, 3, 40, 40, generator=g)
        hs, emb = m(px)
        ref["native.pixel_values"] = px
        _hidden(ref, "native.", hs)
        ref["native.image_embeddings"] = emb

        # EAGLE's short neck on the same encoder
        e = SamVisionEncoder(run_cfg, short_neck=True)
        e.layers[1].attn.rel_pos_h = nn.Parameter(torch.zeros(15, 16))
        e.layers[1].attn.rel_pos_w = nn.Parameter(torch.zeros(21, 16))
        missing, unexpected = e.load_state_dict(
            {k: v for k, v in m.state_dict().items() if not k.startswith("neck.")}, strict=False)
        assert all(k.startswith("neck.") for k in missing) and not unexpected, (missing, unexpected)
        e.neck.conv1.weight.copy_(torch.randn(16, 32, 1, 1, generator=g) * 0.3)
        e.neck.layer_norm1.weight.copy_(1 + 0.1 * torch.randn(16, generator=g))
        e.neck.layer_norm1.bias.copy_(0.3 * torch.randn(16, generator=g))
        e.eval()
        _, short = e(px)
        ref["native.image_embeddings_short_neck"] = short
    w.save("encoders/sam_small_ref", ref, {"model": "encoders/sam_small"})
    w.save("encoders/sam_small_eagle", _state(e, "vision_encoder."))


def generate(w):
    g = torch.Generator().manual_seed(5150)
    _clip(w, g)
    _internvit(w, g)
    _sam(w, g)
