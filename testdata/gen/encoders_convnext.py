"""Reference data for dev.ocelli.encoders.convnext: a small ConvNeXt in the published key layouts.

timm is not installed here, so this file carries a minimal ConvNeXt whose forward is timm's
(`timm/models/convnext.py`, `ConvNeXtBlock` with conv_mlp=False, i.e. the channels-last MLP
path; `ConvNeXtStage` with an LN2d + k2 s2 conv downsample; stem k4 s4 conv + LN2d; no head).
Module names equal timm's, so `state_dict()` has timm's keys.

Config: depths 1,1,2,1; dims 8,16,24,32; input 2x3x64x48 (non-square, and stage 3 comes out
2x1 because floor(3/2) = 1). Weights are drawn in F32 (LayerNorm affine and gamma randomized so
no parameter sits at its init value), the reference forward runs in float64 on those F32 values,
so the recorded outputs are the exact answer to ~1e-12 and the Java F32 error is measured against
the truth, not against PyTorch's own F32 rounding.

Files (testdata/data/encoders/convnext/...):
  io                         pixel_values [2,3,64,48]; stem [2,8,16,12]; stages.0..3 [B,C,H,W]
  timm/model                 timm keys: stem.{0,1}, stages.S.downsample.{0,1},
                             stages.S.blocks.M.{conv_dw,norm,mlp.fc1,mlp.fc2}, ...gamma; head.norm
  open_clip/model            visual.trunk. prefix + open_clip's unused keys (text tower bits,
                             logit_scale, visual.head.mlp); open_clip_config.json beside it
  llava_hr/model             model.vision_tower.slow_vision_tower.vision_tower. prefix and the layer
                             scale stored as ...blocks.M.weight (LLaVA-HR's copy of timm)
  mgm/model                  Mini-Gemini's vision_tower_aux: model.vision_tower_aux.vision_stem.{0,1},
                             ...vision_stages.S...
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

GROUP = "encoders_convnext"
DEPTHS = (1, 1, 2, 1)
DIMS = (8, 16, 24, 32)
EPS = 1e-6
BATCH, HEIGHT, WIDTH = 2, 64, 48


class LayerNorm2d(nn.LayerNorm):
    """timm LayerNorm2d: LayerNorm over C of an NCHW tensor (permute, layer_norm, permute back)."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()  # exact erf GELU, as timm
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class ConvNeXtBlock(nn.Module):
    """timm ConvNeXtBlock, conv_mlp=False: dwconv (NCHW) -> permute NHWC -> LN -> MLP -> *gamma ->
    permute back -> + shortcut."""

    def __init__(self, dim):
        super().__init__()
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim, bias=True)
        self.norm = nn.LayerNorm(dim, eps=EPS)
        self.mlp = Mlp(dim, 4 * dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        shortcut = x
        x = self.conv_dw(x)
        x = x.permute(0, 2, 3, 1)
        x = self.norm(x)
        x = self.mlp(x)
        x = x.mul(self.gamma)
        x = x.permute(0, 3, 1, 2)
        return x + shortcut


class ConvNeXtStage(nn.Module):
    def __init__(self, cin, cout, depth, downsample):
        super().__init__()
        if downsample:
            self.downsample = nn.Sequential(LayerNorm2d(cin, eps=EPS), nn.Conv2d(cin, cout, 2, stride=2, bias=True))
        else:
            self.downsample = nn.Identity()
        self.blocks = nn.Sequential(*[ConvNeXtBlock(cout) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class ConvNeXt(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, DIMS[0], 4, stride=4, bias=True), LayerNorm2d(DIMS[0], eps=EPS))
        stages = []
        cin = DIMS[0]
        for i, (d, c) in enumerate(zip(DEPTHS, DIMS)):
            stages.append(ConvNeXtStage(cin, c, d, downsample=i > 0))
            cin = c
        self.stages = nn.Sequential(*stages)

    def forward_stages(self, x):
        out = {}
        x = self.stem(x)
        out["stem"] = x
        for i, s in enumerate(self.stages):
            x = s(x)
            out[f"stages.{i}"] = x
        return out


def randomize(model, g):
    """Non-trivial values for every parameter (LN affine and gamma too), rounded to F32."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("gamma"):
                v = 0.5 + 0.5 * torch.rand(p.shape, generator=g)
            elif is_norm(model, name):
                v = (1.0 + 0.2 * torch.randn(p.shape, generator=g)) if name.endswith("weight") \
                    else 0.2 * torch.randn(p.shape, generator=g)
            elif p.dim() == 1:
                v = 0.1 * torch.randn(p.shape, generator=g)  # conv / linear bias
            else:
                fan_in = p[0].numel()
                v = torch.randn(p.shape, generator=g) / fan_in ** 0.5
            p.copy_(v.float())


def is_norm(model, name):
    mod = model
    for part in name.split(".")[:-1]:
        mod = getattr(mod, part) if not part.isdigit() else mod[int(part)]
    return isinstance(mod, nn.LayerNorm)


def generate(w):
    g = torch.Generator().manual_seed(20261127)
    model = ConvNeXt()
    randomize(model, g)
    sd = {k: v.detach().float().contiguous().clone() for k, v in model.state_dict().items()}
    # timm checkpoints also hold a classifier head (head.norm, head.fc); the encoder ignores it.
    head = {"head.norm.weight": torch.ones(DIMS[-1]), "head.norm.bias": torch.zeros(DIMS[-1])}

    x = torch.randn(BATCH, 3, HEIGHT, WIDTH, generator=g).float()
    with torch.no_grad():
        ref = model.double().forward_stages(x.double())
    io = {"pixel_values": x}
    io.update({k: v.float().contiguous() for k, v in ref.items()})
    meta = {"depths": ",".join(map(str, DEPTHS)), "dims": ",".join(map(str, DIMS)), "eps": repr(EPS),
            "reference": "float64 forward of the F32 weights"}
    w.save("encoders/convnext/io", io, meta)

    w.save("encoders/convnext/timm/model", {**sd, **head}, {"format": "pt"})

    oc = {"visual.trunk." + k: v for k, v in sd.items()}
    oc.update({"visual.trunk." + k: v for k, v in head.items()})
    oc["visual.head.mlp.fc1.weight"] = torch.zeros(16, DIMS[-1])
    oc["visual.head.mlp.fc2.weight"] = torch.zeros(8, 16)
    oc["token_embedding.weight"] = torch.zeros(10, 8)
    oc["logit_scale"] = torch.tensor(4.6052)
    w.save("encoders/convnext/open_clip/model", oc, {"format": "pt"})
    cfg = {"model_cfg": {"embed_dim": 8, "vision_cfg": {"timm_model_name": "convnext_tiny_test",
                                                         "timm_model_pretrained": False, "timm_pool": "",
                                                         "timm_proj": "mlp", "image_size": [HEIGHT, WIDTH]},
                         "text_cfg": {"context_length": 77, "vocab_size": 10, "width": 8, "heads": 1, "layers": 0}},
           "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073],
                              "std": [0.26862954, 0.26130258, 0.27577711]}}
    w._put(w.root / "encoders/convnext/open_clip/open_clip_config.json",
           (json.dumps(cfg, indent=2) + "\n").encode("utf-8"))

    lh = {}
    for k, v in sd.items():
        if k.endswith(".gamma"):
            k = k[: -len("gamma")] + "weight"
        lh["model.vision_tower.slow_vision_tower.vision_tower." + k] = v
    w.save("encoders/convnext/llava_hr/model", lh, {"format": "pt"})

    mgm = {}
    for k, v in sd.items():
        if k.startswith("stem."):
            k = "vision_stem." + k[len("stem."):]
        elif k.startswith("stages."):
            k = "vision_stages." + k[len("stages."):]
        mgm["model.vision_tower_aux." + k] = v
    w.save("encoders/convnext/mgm/model", mgm, {"format": "pt"})
