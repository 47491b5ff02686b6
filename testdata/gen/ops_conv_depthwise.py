"""Reference data for dev.ocelli.kernels.conv depthwise conv2d (groups = C), NCHW."""
import torch
import torch.nn.functional as F

GROUP = "ops_conv_depthwise"

# name, N, C, H, W, (kh, kw), stride, padding, dilation, bias
CASES = [
    ("k7_p3_c19", 2, 19, 13, 17, (7, 7), (1, 1), (3, 3), (1, 1), True),   # ConvNeXt / MR-Adapter
    ("k3_s2_p1_c8", 1, 8, 11, 9, (3, 3), (2, 2), (1, 1), (1, 1), True),
    ("k5_d2_p4_c5", 1, 5, 12, 15, (5, 5), (1, 1), (4, 4), (2, 2), False),
    ("k3x5_s2x1_p0x2_c33", 2, 33, 10, 14, (3, 5), (2, 1), (0, 2), (1, 1), True),
    ("k7_p3_c48_16x16", 1, 48, 16, 16, (7, 7), (1, 1), (3, 3), (1, 1), True),
    ("k2_s2_p0_c7_d3x1", 1, 7, 9, 11, (2, 2), (2, 2), (0, 0), (3, 1), True),
]


def generate(w):
    g = torch.Generator().manual_seed(44444)
    for name, n, c, h, wd, k, s, p, d, has_bias in CASES:
        x = torch.randn(n, c, h, wd, generator=g)
        weight = torch.randn(c, 1, k[0], k[1], generator=g) * 0.2
        bias = torch.randn(c, generator=g) if has_bias else None
        y = F.conv2d(x, weight, bias, stride=s, padding=p, dilation=d, groups=c)
        t = {"input": x, "weight": weight, "output": y}
        if has_bias:
            t["bias"] = bias
        w.save("ops/conv/dw_" + name, t, {
            "stride": "%d,%d" % s, "padding": "%d,%d" % p, "dilation": "%d,%d" % d})
