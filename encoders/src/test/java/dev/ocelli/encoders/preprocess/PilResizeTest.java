package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.testdata.ReferenceCase;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PilResizeTest {

    @Test
    void matchesPilOnEveryRecordedCase() {
        Map<String, String> cases;
        try (ReferenceCase f = Ref.load("resize")) {
            cases = new TreeMap<>(f.metadata());
        }
        cases.keySet().removeIf(k -> !k.startsWith("resize_"));
        assertThat(cases).hasSizeGreaterThanOrEqualTo(13);
        for (var e : cases.entrySet()) {
            // "<input>;<filter>;<w>;<h>;<box or empty>"
            String[] p = e.getValue().split(";", -1);
            RgbImage in = Ref.image(p[0]);
            PilResize.Filter filter = PilResize.Filter.valueOf(p[1].toUpperCase(Locale.ROOT));
            int w = Integer.parseInt(p[2]), h = Integer.parseInt(p[3]);
            RgbImage out;
            if (p[4].isEmpty()) {
                out = PilResize.resize(in, w, h, filter);
            } else {
                String[] b = p[4].split(",");
                out = PilResize.resize(in, w, h, filter, Float.parseFloat(b[0]), Float.parseFloat(b[1]),
                        Float.parseFloat(b[2]), Float.parseFloat(b[3]));
            }
            Ref.assertSameImage(e.getKey() + " " + e.getValue(), Ref.expected(e.getKey()), out);
        }
    }

    /**
     * 600 random resizes (all five filters, sizes 1..700, 30% with a fractional box) of a noise
     * image, a photo and the 7x5 crop; PIL's output bytes are recorded as CRC-32.
     */
    @Test
    void matchesPilOnARandomSweep() {
        try (ReferenceCase f = Ref.load("resize_sweep")) {
            String[] inputs = f.metadata().get("inputs").split(",");
            RgbImage[] imgs = new RgbImage[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                imgs[i] = Ref.image(inputs[i]);
            }
            long[] cases = Ref.i64(f, "cases");
            long[] boxes = Ref.i64(f, "boxes_eighths");
            long[] crcs = Ref.i64(f, "crc32");
            int n = crcs.length, bad = 0;
            StringBuilder first = new StringBuilder();
            for (int i = 0; i < n; i++) {
                RgbImage in = imgs[(int) cases[5 * i]];
                PilResize.Filter filter = PilResize.Filter.fromPilCode((int) cases[5 * i + 1]);
                int w = (int) cases[5 * i + 2], h = (int) cases[5 * i + 3];
                RgbImage out = cases[5 * i + 4] == 0 ? PilResize.resize(in, w, h, filter)
                        : PilResize.resize(in, w, h, filter, boxes[4 * i] / 8f, boxes[4 * i + 1] / 8f,
                        boxes[4 * i + 2] / 8f, boxes[4 * i + 3] / 8f);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(out.pixels());
                if (crc.getValue() != crcs[i]) {
                    if (bad++ < 5) {
                        first.append(String.format(" #%d %s %s->%dx%d box=%s;", i, filter, in, w, h,
                                cases[5 * i + 4] == 0 ? "none" : boxes[4 * i] + "/8.." + boxes[4 * i + 3] + "/8"));
                    }
                }
            }
            assertThat(n).isEqualTo(600);
            if (bad != 0) {
                throw new AssertionError(bad + " of " + n + " resizes differ from PIL:" + first);
            }
        }
    }

    @Test
    void bicubicIsKeysWithAMinusHalf() {
        // PIL: a = -0.5. PyTorch's bicubic uses -0.75, which would give -0.09375 here.
        assertThat(PilResize.Filter.BICUBIC.weight(1.5)).isEqualTo(-0.0625);
        assertThat(PilResize.Filter.BICUBIC.weight(0.5)).isEqualTo(0.5625);
        assertThat(PilResize.Filter.BICUBIC.weight(2.0)).isEqualTo(0.0);
        assertThat(PilResize.Filter.BILINEAR.weight(-0.25)).isEqualTo(0.75);
    }

    @Test
    void downscaleStretchesTheSupport() {
        // 100 -> 10: scale 10, bicubic support 2 * 10 = 20, ksize = 41; taps clamp at the borders
        PilResize.Coeffs c = PilResize.precompute(100, 0f, 100f, 10, PilResize.Filter.BICUBIC);
        assertThat(c.ksize()).isEqualTo(41);
        assertThat(c.first()[0]).isZero();
        assertThat(c.count()[0]).isEqualTo(25); // center 5, [(int)(5-20+0.5) -> 0, (int)(25.5) = 25)
        assertThat(c.first()[5]).isEqualTo(35); // center 55 -> [35, 75)
        assertThat(c.count()[5]).isEqualTo(40);
        // normalised taps sum to one in fixed point, up to rounding of each tap
        long sum = 0;
        for (int x = 0; x < c.count()[5]; x++) {
            sum += c.fixed()[5 * c.ksize() + x];
        }
        assertThat(Math.abs(sum - (1L << PilResize.PRECISION_BITS))).isLessThanOrEqualTo(c.count()[5]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 64})
    void constantImageStaysConstant(int seed) {
        Random r = new Random(seed);
        int w = 1 + r.nextInt(50), h = 1 + r.nextInt(50);
        int cr = r.nextInt(256), cg = r.nextInt(256), cb = r.nextInt(256);
        RgbImage in = RgbImage.filled(w, h, cr, cg, cb);
        for (PilResize.Filter f : PilResize.Filter.values()) {
            RgbImage out = PilResize.resize(in, 1 + r.nextInt(80), 1 + r.nextInt(80), f);
            Ref.assertSameImage(f + " of constant " + w + "x" + h, RgbImage.filled(out.width(), out.height(), cr, cg, cb), out);
        }
    }

    @Test
    void sameSizeIsACopy() {
        RgbImage in = Ref.image("tiny.png");
        RgbImage out = PilResize.resize(in, in.width(), in.height(), PilResize.Filter.BICUBIC);
        assertThat(out).isEqualTo(in);
        assertThat(out.pixels()).isNotSameAs(in.pixels());
    }

    @Test
    void refusesNearestAndBadSizes() {
        assertThatThrownBy(() -> PilResize.Filter.fromPilCode(0)).hasMessageContaining("NEAREST");
        assertThat(PilResize.Filter.fromPilCode(3)).isEqualTo(PilResize.Filter.BICUBIC);
        assertThat(PilResize.Filter.fromPilCode(2)).isEqualTo(PilResize.Filter.BILINEAR);
        RgbImage in = RgbImage.filled(4, 4, 0, 0, 0);
        assertThatThrownBy(() -> PilResize.resize(in, 0, 3, PilResize.Filter.BICUBIC)).hasMessageContaining("0x3");
        assertThatThrownBy(() -> PilResize.resize(in, 2, 2, PilResize.Filter.BICUBIC, 0, 0, 5, 4))
                .hasMessageContaining("box");
    }
}
