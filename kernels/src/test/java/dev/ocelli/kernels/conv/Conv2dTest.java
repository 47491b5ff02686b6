package dev.ocelli.kernels.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.kernels.conv.Conv2d.Route;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.gemm.ScalarGemm;
import dev.ocelli.kernels.gemm.VectorGemm;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every route of {@link Conv2d} against PyTorch (testdata/gen/ops_conv.py) and against
 * {@link ScalarConv2d}, on the vector GEMM at each width (small blocks so that K, M and N each
 * span several blocks, and 1 and 2 threads) and on the scalar GEMM.
 */
class Conv2dTest {

    static final String[] CASES = {"k3_p1_c5_13x11", "k3_p1_c32_17x19", "k3_p1_c64_12x12_nobias", "k3x5_s2x1_p1x2",
        "k3_d2_p2", "k3_s2_p1_g2", "k5_s3_p0_d1x2", "k2_s1_p0", "pw_c16_9x7", "pw_g4_c16", "pw_s2", "pw_p1", "patch_14",
        "patch_16_ragged", "patch_4", "patch_2", "patch_2_g2", "dw_k7_p3_c24", "dw_mult2_k5_p2"};

    static List<Gemm> gemms() {
        return List.of(new VectorGemm(512, 2), new VectorGemm(256, 1, 24, 40, 64), new VectorGemm(128, 2, 8, 33, 20),
                new ScalarGemm());
    }

    /** Routes that can compute the case: its own one, plus the general ones (implicit, im2col) always. */
    static List<Route> routesFor(ConvShape s) {
        List<Route> r = new ArrayList<>(List.of(Route.IMPLICIT, Route.IMPLICIT_B, Route.IM2COL));
        Route own = Conv2d.route(s, new VectorGemm(512, 1));
        if (!r.contains(own)) {
            r.add(own);
        }
        return r;
    }

    static ConvShape shape(ReferenceCase c) {
        long[] x = c.tensor("input").shape(), w = c.tensor("weight").shape();
        int[] s = pair(c.meta("stride")), p = pair(c.meta("padding")), d = pair(c.meta("dilation"));
        return new ConvShape((int) x[0], (int) x[1], (int) x[2], (int) x[3], (int) w[0], (int) w[2], (int) w[3],
                s[0], s[1], p[0], p[1], d[0], d[1], Integer.parseInt(c.meta("groups")));
    }

    static float[] run(ConvShape s, float[] x, Operand w, float[] b, Gemm g, Route r) {
        float[] y = new float[s.n() * s.oc() * s.oh() * s.ow()];
        Conv2d.conv2d(y, 0, x, 0, w, b, 0, s, g, r);
        return y;
    }

    @Test
    void scalarReferenceMatchesPyTorch() {
        for (String name : CASES) {
            try (ReferenceCase c = ReferenceData.load("ops/conv/conv_" + name)) {
                ConvShape s = shape(c);
                float[] y = new float[s.n() * s.oc() * s.oh() * s.ow()];
                ScalarConv2d.conv2d(y, 0, c.floats("input"), 0, c.floats("weight"), 0, c.has("bias") ? c.floats("bias") : null,
                        0, s.n(), s.c(), s.h(), s.w(), s.oc(), s.kh(), s.kw(), s.sh(), s.sw(), s.ph(), s.pw(), s.dh(), s.dw(),
                        s.groups());
                Tolerance.assertClose("ScalarConv2d " + name, c.floats("output"), y, c.tensor("output").shape(), 1e-5, 1e-5);
            }
        }
    }

    @Test
    void everyRouteMatchesPyTorch() {
        for (String name : CASES) {
            try (ReferenceCase c = ReferenceData.load("ops/conv/conv_" + name)) {
                ConvShape s = shape(c);
                int k = s.cg() * s.kh() * s.kw();
                float[] x = c.floats("input"), b = c.has("bias") ? c.floats("bias") : null;
                float[] expect = c.floats("output");
                // the weight as the mapped file holds it (segment operand), and as a heap array
                MemorySegment wSeg = c.tensor("weight").storage().segment();
                Operand mapped = Operand.rowMajor(wSeg, c.tensor("weight").offset(), k);
                Operand heap = Operand.rowMajor(c.floats("weight"), 0, k);
                for (Gemm g : gemms()) {
                    for (Route r : routesFor(s)) {
                        for (Operand w : List.of(mapped, heap)) {
                            Tolerance.assertClose(name + " route " + r + " on " + g.name() + " " + describe(g) + " " + w,
                                    expect, run(s, x, w, b, g, r), c.tensor("output").shape(), 1e-5, 1e-5);
                        }
                    }
                }
            }
        }
    }

    static Stream<Arguments> randomShapes() {
        Random r = new Random(77);
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3), ph = r.nextInt(3), pw = r.nextInt(3);
            int groups = 1 + r.nextInt(3);
            int c = groups * (1 + r.nextInt(6)), oc = groups * (1 + r.nextInt(7));
            int h = dh * (kh - 1) + 1 + r.nextInt(14), w = dw * (kw - 1) + 1 + r.nextInt(14);
            out.add(Arguments.of(i, new ConvShape(1 + r.nextInt(2), c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups)));
        }
        // wide enough for the 16×16 register transposes of the pixels-as-rows routes, with ragged edges
        out.add(Arguments.of(24, new ConvShape(1, 24, 23, 37, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        out.add(Arguments.of(25, new ConvShape(2, 16, 19, 21, 48, 3, 3, 2, 2, 1, 1, 1, 1, 2)));
        out.add(Arguments.of(26, new ConvShape(1, 3, 70, 84, 35, 14, 14, 14, 14, 0, 0, 1, 1, 1)));
        out.add(Arguments.of(27, new ConvShape(1, 8, 20, 36, 32, 2, 2, 2, 2, 0, 0, 1, 1, 1)));
        return out.stream();
    }

    @ParameterizedTest(name = "#{0} {1}")
    @MethodSource("randomShapes")
    void randomShapesMatchScalarReference(int seed, ConvShape s) {
        Random r = new Random(seed);
        float[] x = randn(r, s.n() * s.c() * s.h() * s.w());
        float[] w = randn(r, s.oc() * s.cg() * s.kh() * s.kw());
        float[] b = r.nextBoolean() ? randn(r, s.oc()) : null;
        float[] expect = new float[s.n() * s.oc() * s.oh() * s.ow()];
        ScalarConv2d.conv2d(expect, 0, x, 0, w, 0, b, 0, s.n(), s.c(), s.h(), s.w(), s.oc(), s.kh(), s.kw(), s.sh(), s.sw(),
                s.ph(), s.pw(), s.dh(), s.dw(), s.groups());
        Operand wo = Operand.rowMajor(w, 0, s.cg() * s.kh() * s.kw());
        for (Gemm g : gemms()) {
            for (Route route : routesFor(s)) {
                Tolerance.assertClose(s + " " + route + " " + describe(g), expect, run(s, x, wo, b, g, route), 1e-4, 1e-4);
            }
        }
    }

    @ParameterizedTest(name = "stride {0}")
    @ValueSource(ints = {1, 2, 3})
    void implicitPanelsEqualTheGatheredDefinitionBitForBit(int stride) {
        Random r = new Random(stride);
        ConvShape s = new ConvShape(1, 3, 11, 13, 4, 3, 4, stride, stride, 2, 1, 1, 2, 1);
        float[] x = randn(r, 3 * 11 * 13);
        ImplicitIm2col src = new ImplicitIm2col().set(x, 0, s);
        int k = 3 * 3 * 4, p = s.oh() * s.ow();
        assertPacksLikeTheDefinition(src, new int[][] {{0, k, 0, p, 16}, {5, 7, 3, p - 3, 8}, {13, 20, 17, 9, 32},
                {0, 1, p - 1, 1, 16}});
    }

    /**
     * Patchify packing (kernel = stride, no padding: the transposing patch path) against the
     * definition byte for byte: whole groups of KW rows take the patch path, other K blocks the
     * general one; panels wrap across output rows and the last one is partial.
     */
    @ParameterizedTest(name = "patch {0}, {1} patches wide")
    @CsvSource({"2, 7", "4, 7", "5, 7", "14, 7", "8, 24", "14, 24", "16, 21", "14, 40"})
    void patchPanelsEqualTheGatheredDefinitionBitForBit(int patch, int across) {
        Random r = new Random(patch);
        int h = patch * 5, w = patch * across;
        ConvShape s = new ConvShape(1, 3, h, w, 4, patch, patch, patch, patch, 0, 0, 1, 1, 1);
        float[] x = randn(r, 3 * h * w);
        ImplicitIm2col src = new ImplicitIm2col().set(x, 0, s);
        int k = 3 * patch * patch, p = s.oh() * s.ow();
        assertPacksLikeTheDefinition(src, new int[][] {{0, k, 0, p, 16}, {patch, 2 * patch, 3, p - 3, 8},
                {patch, patch + 1, 1, p - 2, 32}, {0, k, 5, 9, 32}, {k - patch, patch, p - 1, 1, 16}, {0, k, 0, p, 32},
                {patch, 2 * patch, 7, p - 7, 32}, {0, k, 0, Math.min(64, p), 32}});
    }

    /**
     * Each block {p0, kc, j0, nc, nr} packed by {@code src} equals, byte for byte, the packing
     * through {@code get} alone; once into a segment of exactly the block's size (packing must not
     * write past it: the GEMM's buffer has no slack) and once at a byte offset inside a larger one
     * (how the GEMM's threads pack their parts of a shared block).
     */
    private static void assertPacksLikeTheDefinition(ImplicitIm2col src, int[][] blocks) {
        try (Arena arena = Arena.ofConfined()) {
            for (int[] blk : blocks) {
                long bytes = 4L * blk[1] * ((blk[3] + blk[4] - 1) / blk[4] * blk[4]);
                long off = 4L * 37;
                MemorySegment fast = arena.allocate(bytes, 64);
                MemorySegment shifted = arena.allocate(off + bytes, 64);
                MemorySegment slow = arena.allocate(bytes, 64);
                fast.fill((byte) 0x7f);
                shifted.fill((byte) 0x7f);
                slow.fill((byte) 0x7f);
                src.packB(blk[0], blk[1], blk[2], blk[3], blk[4], fast);
                src.packB(blk[0], blk[1], blk[2], blk[3], blk[4], shifted, off);
                new DefinitionOnly(src::get).packB(blk[0], blk[1], blk[2], blk[3], blk[4], slow);
                byte[] want = slow.toArray(ValueLayout.JAVA_BYTE);
                String what = String.format("packed block p0=%d kc=%d j0=%d nc=%d nr=%d", blk[0], blk[1], blk[2], blk[3], blk[4]);
                assertThat(fast.toArray(ValueLayout.JAVA_BYTE)).as(what).isEqualTo(want);
                assertThat(shifted.asSlice(off).toArray(ValueLayout.JAVA_BYTE)).as(what + " at a byte offset").isEqualTo(want);
                assertThat(shifted.asSlice(0, off).toArray(ValueLayout.JAVA_BYTE)).as(what + ": bytes before the offset")
                        .containsOnly((byte) 0x7f);
            }
        }
    }

    /**
     * The im2row packing (pixels as rows, the IMPLICIT route) against the definition: the fast
     * packA (contiguous rows, wrapping and strided gathers, partial panels) byte for byte equal to
     * PanelSource's default packA through {@code get}, and {@code get} equal to the padded input.
     */
    @ParameterizedTest(name = "stride {0}")
    @ValueSource(ints = {1, 2, 3})
    void implicitRowPanelsEqualTheGatheredDefinitionBitForBit(int stride) {
        Random r = new Random(100 + stride);
        ConvShape s = new ConvShape(1, 3, 11, 29, 4, 3, 4, stride, stride, 2, 1, 1, 2, 1);
        float[] x = randn(r, 3 * 11 * 29);
        int hp = 11 + 4, wp = 29 + 2;
        float[] xpad = new float[3 * hp * wp + ImplicitIm2row.SLACK];
        java.util.Arrays.fill(xpad, Float.NaN);   // pad must overwrite every element it owns
        ImplicitIm2row.pad(xpad, x, 0, s, 0, 3);
        ImplicitIm2row src = new ImplicitIm2row().set(xpad, 0, s);
        int k = 3 * 3 * 4, p = s.oh() * s.ow();
        for (int i = 0; i < p; i += 7) {
            for (int j = 0; j < k; j++) {
                int oy = i / s.ow(), ox = i % s.ow(), ci = j / 12, ky = j % 12 / 4, kx = j % 4;
                int iy = oy * stride - 2 + ky, ix = ox * stride - 1 + kx * 2;
                float want = iy >= 0 && iy < 11 && ix >= 0 && ix < 29 ? x[(ci * 11 + iy) * 29 + ix] : 0f;
                assertThat(src.get(i, j)).as("row (%d, %d)", i, j).isEqualTo(want);
            }
        }
        for (int[] blk : new int[][] {{0, p, 0, k, 12}, {5, p - 5, 7, 20, 12}, {13, 9, 17, 19, 12}, {p - 1, 1, 0, k, 8}}) {
            int panels = (blk[1] + blk[4] - 1) / blk[4], used = panels * blk[4] * blk[3];
            float[] fast = new float[used + 64], slow = new float[used + 64];
            java.util.Arrays.fill(fast, Float.NaN);
            java.util.Arrays.fill(slow, Float.NaN);
            src.packA(blk[0], blk[1], blk[2], blk[3], blk[4], fast);
            new DefinitionOnly(src::get).packA(blk[0], blk[1], blk[2], blk[3], blk[4], slow);
            assertThat(java.util.Arrays.copyOf(fast, used))
                    .as("packed block i0=%d mc=%d p0=%d kc=%d mr=%d", blk[0], blk[1], blk[2], blk[3], blk[4])
                    .isEqualTo(java.util.Arrays.copyOf(slow, used));
        }
    }

    /** Element access of a source. */
    private interface Elements {
        float get(long i, long j);
    }

    /** The same source with only {@code get}: PanelSource's default packing, the definition of a packed panel. */
    private record DefinitionOnly(Elements src) implements dev.ocelli.kernels.gemm.PanelSource {
        @Override
        public float get(long i, long j) {
            return src.get(i, j);
        }
    }

    @Test
    void routesAreChosenByCase() {
        Gemm v = new VectorGemm(512, 1);
        assertThat(Conv2d.route(new ConvShape(1, 3, 336, 336, 1024, 14, 14, 14, 14, 0, 0, 1, 1, 1), v)).isEqualTo(Route.PATCHIFY);
        assertThat(Conv2d.route(new ConvShape(1, 256, 64, 64, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1), v)).isEqualTo(Route.IMPLICIT);
        assertThat(Conv2d.route(new ConvShape(1, 256, 64, 64, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1), new ScalarGemm()))
                .isEqualTo(Route.IM2COL);
        assertThat(Conv2d.route(new ConvShape(1, 256, 64, 64, 128, 1, 1, 1, 1, 0, 0, 1, 1, 1), v)).isEqualTo(Route.POINTWISE);
        assertThat(Conv2d.route(new ConvShape(1, 192, 56, 56, 192, 7, 7, 1, 1, 3, 3, 1, 1, 192), v)).isEqualTo(Route.DEPTHWISE);
        assertThatThrownBy(() -> run(new ConvShape(1, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1), new float[50],
                Operand.rowMajor(new float[36], 0, 18), null, v, Route.PATCHIFY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patchify");
    }

    static float[] randn(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static String describe(Gemm g) {
        return g instanceof VectorGemm v ? v.describe() : g.name();
    }

    private static int[] pair(String s) {
        String[] p = s.split(",");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
