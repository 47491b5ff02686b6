package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.testdata.ReferenceCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExifOrientationTest {

    /**
     * Orientations 1..8 in PNG eXIf and JPEG APP1: by default the pixels are left as stored
     * (PIL's Image.open does not rotate); with the option they match PIL's exif_transpose.
     */
    @ParameterizedTest
    @CsvSource({"1,png", "2,png", "3,png", "4,png", "5,png", "6,png", "7,png", "8,png",
            "1,jpg", "2,jpg", "3,jpg", "4,jpg", "5,jpg", "6,jpg", "7,jpg", "8,jpg"})
    void matchesPilExifTranspose(int orientation, String ext) throws Exception {
        String name = "exif" + orientation + "." + ext;
        byte[] data = java.nio.file.Files.readAllBytes(Ref.imagePath(name));
        assertThat(ExifOrientation.of(data)).isEqualTo(orientation);
        try (ReferenceCase f = Ref.load("decode")) {
            long[] s = f.file().info(name).shape();
            RgbImage asStored = new RgbImage((int) s[1], (int) s[0], Ref.u8(f, name));
            Ref.assertSameImage(name + " default", asStored, ImageDecoder.read(Ref.imagePath(name)));
            long[] t = f.file().info(name + ".transposed").shape();
            RgbImage transposed = new RgbImage((int) t[1], (int) t[0], Ref.u8(f, name + ".transposed"));
            Ref.assertSameImage(name + " exif_transpose", transposed, ImageDecoder.read(Ref.imagePath(name), true));
        }
    }

    @org.junit.jupiter.api.Test
    void noExifMeansUnchanged() throws Exception {
        byte[] png = java.nio.file.Files.readAllBytes(Ref.imagePath("tiny.png"));
        assertThat(ExifOrientation.of(png)).isEqualTo(1);
        assertThat(ExifOrientation.of(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0, 8, 'E', 'x'}))
                .isEqualTo(1);
        RgbImage img = Ref.image("tiny.png");
        assertThat(ExifOrientation.apply(img, 1)).isSameAs(img);
    }
}
