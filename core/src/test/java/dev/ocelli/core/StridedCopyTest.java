package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tiled-transpose path of contiguous()/copyFrom(): both tile sizes (8 for strides that are
 * multiples of 512 floats, 32 otherwise), sizes that are not multiples of the tile, a batch dim,
 * and a destination that is itself a strided view with an offset.
 */
class StridedCopyTest {

    private static float[] iota(int n) {
        float[] d = new float[n];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    @ParameterizedTest(name = "[{0},{1},{2}]")
    @CsvSource({
        "1, 20, 1024",  // stride 1024: tile 8
        "1, 45, 70",    // stride 70: tile 32, ragged edges
        "3, 50, 40",    // batch dim around the transposed plane
        "2, 9, 512",    // stride 512, ragged with tile 8
        "1, 7, 100",    // too small on one side: plain strided loop
    })
    void transposedCopyMatchesIndexFormula(int b, int r, int c) {
        float[] d = iota(b * r * c);
        Tensor t = Tensor.of(d, b, r, c).transpose(1, 2); // [b,c,r]
        float[] got = t.contiguous().toFloatArray();
        float[] direct = t.toFloatArray();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                for (int k = 0; k < r; k++) {
                    float want = d[(i * r + k) * c + j];
                    int o = (i * c + j) * r + k;
                    assertThat(got[o]).isEqualTo(want);
                    assertThat(direct[o]).isEqualTo(want);
                }
            }
        }
        // into a strided destination view: columns [3, 3+r) of a [b,c,r+5] tensor
        Tensor big = Tensor.zeros(b, c, r + 5);
        big.narrow(2, 3, r).copyFrom(t);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                assertThat(big.get(i, j, 2)).isZero();
                assertThat(big.get(i, j, r + 3)).isZero();
                for (int k = 0; k < r; k++) {
                    assertThat(big.get(i, j, k + 3)).isEqualTo(d[(i * r + k) * c + j]);
                }
            }
        }
    }
}
