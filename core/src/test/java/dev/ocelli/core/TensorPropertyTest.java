package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded property tests: random shapes and view chains checked against references computed
 * from indices alone (no strides), so a stride bug in the views or the copy loops cannot
 * cancel itself out.
 */
class TensorPropertyTest {

    static long[] seeds() {
        long[] s = new long[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0x0CE11L + i;
        }
        return s;
    }

    private static long[] randomShape(SplittableRandom r, int maxRank, int maxSize) {
        int rank = 1 + r.nextInt(maxRank);
        long[] s = new long[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + r.nextInt(maxSize);
        }
        return s;
    }

    private static float[] randomData(SplittableRandom r, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) r.nextDouble(-100, 100);
        }
        return d;
    }

    private static int[] randomPermutation(SplittableRandom r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Row-major flat index of {@code idx} in {@code shape}. */
    private static long flat(long[] idx, long[] shape) {
        long f = 0;
        for (int i = 0; i < shape.length; i++) {
            f = f * shape[i] + idx[i];
        }
        return f;
    }

    private static boolean next(long[] idx, long[] shape) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) {
                return true;
            }
            idx[d] = 0;
        }
        return false;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void permuteThenContiguousMatchesIndexReference(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // some seeds use large dims so the tiled transpose path is exercised as well
        long[] shape = seed % 4 == 0 ? randomShape(r, 3, 40) : randomShape(r, 5, 6);
        float[] data = randomData(r, (int) Shapes.numel(shape));
        int[] perm = randomPermutation(r, shape.length);
        Tensor p = Tensor.of(data, shape).permute(perm);
        long[] ps = p.shape();
        float[] got = p.contiguous().toFloatArray();
        float[] direct = p.toFloatArray();
        long[] idx = new long[ps.length];
        long[] src = new long[ps.length];
        int o = 0;
        do {
            for (int k = 0; k < perm.length; k++) {
                src[perm[k]] = idx[k];
            }
            float want = data[(int) flat(src, shape)];
            assertThat(got[o]).as("seed %d at %s", seed, Shapes.str(idx)).isEqualTo(want);
            assertThat(direct[o]).isEqualTo(want);
            o++;
        } while (next(idx, ps));
        assertThat(o).isEqualTo(data.length);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sliceNarrowChainsMatchIndexReference(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] shape = randomShape(r, 4, 7);
        float[] data = randomData(r, (int) Shapes.numel(shape));
        Tensor t = Tensor.of(data, shape);
        int d = r.nextInt(shape.length);
        long start = r.nextInt((int) shape[d]);
        long step = 1 + r.nextInt(3);
        Tensor s = t.slice(d, start, shape[d], step);
        int d2 = r.nextInt(shape.length);
        long len2 = s.size(d2);
        long st2 = len2 == 0 ? 0 : r.nextInt((int) len2);
        Tensor n = s.narrow(d2, st2, len2 - st2);
        float[] got = n.contiguous().toFloatArray();
        long[] ns = n.shape();
        if (Shapes.numel(ns) == 0) {
            assertThat(got).isEmpty();
            return;
        }
        long[] idx = new long[ns.length];
        int o = 0;
        do {
            long[] src = idx.clone();
            src[d2] += st2;
            src[d] = start + src[d] * step;
            assertThat(got[o++]).isEqualTo(data[(int) flat(src, shape)]);
        } while (next(idx, ns));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reshapeRoundTripsAndKeepsCOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] shape = randomShape(r, 4, 5);
        float[] data = randomData(r, (int) Shapes.numel(shape));
        Tensor t = Tensor.of(data, shape);
        // non-contiguous source sometimes: reshape must then copy, yet keep logical C order
        Tensor src = r.nextBoolean() && shape.length > 1 ? t.transpose(0, -1) : t;
        float[] logical = src.toFloatArray();
        long[] target = {-1};
        if (r.nextBoolean()) {
            long n = logical.length;
            long a = 1;
            for (long c = 1; c <= n; c++) {
                if (n % c == 0 && r.nextInt(3) == 0) {
                    a = c;
                }
            }
            target = new long[] {a, -1, 1};
        }
        Tensor re = src.reshape(target);
        assertThat(re.toFloatArray()).containsExactly(logical);
        Tensor back = re.reshape(src.shape());
        assertThat(back.shape()).containsExactly(src.shape());
        assertThat(back.toFloatArray()).containsExactly(logical);
        if (src.isContiguous()) {
            assertThat(re.storage()).isSameAs(t.storage());
        }
    }

    /**
     * Operand over {@code data} with logical shape {@code shape}; half the time it is a
     * stride-2 slice of a twice-as-wide buffer, so the general strided row loop runs too.
     */
    private static Tensor operand(SplittableRandom r, float[] data, long[] shape) {
        if (!r.nextBoolean() || shape.length == 0) {
            return Tensor.of(data, shape);
        }
        long[] wide = shape.clone();
        wide[wide.length - 1] *= 2;
        float[] buf = new float[data.length * 2];
        for (int i = 0; i < data.length; i++) {
            buf[2 * i] = data[i];
            buf[2 * i + 1] = Float.NaN; // must never be read
        }
        return Tensor.of(buf, wide).slice(-1, 0, wide[wide.length - 1], 2);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void broadcastMathMatchesIndexReference(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] out = randomShape(r, 4, 5);
        // derive two operand shapes: drop leading dims and set random dims to 1
        long[][] ops = new long[2][];
        for (int k = 0; k < 2; k++) {
            int drop = r.nextInt(out.length + 1);
            long[] s = java.util.Arrays.copyOfRange(out, drop, out.length);
            for (int i = 0; i < s.length; i++) {
                if (r.nextInt(3) == 0) {
                    s[i] = 1;
                }
            }
            ops[k] = s;
        }
        float[] a = randomData(r, (int) Shapes.numel(ops[0]));
        float[] b = randomData(r, (int) Shapes.numel(ops[1]));
        Tensor ta = operand(r, a, ops[0]);
        Tensor tb = operand(r, b, ops[1]);
        long[] rs = Shapes.broadcast(ops[0], ops[1]);
        for (int op = 0; op < 4; op++) {
            Tensor res = switch (op) {
                case 0 -> ta.add(tb);
                case 1 -> ta.sub(tb);
                case 2 -> ta.mul(tb);
                default -> ta.div(tb);
            };
            assertThat(res.shape()).containsExactly(rs);
            assertThat(res.isContiguous()).isTrue();
            float[] got = res.toFloatArray();
            long[] idx = new long[rs.length];
            int o = 0;
            do {
                float x = a[(int) flat(project(idx, ops[0]), ops[0])];
                float y = b[(int) flat(project(idx, ops[1]), ops[1])];
                float want = switch (op) {
                    case 0 -> x + y;
                    case 1 -> x - y;
                    case 2 -> x * y;
                    default -> x / y;
                };
                assertThat(got[o++]).as("op %d seed %d at %s", op, seed, Shapes.str(idx)).isEqualTo(want);
            } while (next(idx, rs));
        }
    }

    /** The operand index that a broadcast output index reads. */
    private static long[] project(long[] outIdx, long[] shape) {
        long[] p = new long[shape.length];
        int lead = outIdx.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            p[i] = shape[i] == 1 ? 0 : outIdx[lead + i];
        }
        return p;
    }
}
