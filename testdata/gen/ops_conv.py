"""Reference data for dev.ocelli.kernels.conv conv2d (every route of Conv2d), NCHW.

Each case is one F.conv2d call; the file holds input, weight, bias (if any) and output, and the
metadata gives stride, padding, dilation ("h,w") and groups. The names say the route they aim at:
pw_* 1x1 (GEMM on the image itself), patch_* kernel = stride (patch matrix), k*_ general k x k
(implicit im2col), dw_* depthwise through F.conv2d.
"""
import torch
import torch.nn.functional as F

GROUP = "ops_conv"

# name, N, C, H, W, OC, (kh, kw), stride, padding, dilation, groups, bias
CASES = [
    ("k3_p1_c5_13x11", 2, 5, 13, 11, 7, (3, 3), (1, 1), (1, 1), (1, 1), 1, True),
    ("k3_p1_c32_17x19", 1, 32, 17, 19, 40, (3, 3), (1, 1), (1, 1), (1, 1), 1, True),   # K = 288 > one KC block
    ("k3_p1_c64_12x12_nobias", 1, 64, 12, 12, 20, (3, 3), (1, 1), (1, 1), (1, 1), 1, False),
    ("k3x5_s2x1_p1x2", 1, 6, 11, 14, 9, (3, 5), (2, 1), (1, 2), (1, 1), 1, True),
    ("k3_d2_p2", 1, 4, 13, 10, 6, (3, 3), (1, 1), (2, 2), (2, 2), 1, True),
    ("k3_s2_p1_g2", 2, 6, 9, 12, 4, (3, 3), (2, 2), (1, 1), (1, 1), 2, True),
    ("k5_s3_p0_d1x2", 1, 3, 17, 19, 5, (5, 5), (3, 3), (0, 0), (1, 2), 1, True),
    ("k2_s1_p0", 1, 5, 6, 9, 3, (2, 2), (1, 1), (0, 0), (1, 1), 1, False),
    ("pw_c16_9x7", 2, 16, 9, 7, 24, (1, 1), (1, 1), (0, 0), (1, 1), 1, True),
    ("pw_g4_c16", 1, 16, 5, 6, 8, (1, 1), (1, 1), (0, 0), (1, 1), 4, True),
    ("pw_s2", 1, 8, 9, 11, 6, (1, 1), (2, 2), (0, 0), (1, 1), 1, True),
    ("pw_p1", 1, 4, 5, 5, 3, (1, 1), (1, 1), (1, 1), (1, 1), 1, True),
    ("patch_14", 1, 3, 28, 42, 8, (14, 14), (14, 14), (0, 0), (1, 1), 1, True),
    ("patch_16_ragged", 2, 3, 35, 50, 6, (16, 16), (16, 16), (0, 0), (1, 1), 1, True),  # 35, 50 not multiples: PyTorch drops the rest
    ("patch_4", 1, 5, 12, 16, 9, (4, 4), (4, 4), (0, 0), (1, 1), 1, True),
    ("patch_2", 1, 8, 10, 14, 12, (2, 2), (2, 2), (0, 0), (1, 1), 1, False),
    ("patch_2_g2", 1, 8, 10, 14, 12, (2, 2), (2, 2), (0, 0), (1, 1), 2, True),
    ("dw_k7_p3_c24", 1, 24, 15, 13, 24, (7, 7), (1, 1), (3, 3), (1, 1), 24, True),
    ("dw_mult2_k5_p2", 1, 4, 7, 6, 8, (5, 5), (1, 1), (2, 2), (1, 1), 4, True),
]


def generate(w):
    g = torch.Generator().manual_seed(45454)
    for name, n, c, h, wd, oc, k, s, p, d, groups, has_bias in CASES:
        x = torch.randn(n, c, h, wd, generator=g)
        fan_in = c // groups * k[0] * k[1]
        weight = torch.randn(oc, c // groups, k[0], k[1], generator=g) / fan_in ** 0.5
        bias = torch.randn(oc, generator=g) if has_bias else None
        y = F.conv2d(x, weight, bias, stride=s, padding=p, dilation=d, groups=groups)
        t = {"input": x, "weight": weight, "output": y}
        if has_bias:
            t["bias"] = bias
        w.save("ops/conv/conv_" + name, t, {
            "stride": "%d,%d" % s, "padding": "%d,%d" % p, "dilation": "%d,%d" % d, "groups": str(groups)})
