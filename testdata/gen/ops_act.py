"""Reference data for dev.ocelli.kernels.act: activations, exp and erf (PyTorch 1.13, float32).

Each op is saved twice where it helps: PyTorch's float32 result (what users compare against)
and a float64 result rounded to float32 (the "exact" answer, to measure our own accuracy).
"""
import torch
import torch.nn.functional as F

GROUP = "ops_act"


def _inputs():
    g = torch.Generator().manual_seed(4)
    dense = torch.linspace(-12, 12, 2001, dtype=torch.float64)
    rnd = torch.randn(1000, generator=g, dtype=torch.float64) * 4
    specials = torch.tensor([float("inf"), float("-inf"), float("nan"), 0.0, -0.0, 1e-30, -1e-30,
                             1e-40, -1e-40, 100.0, -100.0, 30.0, -30.0, 88.0, 89.0, -87.0, -104.0],
                            dtype=torch.float64)
    return torch.cat([dense, rnd, specials]).to(torch.float32)


def generate(w):
    x = _inputs()
    x64 = x.to(torch.float64)
    t = {"input": x}
    t["gelu"] = F.gelu(x)
    # the exact value: x/2 * erfc(-x/sqrt2) in float64 (F.gelu in float64 computes 1 + erf(...),
    # which cancels to 0 below x = -8 and so is no reference for the negative tail)
    t["gelu_exact"] = (0.5 * x64 * torch.erfc(-x64 / 2 ** 0.5)).to(torch.float32)
    t["gelu_tanh"] = F.gelu(x, approximate="tanh")
    t["quick_gelu"] = x * torch.sigmoid(1.702 * x)
    t["silu"] = F.silu(x)
    t["sigmoid"] = torch.sigmoid(x)
    t["tanh"] = torch.tanh(x)
    t["erf"] = torch.erf(x)
    t["erf_f64"] = torch.erf(x64).to(torch.float32)
    t["exp"] = torch.exp(x)
    t["exp_f64"] = torch.exp(x64).to(torch.float32)
    w.save("ops/act/activations", t, {"note": "x = linspace(-12,12,2001) ++ 4*randn(1000) ++ specials"})
