"""Fits the polynomial coefficients used by dev.ocelli.kernels.act.ScalarMath / VectorMath.

Run with /usr/bin/python3 (needs numpy and mpmath). Weighted least squares on a dense grid,
then a few Lawson iterations (re-weighting by the error) to approach the minimax fit, then
rounding to float32 and measuring the error of the float32 evaluation (Horner with FMA
emulated in double, which is what the Java code computes up to the last rounding).

Each fit prints the coefficients (highest degree first, as Java Horner code uses them) and
the max relative error of the approximated function in double.
"""
import mpmath
import numpy as np

mpmath.mp.dps = 40


def lawson(xs, fx, basis, weight, iters=30, highest_first=False):
    """min_c max_i |weight_i * (sum_j c_j basis_j(x_i) - f_i)|, coefficients rounded to float32.

    Coefficients are frozen one at a time: each is rounded to float32 and the remaining ones are
    refitted to absorb that rounding (otherwise rounding the leading coefficient alone costs up to
    2^-24 relative error). The order is from the lowest power up unless highest_first, which
    measured better for GELU's erfcx (its float evaluation, not the fit, sets the error there).
    """
    order = list(range(len(basis)))
    if highest_first:
        order.reverse()
    fixed = {}
    for j in order:
        rest = [i for i in order if i not in fixed]
        resid = fx - sum(fv * basis[i](xs) for i, fv in fixed.items())
        c = _lawson(xs, resid, [basis[i] for i in rest], weight, iters)
        fixed[j] = float(np.float32(c[0]))
    return np.array([fixed[i] for i in range(len(basis))])


def _lawson(xs, fx, basis, weight, iters):
    A = np.stack([b(xs) for b in basis], axis=1) * weight[:, None]
    y = fx * weight
    lw = np.ones_like(xs) / len(xs)
    c = None
    for _ in range(iters):
        sw = np.sqrt(lw)
        c, *_ = np.linalg.lstsq(A * sw[:, None], y * sw, rcond=None)
        err = np.abs(A @ c - y)
        lw = lw * err
        lw /= lw.sum()
    return c


def f32(a):
    return np.float32(a)


def cheb_grid(a, b, n):
    k = np.arange(n)
    return (a + b) / 2 + (b - a) / 2 * np.cos(np.pi * (k + 0.5) / n)


def fit_exp():
    # exp(r) = 1 + r + r^2 * P(r) on |r| <= ln2/2, P degree 5
    a = float(np.log(2) / 2) + 1e-3
    r = cheb_grid(-a, a, 4000)
    f = np.array([float((mpmath.exp(x) - 1 - x) / (x * x)) if x != 0 else 0.5 for x in r])
    basis = [lambda x, k=k: x ** k for k in range(6)]
    w = r * r / np.exp(r)  # relative error of exp
    c = lawson(r, f, basis, w)
    return c[::-1]


def fit_erf_small():
    # erf(x) = x + x * P(x^2) on [0, 1]: the leading 1 stays exact, which a float32
    # 2/sqrt(pi) could not (its rounding alone is 5e-8 relative)
    x = cheb_grid(0, 1, 4000)
    s = x * x
    f = np.array([float(mpmath.erf(v) / v - 1) for v in x])
    deg = 7
    basis = [lambda z, k=k: z ** k for k in range(deg + 1)]
    w = x / np.array([float(mpmath.erf(v)) for v in x])
    c = lawson(s, f, basis, w)
    return c[::-1]


ERFC_CENTER = 0.58


def fit_erfc():
    # erfc(z) = u * exp(-z^2 + G(u)), u = 2/(2+z), z in [0, 10.5] (GELU uses erfc for every
    # element, so the fit starts at 0); G polynomial in w = u - 0.58, the middle of u's range
    # [0.16, 1], which keeps the coefficients and Horner's partial sums below 1.4 (in powers of u
    # they reach 4 and cancel to G(1) = 0, ~3e-7 of float rounding near z = 0)
    u = cheb_grid(2 / 12.5, 1.0, 4000)
    z = 2 / u - 2
    g = np.array([float(mpmath.log(mpmath.erfc(zz) / uu) + zz * zz) for zz, uu in zip(z, u)])
    deg = 10
    basis = [lambda t, k=k: t ** k for k in range(deg + 1)]
    c = lawson(u - ERFC_CENTER, g, basis, np.ones_like(u))
    return c[::-1]


def fit_tanh_small():
    # tanh(x) = x + x^3 * P(x^2) on [0, 0.625]
    x = cheb_grid(1e-4, 0.625, 4000)
    s = x * x
    f = np.array([float((mpmath.tanh(v) - v) / v ** 3) for v in x])
    basis = [lambda z, k=k: z ** k for k in range(6)]
    w = x ** 3 / np.array([float(mpmath.tanh(v)) for v in x])
    c = lawson(s, f, basis, w)
    return c[::-1]


def show(name, c):
    print(name)
    for v in c:
        print("    %.9ef  // %r" % (f32(v), float(v)))


if __name__ == "__main__":
    show("exp P(r), r^5..r^0", fit_exp())
    show("erf small P(x^2), erf = x + x*P", fit_erf_small())
    show("erfc G(u)", fit_erfc())
    show("tanh small P(x^2)", fit_tanh_small())


# GELU: erfc(z) = erfcx(z) * e^(-z^2) with erfcx(z) = erfc(z) e^(z^2) a polynomial in
# w = u - ERFCX_CENTER, u = 2/(2+z), over z in [0, 15/sqrt 2] (GELU clamps |x| at 15). erfcx
# falls from 1 to 0.053 over that range, so the fit is relative; the centre sits near the small
# end, where the float evaluation would otherwise lose most relative precision.
#
# e^(-z^2) = 2^k * T[j] * e^r with T[j] = s * 2^(j/16) from a 16-entry table: the common scale s
# is the float in [1, 2) that makes the 16 rounded entries closest to exact (max relative error
# 1.55e-8 instead of 4.7e-8 for s = 1); the polynomial fits erfcx/s so the product is unchanged.
ERFCX_CENTER = float(np.float32(0.2086))


def exp2_table_scale():
    """The float s in [1, 2) minimising max_j |fl(s 2^(j/16)) / (s 2^(j/16)) - 1| (all 2^23 tried)."""
    t = np.array([float(mpmath.power(2, mpmath.mpf(j) / 16)) for j in range(16)])
    cands = np.arange(0x3F800000, 0x40000000, dtype=np.uint32).view(np.float32).astype(np.float64)
    best = (1.0, 1.0)
    for chunk in np.array_split(cands, 1000):
        v = t[None, :] * chunk[:, None]
        err = np.abs(v.astype(np.float32).astype(np.float64) / v - 1).max(axis=1)
        i = int(err.argmin())
        if err[i] < best[0]:
            best = (float(err[i]), float(chunk[i]))
    return best[1], best[0]


def exp2_16ths_bits(s):
    """float32(s 2^(j/16)) for j = 0..15, as raw bits (the table GELU's exp reads)."""
    return [int(np.float32(mpmath.mpf(s) * mpmath.power(2, mpmath.mpf(j) / 16)).view(np.uint32)) for j in range(16)]


def fit_erfcx(s):
    zmax = 15 / np.sqrt(2)
    u = cheb_grid(2 / (2 + zmax), 1.0, 4000)
    z = 2 / u - 2
    f = np.array([float(mpmath.erfc(zz) * mpmath.exp(zz * zz) / s) for zz in z])
    basis = [lambda t, k=k: t ** k for k in range(11)]
    c = lawson(u - ERFCX_CENTER, f, basis, 1 / f, iters=200, highest_first=True)
    return c[::-1]


def fit_exp16():
    # e^r = 1 + r + r^2 (P0 + P1 r) on |r| <= ln2/32 (GELU's exp after the table reduction)
    a = float(np.log(2) / 32) * 1.01
    r = cheb_grid(-a, a, 4000)
    f = np.array([float((mpmath.exp(x) - 1 - x) / (x * x)) for x in r])
    basis = [lambda x, k=k: x ** k for k in range(2)]
    c = lawson(r, f, basis, r * r / np.exp(r), iters=100)
    return c[::-1]


if __name__ == "__main__":
    s, s_err = exp2_table_scale()
    print("2^(j/16) table scale s = %r (bits 0x%08x), max entry error %.3e" % (s, np.float32(s).view(np.uint32), s_err))
    print("table bits:", ", ".join("0x%08x" % b for b in exp2_16ths_bits(s)))
    show("GELU erfcx(u)/s, powers of w = u - %r, w^10..w^0" % ERFCX_CENTER, fit_erfcx(s))
    show("GELU exp16 P(r), r^1..r^0", fit_exp16())

def horner(c, x):
    acc = np.zeros_like(x)
    for v in c:
        acc = acc * x + float(f32(v))
    return acc


def report():
    """Max relative error of each approximation with float32-rounded coefficients (in double)."""
    c = fit_exp()
    r = np.linspace(-0.3466, 0.3466, 20001)
    ref = np.array([float(mpmath.exp(v)) for v in r])
    print("exp      max rel err %.3e" % np.max(np.abs((1 + r + r * r * horner(c, r)) / ref - 1)))
    c = fit_erf_small()
    x = np.linspace(1e-6, 1, 20001)
    ref = np.array([float(mpmath.erf(v)) for v in x])
    print("erf<1    max rel err %.3e" % np.max(np.abs((x + x * horner(c, x * x)) / ref - 1)))
    c = fit_erfc()
    z = np.linspace(0, 10.5, 20001)
    u = 2 / (2 + z)
    ref = np.array([float(mpmath.erfc(v)) for v in z])
    print("erfc     max rel err %.3e" % np.max(np.abs(u * np.exp(-z * z + horner(c, u - ERFC_CENTER)) / ref - 1)))
    c = fit_tanh_small()
    x = np.linspace(1e-4, 0.625, 20001)
    ref = np.array([float(mpmath.tanh(v)) for v in x])
    print("tanh<.625 max rel err %.3e" % np.max(np.abs((x + x ** 3 * horner(c, x * x)) / ref - 1)))
    s, _ = exp2_table_scale()
    c = fit_erfcx(s)
    z = np.linspace(0, 15 / np.sqrt(2), 20001)
    ref = np.array([float(mpmath.erfc(v) * mpmath.exp(v * v) / s) for v in z])
    print("erfcx/s  max rel err %.3e" % np.max(np.abs(horner(c, 2 / (2 + z) - ERFCX_CENTER) / ref - 1)))
    c = fit_exp16()
    r = np.linspace(-np.log(2) / 32, np.log(2) / 32, 20001)
    print("exp16    max rel err %.3e" % np.max(np.abs((1 + r + r * r * horner(c, r)) / np.exp(r) - 1)))


if __name__ == "__main__":
    report()
