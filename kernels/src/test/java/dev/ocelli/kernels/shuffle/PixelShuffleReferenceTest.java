package dev.ocelli.kernels.shuffle;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import org.junit.jupiter.api.Test;

/** Against testdata/gen/ops_shuffle.py: exact equality (pure data movement). */
class PixelShuffleReferenceTest {

    @Test
    void pixelUnshuffleAndShuffle() {
        try (ReferenceCase c = ReferenceData.load("ops/shuffle/pixel_shuffle")) {
            float[] x = c.floats("unshuffle_in"); // [2, 3, 8, 12]
            for (int r : new int[] {2, 4}) {
                float[] y = new float[x.length];
                PixelShuffle.pixelUnshuffle(y, 0, x, 0, 2, 3, 8, 12, r);
                Tolerance.assertClose("pixel_unshuffle r=" + r, c.floats("unshuffle_r" + r), y, 0, 0);
                float[] back = new float[x.length];
                PixelShuffle.pixelShuffle(back, 0, y, 0, 2, 3, 8 / r, 12 / r, r);
                Tolerance.assertClose("pixel_shuffle(pixel_unshuffle) r=" + r, x, back, 0, 0);
            }
            float[] s = c.floats("shuffle_in"); // [2, 12, 3, 5]
            float[] y = new float[s.length];
            PixelShuffle.pixelShuffle(y, 0, s, 0, 2, 3, 3, 5, 2);
            Tolerance.assertClose("pixel_shuffle r=2", c.floats("shuffle_r2"), y, 0, 0);
        }
    }

    @Test
    void internVlV1AndV2() {
        try (ReferenceCase c = ReferenceData.load("ops/shuffle/pixel_shuffle")) {
            float[] x = c.floats("internvl_in"); // NHWC [2, 6, 4, 5]
            float[] v2 = new float[x.length], v1 = new float[x.length];
            PixelShuffle.internVlPixelShuffle(v2, 0, x, 0, 2, 6, 4, 5, 2, true);
            PixelShuffle.internVlPixelShuffle(v1, 0, x, 0, 2, 6, 4, 5, 2, false);
            Tolerance.assertClose("InternVL pixel_shuffle v2", c.floats("internvl_v2"), v2, c.tensor("internvl_v2").shape(), 0, 0);
            Tolerance.assertClose("InternVL pixel_shuffle v1", c.floats("internvl_v1"), v1, c.tensor("internvl_v1").shape(), 0, 0);
        }
    }
}
