package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Access to testdata/data/preprocess (written by testdata/gen/preprocess.py) and pixel comparisons. */
final class Ref {

    private Ref() {
    }

    static Path dir() {
        return ReferenceData.root().resolve("preprocess");
    }

    static Path imagePath(String name) {
        return dir().resolve("images").resolve(name);
    }

    static RgbImage image(String name) {
        return ImageDecoder.read(imagePath(name));
    }

    /** A PIL result stored losslessly as PNG under expected/. */
    static RgbImage expected(String stem) {
        return ImageDecoder.read(dir().resolve("expected").resolve(stem + ".png"));
    }

    /** testdata/data/preprocess/{@code stem}.safetensors. */
    static ReferenceCase load(String stem) {
        return ReferenceData.load("preprocess/" + stem);
    }

    static byte[] u8(ReferenceCase f, String name) {
        return f.file().bytes(name).toArray(ValueLayout.JAVA_BYTE);
    }

    static long[] i64(ReferenceCase f, String name) {
        return f.file().bytes(name).toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    static float[] f32(ReferenceCase f, String name) {
        return f.file().bytes(name).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** Differences between two images of the same size: {count of differing bytes, max |diff|}. */
    static int[] diff(RgbImage expected, RgbImage actual) {
        assertThat(actual.width()).as("width").isEqualTo(expected.width());
        assertThat(actual.height()).as("height").isEqualTo(expected.height());
        byte[] e = expected.pixels(), a = actual.pixels();
        int count = 0, max = 0;
        for (int i = 0; i < e.length; i++) {
            int d = Math.abs((e[i] & 0xFF) - (a[i] & 0xFF));
            if (d != 0) {
                count++;
                max = Math.max(max, d);
            }
        }
        return new int[] {count, max};
    }

    /** Asserts byte equality, reporting the count, the largest difference and the first few positions. */
    static void assertSameImage(String what, RgbImage expected, RgbImage actual) {
        int[] d = diff(expected, actual);
        if (d[0] != 0) {
            StringBuilder sb = new StringBuilder();
            byte[] e = expected.pixels(), a = actual.pixels();
            int shown = 0;
            for (int i = 0; i < e.length && shown < 5; i++) {
                if (e[i] != a[i]) {
                    int px = i / 3;
                    sb.append(String.format(" (x=%d,y=%d,c=%d: PIL %d, ours %d)", px % expected.width(),
                            px / expected.width(), i % 3, e[i] & 0xFF, a[i] & 0xFF));
                    shown++;
                }
            }
            throw new AssertionError(what + ": " + d[0] + " of " + e.length + " values differ from PIL, max |diff| "
                    + d[1] + ";" + sb);
        }
    }
}
