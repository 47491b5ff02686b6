package dev.ocelli.kernels;

import dev.ocelli.core.DType;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.act.Activations;
import dev.ocelli.kernels.act.ParallelActivations;
import dev.ocelli.kernels.act.ScalarActivations;
import dev.ocelli.kernels.act.VectorActivations;
import dev.ocelli.kernels.attention.Attention;
import dev.ocelli.kernels.attention.AttentionBias;
import dev.ocelli.kernels.attention.AttentionDims;
import dev.ocelli.kernels.attention.FlashAttention;
import dev.ocelli.kernels.attention.HeadView;
import dev.ocelli.kernels.attention.ScalarAttention;
import dev.ocelli.kernels.conv.Conv2d;
import dev.ocelli.kernels.conv.ConvShape;
import dev.ocelli.kernels.gemm.Activation;
import dev.ocelli.kernels.gemm.Epilogue;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.norm.Norms;
import dev.ocelli.kernels.norm.ParallelNorms;
import dev.ocelli.kernels.norm.ScalarNorms;
import dev.ocelli.kernels.norm.VectorNorms;
import dev.ocelli.kernels.resample.Interp;
import dev.ocelli.kernels.resample.Resample;
import dev.ocelli.kernels.resample.ScalarResample;
import dev.ocelli.kernels.resample.VectorResample;
import dev.ocelli.kernels.shuffle.PixelShuffle;
import java.util.Arrays;
import java.util.Locale;

/**
 * The tensor-level functional API, {@code torch.nn.functional} by name and semantics. Encoders and
 * fusion operators call only this (plus raw kernels for special cases).
 *
 * <ul>
 *   <li>Inputs are F32 tensors of any layout, on the heap or memory-mapped. They are read in place
 *       when the kernel can take their strides (GEMM operands take any strides, attention any
 *       head/row strides with a contiguous last dim) and made contiguous otherwise. Other dtypes
 *       (F16, BF16) are converted to F32 first.</li>
 *   <li>Outputs are new contiguous heap F32 tensors.</li>
 *   <li>Weights stay where they are: a mapped F32 weight becomes a segment {@link Operand} that the
 *       GEMM's packing reads directly.</li>
 *   <li>Kernels: the configured GEMM ({@link Gemms#get()}), and for the other families the Vector
 *       API versions at the preferred width, or their scalar twins when the Vector API is off
 *       ({@link KernelInfo#vectorUnavailableReason()}). Activations, LayerNorm(2d) and softmax of
 *       32K elements or more run on the engine's {@link dev.ocelli.kernels.parallel.WorkerPool}
 *       ({@link ParallelActivations}, {@link ParallelNorms}), bitwise as on one thread.</li>
 *   <li>Shape errors throw {@link ShapeException} naming the op and the shapes.</li>
 * </ul>
 */
public final class F {
    private F() {}

    // ---------------------------------------------------------------- linear algebra

    /** {@code F.linear(x, w, b)}: x [..., in], w [out, in], b [out] or null → [..., out]. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return linear(x, w, b, Activation.NONE, null);
    }

    /**
     * {@code act(F.linear(x, w, b)) + residual} in one pass: the activation and the residual add
     * run in the GEMM epilogue while the output tile is in cache. residual has the output's shape
     * (or is null); act is a {@link Activation} (NONE, GELU_ERF, GELU_TANH, QUICK_GELU).
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b, Activation act, Tensor residual) {
        if (w.rank() != 2) {
            throw new ShapeException("linear: weight must be [out, in], got " + Shapes.str(w.shape()));
        }
        if (x.rank() < 1 || x.size(-1) != w.size(1)) {
            throw new ShapeException("linear: input " + Shapes.str(x.shape()) + " does not end in in_features "
                    + w.size(1) + " of weight " + Shapes.str(w.shape()));
        }
        int in = (int) w.size(1), outF = toInt("linear", w.size(0));
        if (b != null && (b.rank() != 1 || b.size(0) != outF)) {
            throw new ShapeException("linear: bias " + Shapes.str(b.shape()) + " does not match out_features " + outF
                    + " of weight " + Shapes.str(w.shape()));
        }
        long[] outShape = x.shape();
        outShape[outShape.length - 1] = outF;
        if (residual != null && !Arrays.equals(residual.shape(), outShape)) {
            throw new ShapeException("linear: residual " + Shapes.str(residual.shape()) + " does not match output "
                    + Shapes.str(outShape));
        }
        int rows = toInt("linear", x.numel() / Math.max(1, in));
        if (in == 0) {
            rows = toInt("linear", Shapes.numel(outShape) / Math.max(1, outF));
        }
        float[] y = new float[toInt("linear", Shapes.numel(outShape))];
        Epilogue ep = b == null ? Epilogue.of(act) : Epilogue.bias(floats(b), 0).activation(act);
        if (residual != null) {
            ep = ep.residual(floats(residual), 0, outF);
        }
        if (rows > 0 && outF > 0) {
            Gemms.get().gemm(y, 0, outF, rowsOperand(x), operand(w).t(), rows, outF, in, false, ep);
        }
        return Tensor.of(y, outShape);
    }

    /**
     * {@code torch.matmul(a, b)}: 1-D·1-D (dot), 2-D·2-D, and batched with broadcast batch dims;
     * a 1-D operand is treated as a row (a) or column (b) vector and its dim dropped, as PyTorch does.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new ShapeException("matmul: both operands need at least 1 dim, got " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()));
        }
        boolean aVec = a.rank() == 1, bVec = b.rank() == 1;
        Tensor a2 = aVec ? a.unsqueeze(0) : a;
        Tensor b2 = bVec ? b.unsqueeze(1) : b;
        long m = a2.size(-2), k = a2.size(-1), k2 = b2.size(-2), n = b2.size(-1);
        if (k != k2) {
            throw new ShapeException("matmul: " + Shapes.str(a.shape()) + " @ " + Shapes.str(b.shape())
                    + ": inner dims " + k + " and " + k2 + " differ");
        }
        long[] aBatch = Arrays.copyOf(a2.shape(), a2.rank() - 2);
        long[] bBatch = Arrays.copyOf(b2.shape(), b2.rank() - 2);
        long[] batch;
        try {
            batch = Shapes.broadcast(aBatch, bBatch);
        } catch (RuntimeException e) {
            throw new ShapeException("matmul: batch dims of " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + " do not broadcast");
        }
        Tensor ae = a2.expand(concat(batch, m, k));
        Tensor be = b2.expand(concat(batch, k, n));
        int bt = toInt("matmul", Shapes.numel(batch));
        int mi = toInt("matmul", m), ni = toInt("matmul", n), ki = toInt("matmul", k);
        float[] c = new float[toInt("matmul", (long) bt * mi * ni)];
        Operand ao = matrixOperand(ae), bo = matrixOperand(be);
        long[] aStr = ae.strides(), bStr = be.strides();
        Gemm g = Gemms.get();
        long[] idx = new long[batch.length];
        if (mi > 0 && ni > 0) {
            for (int t = 0; t < bt; t++) {
                long aShift = 0, bShift = 0;
                for (int d = 0; d < batch.length; d++) {
                    aShift += idx[d] * aStr[d];
                    bShift += idx[d] * bStr[d];
                }
                g.gemm(c, t * mi * ni, ni, ao.shift(aShift), bo.shift(bShift), mi, ni, ki, false, Epilogue.NONE);
                for (int d = batch.length - 1; d >= 0; d--) { // odometer over the batch index
                    if (++idx[d] < batch[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        }
        long[] outShape = concat(batch, m, n);
        Tensor out = Tensor.of(c, outShape);
        if (bVec) {
            out = out.squeeze(out.rank() - 1);
        }
        if (aVec) {
            out = out.squeeze(out.rank() - (bVec ? 1 : 2));
        }
        return out;
    }

    // ---------------------------------------------------------------- convolution

    /**
     * {@code F.conv2d(x, w, b, stride=(sH,sW), padding=(pH,pW), dilation=(dH,dW), groups)}:
     * x [N, C, H, W] (or [C, H, W], unbatched), w [OC, C/groups, KH, KW], b [OC] or null.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int strideH, int strideW, int padH, int padW,
                                int dilH, int dilW, int groups) {
        if (x.rank() == 3) {
            return conv2d(x.unsqueeze(0), w, b, strideH, strideW, padH, padW, dilH, dilW, groups).squeeze(0);
        }
        if (x.rank() != 4 || w.rank() != 4) {
            throw new ShapeException("conv2d: input must be [N, C, H, W] and weight [OC, C/groups, KH, KW], got "
                    + Shapes.str(x.shape()) + " and " + Shapes.str(w.shape()));
        }
        long[] xs = x.shape(), ws = w.shape();
        if (groups <= 0 || xs[1] % groups != 0 || ws[0] % groups != 0 || ws[1] * groups != xs[1]) {
            throw new ShapeException("conv2d: input " + Shapes.str(xs) + " and weight " + Shapes.str(ws) + " with groups="
                    + groups + ": weight dim 1 times groups must equal the input channels, and groups must divide both");
        }
        if (b != null && (b.rank() != 1 || b.size(0) != ws[0])) {
            throw new ShapeException("conv2d: bias " + Shapes.str(b.shape()) + " does not match " + ws[0]
                    + " output channels of weight " + Shapes.str(ws));
        }
        ConvShape s;
        try {
            s = new ConvShape(toInt("conv2d", xs[0]), toInt("conv2d", xs[1]), toInt("conv2d", xs[2]),
                    toInt("conv2d", xs[3]), toInt("conv2d", ws[0]), toInt("conv2d", ws[2]), toInt("conv2d", ws[3]),
                    strideH, strideW, padH, padW, dilH, dilW, groups);
        } catch (IllegalArgumentException e) {
            throw new ShapeException(e.getMessage() + " (input " + Shapes.str(xs) + ", weight " + Shapes.str(ws) + ")");
        }
        long[] outShape = {s.n(), s.oc(), s.oh(), s.ow()};
        float[] y = new float[toInt("conv2d", Shapes.numel(outShape))];
        if (s.n() > 0) {
            Dense xd = dense(x);
            Operand wo = matrixOperand(w.contiguous().view(s.oc(), (long) s.cg() * s.kh() * s.kw()));
            Conv2d.conv2d(y, 0, xd.a, xd.off, wo, b == null ? null : floats(b), 0, s);
        }
        return Tensor.of(y, outShape);
    }

    /** {@code F.conv2d(x, w, b, stride, padding, dilation, groups)} with square parameters. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation, int groups) {
        return conv2d(x, w, b, stride, stride, padding, padding, dilation, dilation, groups);
    }

    // ---------------------------------------------------------------- norms

    /** {@code F.layer_norm(x, (D,), w, b, eps)} over the last dim D; w, b [D] or null. */
    public static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) {
        if (x.rank() < 1) {
            throw new ShapeException("layer_norm: input must have at least 1 dim, got " + Shapes.str(x.shape()));
        }
        int d = toInt("layer_norm", x.size(-1));
        checkParam("layer_norm", "weight", w, d, x);
        checkParam("layer_norm", "bias", b, d, x);
        int rows = d == 0 ? 0 : toInt("layer_norm", x.numel() / d);
        Dense xd = dense(x);
        float[] y = new float[toInt("layer_norm", x.numel())];
        if (rows > 0) {
            norms().layerNorm(y, 0, xd.a, xd.off, w == null ? null : floats(w), 0, b == null ? null : floats(b), 0,
                    rows, d, eps);
        }
        return Tensor.of(y, x.shape());
    }

    /** Channels-first LayerNorm (ConvNeXt, SAM's LayerNorm2d): x [N, C, H, W] normalized over C; w, b [C] or null. */
    public static Tensor layerNorm2d(Tensor x, Tensor w, Tensor b, float eps) {
        if (x.rank() != 4) {
            throw new ShapeException("layer_norm2d: input must be [N, C, H, W], got " + Shapes.str(x.shape()));
        }
        int c = toInt("layer_norm2d", x.size(1));
        checkParam("layer_norm2d", "weight", w, c, x);
        checkParam("layer_norm2d", "bias", b, c, x);
        Dense xd = dense(x);
        float[] y = new float[toInt("layer_norm2d", x.numel())];
        int n = (int) x.size(0), p = toInt("layer_norm2d", x.size(2) * x.size(3));
        if (x.numel() > 0) {
            norms().layerNorm2d(y, 0, xd.a, xd.off, w == null ? null : floats(w), 0, b == null ? null : floats(b), 0,
                    n, c, p, eps);
        }
        return Tensor.of(y, x.shape());
    }

    /** {@code torch.softmax(x, dim)}; negative dims count from the end. */
    public static Tensor softmax(Tensor x, int dim) {
        if (x.rank() == 0) {
            return Tensor.of(new float[] {Float.isNaN(x.get()) ? Float.NaN : 1f});
        }
        int r = x.rank();
        if (dim < -r || dim >= r) {
            throw new ShapeException("softmax: dim " + dim + " out of range for " + Shapes.str(x.shape()));
        }
        int d = dim < 0 ? dim + r : dim;
        long[] s = x.shape();
        long outer = 1, inner = 1;
        for (int i = 0; i < d; i++) {
            outer *= s[i];
        }
        for (int i = d + 1; i < r; i++) {
            inner *= s[i];
        }
        Dense xd = dense(x);
        float[] y = new float[toInt("softmax", x.numel())];
        if (x.numel() > 0) {
            norms().softmax(y, 0, xd.a, xd.off, toInt("softmax", outer), toInt("softmax", s[d]), toInt("softmax", inner));
        }
        return Tensor.of(y, s);
    }

    // ---------------------------------------------------------------- activations

    /** {@code F.gelu(x)} with the exact erf. */
    public static Tensor gelu(Tensor x) {
        return act(dev.ocelli.kernels.act.Activation.GELU, x);
    }

    /** {@code F.gelu(x, approximate='tanh')}. */
    public static Tensor geluTanh(Tensor x) {
        return act(dev.ocelli.kernels.act.Activation.GELU_TANH, x);
    }

    /** OpenAI CLIP's {@code x * torch.sigmoid(1.702 * x)}. */
    public static Tensor quickGelu(Tensor x) {
        return act(dev.ocelli.kernels.act.Activation.QUICK_GELU, x);
    }

    /** {@code F.silu(x)}. */
    public static Tensor silu(Tensor x) {
        return act(dev.ocelli.kernels.act.Activation.SILU, x);
    }

    /** {@code torch.sigmoid(x)}. */
    public static Tensor sigmoid(Tensor x) {
        return act(dev.ocelli.kernels.act.Activation.SIGMOID, x);
    }

    /** {@code torch.tanh(x)}. */
    public static Tensor tanh(Tensor x) {
        return act(dev.ocelli.kernels.act.Activation.TANH, x);
    }

    private static Tensor act(dev.ocelli.kernels.act.Activation f, Tensor x) {
        Dense xd = dense(x);
        int n = toInt(f.name().toLowerCase(Locale.ROOT), x.numel());
        float[] y = new float[n];
        activations().apply(f, y, 0, xd.a, xd.off, n);
        return Tensor.of(y, x.shape());
    }

    // ---------------------------------------------------------------- attention

    /**
     * {@code F.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=scale)}: q [B, H, Nq, d],
     * k and v [B, H, Nk, d], any strides (read in place when the last dim is contiguous, e.g. a
     * permuted [B, N, H, d] projection); bias is additive (a mask is a bias of 0 / -inf), any shape
     * that broadcasts to [B, H, Nq, Nk], or null; scale NaN means 1/sqrt(d). → [B, H, Nq, d].
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new ShapeException("scaled_dot_product_attention: q, k, v must be [B, H, N, d], got "
                    + Shapes.str(q.shape()) + ", " + Shapes.str(k.shape()) + ", " + Shapes.str(v.shape()));
        }
        long[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        if (qs[0] != ks[0] || qs[1] != ks[1] || qs[3] != ks[3] || !Arrays.equals(ks, vs)) {
            throw new ShapeException("scaled_dot_product_attention: q " + Shapes.str(qs) + ", k " + Shapes.str(ks)
                    + ", v " + Shapes.str(vs) + " must share B, H and d, and k, v must have the same shape");
        }
        String op = "scaled_dot_product_attention";
        int bsz = toInt(op, qs[0]), h = toInt(op, qs[1]), nq = toInt(op, qs[2]), nk = toInt(op, ks[2]),
                d = toInt(op, qs[3]);
        float[] out = new float[toInt(op, q.numel())];
        if (out.length == 0) {
            return Tensor.of(out, qs);
        }
        AttentionBias ab = null;
        if (bias != null) {
            long[] target = {qs[0], qs[1], qs[2], ks[2]};
            Tensor be = bias;
            while (be.rank() < 4) {
                be = be.unsqueeze(0);
            }
            try {
                if (be.rank() != 4) {
                    throw new IllegalArgumentException();
                }
                Shapes.broadcast(be.shape(), target);
                be = be.expand(target);
            } catch (RuntimeException e) {
                throw new ShapeException(op + ": bias " + Shapes.str(bias.shape()) + " does not broadcast to "
                        + Shapes.str(target));
            }
            ab = AttentionBias.dense(headView(be));
        }
        AttentionDims dims = new AttentionDims(bsz, h, nq, nk, d);
        float sc = Float.isNaN(scale) ? Attention.defaultScale(d) : scale;
        attention().forward(HeadView.contiguous(out, 0, h, nq, d), headView(q), headView(k), headView(v), ab, sc, dims);
        return Tensor.of(out, qs);
    }

    /** A HeadView over a 4-D F32 heap tensor with a contiguous (or size-1) last dim, else over a contiguous copy. */
    private static HeadView headView(Tensor t) {
        long[] st = t.strides(), sh = t.shape();
        float[] arr = t.dtype() == DType.F32 ? t.storage().floatArray() : null;
        boolean inPlace = arr != null && (st[3] == 1 || sh[3] == 1);
        for (int i = 0; i < 3 && inPlace; i++) {
            inPlace = st[i] >= 0 && (st[i] <= Integer.MAX_VALUE || sh[i] == 1);
        }
        if (inPlace) {
            return new HeadView(arr, (int) t.offset(), sh[0] == 1 ? 0 : (int) st[0], sh[1] == 1 ? 0 : (int) st[1],
                    sh[2] == 1 ? 0 : (int) st[2]);
        }
        Dense dd = dense(t);
        int n = (int) sh[2], x = (int) sh[3];
        return new HeadView(dd.a, dd.off, (int) (sh[1] * n * x), n * x, x);
    }

    // ---------------------------------------------------------------- resampling

    /**
     * {@code F.interpolate(x, size=(outH, outW), mode, align_corners, antialias)} on x [N, C, H, W]:
     * mode "nearest", "bilinear" or "bicubic"; antialias only with "bicubic" (PyTorch's
     * {@code _upsample_bicubic2d_aa}); alignCorners is ignored for "nearest", as PyTorch requires it unset.
     */
    public static Tensor interpolate(Tensor x, int outH, int outW, String mode, boolean alignCorners, boolean antialias) {
        if (x.rank() != 4) {
            throw new ShapeException("interpolate: input must be [N, C, H, W], got " + Shapes.str(x.shape()));
        }
        if (outH <= 0 || outW <= 0) {
            throw new ShapeException("interpolate: output size " + outH + "x" + outW + " must be positive (input "
                    + Shapes.str(x.shape()) + ")");
        }
        Interp m = switch (mode == null ? "" : mode.toLowerCase(Locale.ROOT)) {
            case "nearest" -> Interp.NEAREST;
            case "bilinear" -> Interp.BILINEAR;
            case "bicubic" -> antialias ? Interp.BICUBIC_AA : Interp.BICUBIC;
            default -> throw new IllegalArgumentException("interpolate: unsupported mode '" + mode
                    + "' (nearest, bilinear, bicubic)");
        };
        if (antialias && m != Interp.BICUBIC_AA) {
            throw new IllegalArgumentException("interpolate: antialias=True is supported for mode 'bicubic' only, got '"
                    + mode + "'");
        }
        long[] s = x.shape();
        int planes = toInt("interpolate", s[0] * s[1]);
        float[] y = new float[toInt("interpolate", (long) planes * outH * outW)];
        if (planes > 0) {
            Dense xd = dense(x);
            resample().interpolate(m, alignCorners && m != Interp.NEAREST, y, 0, xd.a, xd.off, planes,
                    toInt("interpolate", s[2]), toInt("interpolate", s[3]), outH, outW);
        }
        return Tensor.of(y, s[0], s[1], outH, outW);
    }

    /** {@code F.avg_pool2d(x, kernel, stride)} (no padding, ceil_mode=False) on x [N, C, H, W]. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride) {
        if (x.rank() != 4) {
            throw new ShapeException("avg_pool2d: input must be [N, C, H, W], got " + Shapes.str(x.shape()));
        }
        long[] s = x.shape();
        int h = toInt("avg_pool2d", s[2]), w = toInt("avg_pool2d", s[3]);
        int oh, ow;
        try {
            oh = Resample.poolOutSize(h, kernel, stride, 0);
            ow = Resample.poolOutSize(w, kernel, stride, 0);
        } catch (IllegalArgumentException e) {
            throw new ShapeException(e.getMessage() + " (input " + Shapes.str(s) + ")");
        }
        int planes = toInt("avg_pool2d", s[0] * s[1]);
        float[] y = new float[toInt("avg_pool2d", (long) planes * oh * ow)];
        if (planes > 0) {
            Dense xd = dense(x);
            resample().avgPool2d(y, 0, xd.a, xd.off, planes, h, w, kernel, kernel, stride, stride, 0, 0);
        }
        return Tensor.of(y, s[0], s[1], oh, ow);
    }

    /** {@code F.adaptive_avg_pool2d(x, (outH, outW))} on x [N, C, H, W]. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        if (x.rank() != 4) {
            throw new ShapeException("adaptive_avg_pool2d: input must be [N, C, H, W], got " + Shapes.str(x.shape()));
        }
        if (outH <= 0 || outW <= 0) {
            throw new ShapeException("adaptive_avg_pool2d: output size " + outH + "x" + outW + " must be positive (input "
                    + Shapes.str(x.shape()) + ")");
        }
        long[] s = x.shape();
        int planes = toInt("adaptive_avg_pool2d", s[0] * s[1]);
        float[] y = new float[toInt("adaptive_avg_pool2d", (long) planes * outH * outW)];
        if (planes > 0) {
            Dense xd = dense(x);
            resample().adaptiveAvgPool2d(y, 0, xd.a, xd.off, planes, toInt("adaptive_avg_pool2d", s[2]),
                    toInt("adaptive_avg_pool2d", s[3]), outH, outW);
        }
        return Tensor.of(y, s[0], s[1], outH, outW);
    }

    // ---------------------------------------------------------------- pixel (un)shuffle

    /** {@code F.pixel_unshuffle(x, r)}: [N, C, H, W] → [N, C·r², H/r, W/r]. */
    public static Tensor pixelUnshuffle(Tensor x, int r) {
        if (x.rank() != 4 || r <= 0 || x.size(2) % r != 0 || x.size(3) % r != 0) {
            throw new ShapeException("pixel_unshuffle: input " + Shapes.str(x.shape()) + " must be [N, C, H, W] with H and W"
                    + " divisible by r=" + r);
        }
        long[] s = x.shape();
        float[] y = new float[toInt("pixel_unshuffle", x.numel())];
        if (y.length > 0) {
            Dense xd = dense(x);
            PixelShuffle.pixelUnshuffle(y, 0, xd.a, xd.off, (int) s[0], (int) s[1], (int) s[2], (int) s[3], r);
        }
        return Tensor.of(y, s[0], s[1] * r * r, s[2] / r, s[3] / r);
    }

    /** {@code F.pixel_shuffle(x, r)}: [N, C·r², H, W] → [N, C, H·r, W·r]. */
    public static Tensor pixelShuffle(Tensor x, int r) {
        if (x.rank() != 4 || r <= 0 || x.size(1) % ((long) r * r) != 0) {
            throw new ShapeException("pixel_shuffle: input " + Shapes.str(x.shape()) + " must be [N, C·r², H, W] with r=" + r);
        }
        long[] s = x.shape();
        int c = (int) (s[1] / ((long) r * r));
        float[] y = new float[toInt("pixel_shuffle", x.numel())];
        if (y.length > 0) {
            Dense xd = dense(x);
            PixelShuffle.pixelShuffle(y, 0, xd.a, xd.off, (int) s[0], c, (int) s[2], (int) s[3], r);
        }
        return Tensor.of(y, s[0], c, s[2] * r, s[3] * r);
    }

    /**
     * InternVL's {@code pixel_shuffle(x, scale_factor)} on NHWC x [N, H, W, C] with
     * scale_factor = 1/r (0.5 in every InternVL release): version 2 gives [N, H·s, W·s, C/s²]
     * (offset-major channels), version 1 leaves the grid transposed, [N, W·s, H·s, C/s²].
     */
    public static Tensor internVlPixelShuffle(Tensor x, float scaleFactor, int version) {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("InternVL pixel_shuffle: version must be 1 or 2, got " + version);
        }
        int r = Math.round(1f / scaleFactor);
        if (!(scaleFactor > 0) || r < 1 || Math.abs(r * scaleFactor - 1f) > 1e-6f) {
            throw new IllegalArgumentException("InternVL pixel_shuffle: scale_factor must be 1/r for an integer r, got "
                    + scaleFactor);
        }
        if (x.rank() != 4 || x.size(1) % r != 0 || x.size(2) % r != 0) {
            throw new ShapeException("InternVL pixel_shuffle: input " + Shapes.str(x.shape())
                    + " must be [N, H, W, C] with H and W divisible by " + r);
        }
        long[] s = x.shape();
        float[] y = new float[toInt("InternVL pixel_shuffle", x.numel())];
        if (y.length > 0) {
            Dense xd = dense(x);
            PixelShuffle.internVlPixelShuffle(y, 0, xd.a, xd.off, (int) s[0], (int) s[1], (int) s[2], (int) s[3], r,
                    version == 2);
        }
        long c = s[3] * r * r;
        return version == 2 ? Tensor.of(y, s[0], s[1] / r, s[2] / r, c) : Tensor.of(y, s[0], s[2] / r, s[1] / r, c);
    }

    // ---------------------------------------------------------------- plumbing

    /** A contiguous F32 view: the tensor's own array when it already is one, else a converted copy. */
    private record Dense(float[] a, int off) {}

    private static Dense dense(Tensor t) {
        if (t.dtype() == DType.F32 && t.isContiguous() && t.storage().floatArray() != null
                && t.offset() <= Integer.MAX_VALUE) {
            return new Dense(t.storage().floatArray(), (int) t.offset());
        }
        return new Dense(t.toFloatArray(), 0);
    }

    /** The tensor's values as a fresh-or-shared contiguous float[] starting at 0 (for small params). */
    private static float[] floats(Tensor t) {
        Dense d = dense(t);
        if (d.off == 0 && d.a.length == t.numel()) {
            return d.a;
        }
        return Arrays.copyOfRange(d.a, d.off, d.off + (int) t.numel());
    }

    /**
     * The last two dims of a tensor as a GEMM operand, in place for heap or mapped F32 storage
     * (any strides); batch dims are stepped by the caller with {@link Operand#shift}.
     */
    private static Operand matrixOperand(Tensor t) {
        long[] st = t.strides();
        int r = t.rank();
        if (t.dtype() != DType.F32) { // F16/BF16: converted per call (a loader should convert once instead)
            Tensor f = t.to(DType.F32);
            return Operand.strided(f.storage().floatArray(), f.offset(), f.strides()[r - 2], f.strides()[r - 1]);
        }
        float[] arr = t.storage().floatArray();
        return arr != null ? Operand.strided(arr, t.offset(), st[r - 2], st[r - 1])
                : Operand.strided(t.storage().segment(), t.offset(), st[r - 2], st[r - 1]);
    }

    private static Operand operand(Tensor t) {
        return matrixOperand(t);
    }

    /** x [..., in] as a [rows, in] operand: in place when the leading dims collapse into one row stride. */
    private static Operand rowsOperand(Tensor x) {
        int r = x.rank();
        long[] sh = x.shape(), st = x.strides();
        long rowStride = -1, expect = -1;
        for (int i = r - 2; i >= 0; i--) {
            if (sh[i] == 1) {
                continue;
            }
            if (rowStride < 0) {
                rowStride = st[i];
            } else if (st[i] != expect) {
                rowStride = Long.MIN_VALUE; // e.g. a permuted [B, N, in] view: rows do not lie on one stride
                break;
            }
            expect = st[i] * sh[i];
        }
        if (rowStride == Long.MIN_VALUE || x.dtype() != DType.F32) {
            Tensor c = x.to(DType.F32).contiguous();
            return Operand.rowMajor(c.storage().floatArray(), (int) c.offset(), (int) sh[r - 1]);
        }
        if (rowStride < 0) { // a single row
            rowStride = sh[r - 1];
        }
        float[] arr = x.storage().floatArray();
        return arr != null ? Operand.strided(arr, x.offset(), rowStride, st[r - 1])
                : Operand.strided(x.storage().segment(), x.offset(), rowStride, st[r - 1]);
    }

    private static long[] concat(long[] head, long... tail) {
        long[] r = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }

    private static void checkParam(String op, String what, Tensor p, int size, Tensor x) {
        if (p != null && (p.rank() != 1 || p.size(0) != size)) {
            throw new ShapeException(op + ": " + what + " " + Shapes.str(p.shape()) + " must be [" + size + "] for input "
                    + Shapes.str(x.shape()));
        }
    }

    private static int toInt(String op, long v) {
        if (v > Integer.MAX_VALUE - 8) {
            throw new ShapeException(op + ": " + v + " elements exceed the 2^31 limit of a float[]");
        }
        return (int) v;
    }

    // ---------------------------------------------------------------- kernel choice

    private static Activations activations() {
        return Impl.ACT;
    }

    private static Norms norms() {
        return Impl.NORMS;
    }

    private static Resample resample() {
        return Impl.RESAMPLE;
    }

    private static Attention attention() {
        return KernelInfo.vectorAvailable() ? VectorImpl.flash() : Impl.SCALAR_ATTENTION;
    }

    /** Chosen once: the Vector API versions at the preferred width, or the scalar twins. */
    private static final class Impl {
        static final Activations ACT;
        static final Norms NORMS;
        static final Resample RESAMPLE;
        static final Attention SCALAR_ATTENTION = new ScalarAttention();

        static {
            // activations and norms are memory-bound: large calls split over the engine pool
            if (KernelInfo.vectorAvailable()) {
                ACT = ParallelActivations.of(VectorImpl.act());
                NORMS = ParallelNorms.of(VectorImpl.norms());
                RESAMPLE = VectorImpl.resample();
            } else {
                ACT = ParallelActivations.of(ScalarActivations.INSTANCE);
                NORMS = ParallelNorms.of(ScalarNorms.INSTANCE);
                RESAMPLE = ScalarResample.INSTANCE;
            }
        }
    }

    /** Keeps Vector API classes out of F's own linkage, so F loads without the incubator module. */
    private static final class VectorImpl {
        static Activations act() {
            return VectorActivations.preferred();
        }

        static Norms norms() {
            return VectorNorms.forBits(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        }

        static Resample resample() {
            return VectorResample.preferred();
        }

        static Attention flash() {
            return FlashAttention.create();
        }
    }
}
