package dev.ocelli.kernels.gemm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packed A against its definition ({@link Packing}: element (r, p) of panel q at
 * {@code q·MR·kc + p·MR + r}, zeros past the last row), for row-major and strided A, whole and
 * partial panels, K blocks with and without a 16-column tail (the in-register transpose route and
 * its scalar tail), and that nothing past the block plus {@link Packing#A_SLACK} is written.
 */
class PackingTest {

    static Stream<Arguments> blocks() {
        List<Arguments> out = new ArrayList<>();
        Random rnd = new Random(42);
        int[] mcs = {1, 5, 12, 13, 24, 37, 48};
        int[] kcs = {1, 7, 15, 16, 17, 33, 64, 100, 1024};
        for (int mc : mcs) {
            for (int kc : kcs) {
                out.add(Arguments.of(mc, kc, rnd.nextInt(5), rnd.nextInt(9), rnd.nextInt(3), rnd.nextLong()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "mc={0} kc={1} i0={2} p0={3} pad={4}")
    @MethodSource("blocks")
    void packedAMatchesDefinition(int mc, int kc, int i0, int p0, int ldPad, long seed) {
        int mr = 12, rowsTotal = i0 + mc, cols = p0 + kc, ld = cols + ldPad, off = 3;
        Random rnd = new Random(seed);
        float[] a = new float[off + rowsTotal * ld + 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        int panels = (mc + mr - 1) / mr, block = panels * mr * kc;
        for (Operand op : List.of(Operand.rowMajor(a, off, ld), Operand.strided(a, off, ld, 1),
                Operand.rowMajor(a, off, ld).t().t())) {
            float sentinel = 12345f;
            float[] dst = new float[block + Packing.A_SLACK + 8];
            java.util.Arrays.fill(dst, sentinel);
            Packing.packA(op, i0, mc, p0, kc, mr, dst);
            for (int q = 0; q < panels; q++) {
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < mr; r++) {
                        int row = q * mr + r;
                        float want = row < mc ? a[off + (i0 + row) * ld + p0 + p] : 0f;
                        float got = dst[q * mr * kc + p * mr + r];
                        if (got != want) {
                            throw new AssertionError("packed A (" + op + ") panel " + q + " row " + r + " col " + p
                                    + ": got " + got + ", want " + want);
                        }
                    }
                }
            }
            for (int i = block + Packing.A_SLACK; i < dst.length; i++) {
                assertThat(dst[i]).as("float %d past the block and its slack", i).isEqualTo(sentinel);
            }
        }
    }
}
