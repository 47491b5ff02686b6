package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.OcelliException;
import dev.ocelli.testdata.ReferenceCase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {

    /** PNG variants: PIL's convert("RGB") is reproduced exactly. */
    @ParameterizedTest
    @ValueSource(strings = {"grey.png", "grey_alpha.png", "bilevel.png", "palette.png", "palette_trns.png",
            "rgba.png", "rgb16.png", "grey16.png", "la16.png"})
    void pngModesMatchPilConvertRgb(String name) {
        RgbImage ours = Ref.image(name);
        try (ReferenceCase f = Ref.load("decode")) {
            long[] shape = f.file().info(name).shape(); // [H, W, 3]
            RgbImage pil = new RgbImage((int) shape[1], (int) shape[0], Ref.u8(f, name));
            Ref.assertSameImage(name, pil, ours);
        }
    }

    @Test
    void grey16ClipsLikePilModeI() {
        // values are 0..1023; PIL's I -> RGB clips, so most pixels are 255 and none is scaled down
        RgbImage img = Ref.image("grey16.png");
        long white = 0;
        for (byte b : img.pixels()) {
            white += (b & 0xFF) == 255 ? 1 : 0;
        }
        assertThat(white).isGreaterThan(img.pixels().length / 2);
    }

    @Test
    void rgbaDropsAlphaWithoutCompositing() {
        // alpha is 0 in the left column; a compositing decoder would make it white or black there
        RgbImage img = Ref.image("rgba.png");
        try (ReferenceCase f = Ref.load("decode")) {
            byte[] pil = Ref.u8(f, "rgba.png");
            assertThat(img.pixels()).isEqualTo(pil);
        }
    }

    /**
     * JPEGs: the JDK's libjpeg 6b and PIL's libjpeg-turbo 2.1 agree to the byte on these files
     * (same islow IDCT, fancy upsampling and integer YCbCr tables); the ICC profile of
     * rocket.jpg (Adobe RGB) must be ignored as PIL ignores it, and the Adobe CMYK file goes
     * through TwelveMonkeys' raw raster and PIL's cmyk2rgb.
     */
    @ParameterizedTest
    @ValueSource(strings = {"grey.jpg", "cmyk.jpg", "progressive.jpg"})
    void smallJpegsMatchPil(String name) {
        RgbImage ours = Ref.image(name);
        try (ReferenceCase f = Ref.load("decode")) {
            long[] shape = f.file().info(name).shape();
            RgbImage pil = new RgbImage((int) shape[1], (int) shape[0], Ref.u8(f, name));
            int[] d = Ref.diff(pil, ours);
            System.out.printf("decode %s vs PIL: %d of %d values differ, max |diff| %d%n", name, d[0],
                    pil.pixels().length, d[1]);
            Ref.assertSameImage(name, pil, ours);
        }
    }

    @Test
    void rgbJpegWithIccProfileMatchesPil() {
        RgbImage ours = Ref.image("rocket.jpg");
        RgbImage pil = Ref.image("rocket.png"); // PIL's decode of the same file
        int[] d = Ref.diff(pil, ours);
        System.out.printf("decode rocket.jpg vs PIL: %d of %d values differ, max |diff| %d%n", d[0],
                pil.pixels().length, d[1]);
        Ref.assertSameImage("rocket.jpg", pil, ours);
    }

    @Test
    void iccSegmentsAreRemovedAndNothingElse() throws IOException {
        byte[] jpg = Files.readAllBytes(Ref.imagePath("rocket.jpg"));
        byte[] stripped = ImageDecoder.stripJpegIccProfile(jpg);
        assertThat(stripped.length).isLessThan(jpg.length);
        assertThat(new String(stripped, StandardCharsets.ISO_8859_1)).doesNotContain("ICC_PROFILE");
        // the entropy-coded tail is untouched
        assertThat(Arrays.copyOfRange(stripped, stripped.length - 1000, stripped.length))
                .isEqualTo(Arrays.copyOfRange(jpg, jpg.length - 1000, jpg.length));
        byte[] png = Files.readAllBytes(Ref.imagePath("tiny.png"));
        assertThat(ImageDecoder.stripJpegIccProfile(png)).isSameAs(png);
        byte[] grey = Files.readAllBytes(Ref.imagePath("grey.jpg"));
        assertThat(ImageDecoder.stripJpegIccProfile(grey)).isSameAs(grey);
    }

    @Test
    void nonImageFileGivesOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "this is not an image\n");
        assertThatThrownBy(() -> ImageDecoder.read(f))
                .isInstanceOf(ImageDecodeException.class)
                .isInstanceOf(OcelliException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("not a recognised image")
                .hasMessageNotContaining("\n");
    }

    @Test
    void missingAndEmptyFiles(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.png");
        assertThatThrownBy(() -> ImageDecoder.read(missing)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("nope.png").hasMessageContaining("no such file");
        Path empty = dir.resolve("empty.jpg");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> ImageDecoder.read(empty)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("empty.jpg");
    }

    @ParameterizedTest
    @ValueSource(strings = {"coffee.png", "rocket.jpg", "palette.png", "cmyk.jpg"})
    void truncatedFilesAreRefused(String name) throws IOException {
        byte[] full = Files.readAllBytes(Ref.imagePath(name));
        for (int keep : new int[] {full.length / 2, full.length * 9 / 10, 40}) {
            byte[] cut = Arrays.copyOf(full, keep);
            assertThatThrownBy(() -> ImageDecoder.read(cut, "cut-" + name))
                    .as("%s cut to %d of %d bytes", name, keep, full.length)
                    .isInstanceOf(ImageDecodeException.class)
                    .hasMessageStartingWith("cut-" + name + ":")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void decompressionBombIsRefusedBeforeAllocation() throws IOException {
        // a valid PNG header claiming 60000 x 60000 pixels followed by a tiny IDAT
        byte[] png = pngHeaderOnly(60000, 60000);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThatThrownBy(() -> ImageDecoder.read(png, "bomb.png"))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("bomb.png")
                .hasMessageContaining("60000x60000")
                .hasMessageContaining("decompression bomb");
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(after - before).as("heap growth").isLessThan(512L << 20);
        // just under the limit is accepted by the size check
        ImageDecoder.checkSize("ok.png", 13000, 13000);
        assertThatThrownBy(() -> ImageDecoder.checkSize("big.png", 14000, 13000))
                .hasMessageContaining("178956970");
    }

    @Test
    void inputStreamAndPathAgree() throws IOException {
        Path p = Ref.imagePath("tiny.png");
        try (var in = Files.newInputStream(p)) {
            assertThat(ImageDecoder.read(in, "tiny")).isEqualTo(ImageDecoder.read(p));
        }
        assertThat(ImageDecoder.read(p).width()).isEqualTo(7);
        assertThat(ImageDecoder.read(p).height()).isEqualTo(5);
    }

    private static byte[] pngHeaderOnly(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8;
        ihdr[9] = 2;
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.write(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.write(c);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
