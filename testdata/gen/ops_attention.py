"""Reference data for dev.ocelli.kernels.attention (FlashAttention / ScalarAttention).

Torch 1.13 has no public F.scaled_dot_product_attention, so the reference is the definition,
computed in float64 from the float32 inputs and stored as float32:

    out = softmax(q @ k^T * scale + bias, dim=-1) @ v          q [B,H,Nq,d], k/v [B,H,Nk,d]

A boolean mask follows PyTorch's attn_mask convention (True = may attend, False -> -inf); a row
with no key left is NaN, as torch.softmax of an all -inf row is. The SAM case builds its bias
with the same steps as segment-anything's add_decomposed_rel_pos (rel terms from the UNscaled q).

Every file: q, k, v [B,H,N,d] float32, out [B,H,Nq,d] float32, metadata scale (and kh, kw).
"""
import math

import torch

GENERATOR_VERSION = "1"


def _reference(q, k, v, scale, bias=None):
    s = (q.double() @ k.double().transpose(-2, -1)) * scale
    if bias is not None:
        s = s + bias.double()
    p = torch.softmax(s, dim=-1)
    return (p @ v.double()).float()


def _qkv(g, b, h, nq, nk, d):
    q = torch.randn(b, h, nq, d, generator=g)
    k = torch.randn(b, h, nk, d, generator=g)
    v = torch.randn(b, h, nk, d, generator=g)
    return q, k, v


def _get_rel_pos(q_size, k_size, rel_pos):
    # segment-anything image_encoder.get_rel_pos, for tables that already have 2*max(q,k)-1 rows
    q_coords = torch.arange(q_size)[:, None] * max(k_size / q_size, 1.0)
    k_coords = torch.arange(k_size)[None, :] * max(q_size / k_size, 1.0)
    relative_coords = (q_coords - k_coords) + (k_size - 1) * max(q_size / k_size, 1.0)
    return rel_pos[relative_coords.long()]


def generate(w):
    g = torch.Generator().manual_seed(20261127)

    # plain self-attention at the head dims the encoders use, odd lengths
    for name, (b, h, n, d) in {"self_d64": (1, 2, 37, 64), "self_d80": (2, 2, 65, 80), "self_d13": (1, 3, 7, 13)}.items():
        q, k, v = _qkv(g, b, h, n, n, d)
        scale = 1.0 / math.sqrt(d)
        w.save("ops/attention_" + name, {"q": q, "k": k, "v": v, "out": _reference(q, k, v, scale)},
               {"scale": repr(scale)})

    # cross-attention, Nq != Nk, d = 128, non-default scale
    q, k, v = _qkv(g, 2, 1, 5, 131, 128)
    w.save("ops/attention_cross", {"q": q, "k": k, "v": v, "out": _reference(q, k, v, 0.05)}, {"scale": "0.05"})

    # additive bias shared by the batch: [1, H, Nq, Nk]
    q, k, v = _qkv(g, 2, 3, 31, 40, 16)
    bias = torch.randn(1, 3, 31, 40, generator=g) * 2
    scale = 0.25
    w.save("ops/attention_bias", {"q": q, "k": k, "v": v, "bias": bias, "out": _reference(q, k, v, scale, bias)},
           {"scale": repr(scale)})

    # boolean mask [B, 1, Nq, Nk] stored as u8 (1 = attend); row 2 of batch 1 fully masked -> NaN
    q, k, v = _qkv(g, 2, 2, 9, 70, 32)
    mask = torch.rand(2, 1, 9, 70, generator=g) > 0.4
    mask[1, 0, 2, :] = False
    additive = torch.zeros(mask.shape, dtype=torch.float64).masked_fill(~mask, float("-inf"))
    scale = 1.0 / math.sqrt(32)
    out = _reference(q, k, v, scale, additive)
    assert torch.isnan(out[1, :, 2]).all() and not torch.isnan(out[0]).any()
    w.save("ops/attention_mask", {"q": q, "k": k, "v": v, "mask": mask.to(torch.uint8), "out": out},
           {"scale": repr(scale)})

    # SAM window attention with decomposed rel-pos on a 5x5 window (S = 5), d = 8, 2 heads:
    # attn = (q*scale) @ k^T + rel_h[..., :, None] + rel_w[..., None, :] as in add_decomposed_rel_pos
    b, h, s, d = 1, 2, 5, 8
    q, k, v = _qkv(g, b, h, s * s, s * s, d)
    rel_pos_h = torch.randn(2 * s - 1, d, generator=g)
    rel_pos_w = torch.randn(2 * s - 1, d, generator=g)
    Rh = _get_rel_pos(s, s, rel_pos_h)               # [qh, kh, d]
    Rw = _get_rel_pos(s, s, rel_pos_w)               # [qw, kw, d]
    r_q = q.reshape(b * h, s, s, d)                  # unscaled q on its grid
    rel_h = torch.einsum("bhwc,hkc->bhwk", r_q, Rh)  # [B*H, qh, qw, kh]
    rel_w = torch.einsum("bhwc,wkc->bhwk", r_q, Rw)  # [B*H, qh, qw, kw]
    scale = d ** -0.5
    attn = (q * scale) @ k.transpose(-2, -1)
    attn = attn.view(b * h, s, s, s, s) + rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]
    bias = (attn.view(b, h, s * s, s * s) - (q * scale) @ k.transpose(-2, -1))
    dense = (rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]).reshape(b, h, s * s, s * s)
    assert torch.allclose(bias, dense, atol=1e-5)
    out = _reference(q, k, v, scale, dense)
    assert torch.allclose(out, (attn.view(b, h, s * s, s * s).softmax(-1) @ v), atol=1e-5)
    w.save("ops/attention_sam_relpos",
           {"q": q, "k": k, "v": v, "rel_pos_h": rel_pos_h, "rel_pos_w": rel_pos_w,
            "rel_h": rel_h.reshape(b, h, s * s, s), "rel_w": rel_w.reshape(b, h, s * s, s), "out": out},
           {"scale": repr(scale), "kh": str(s), "kw": str(s)})
