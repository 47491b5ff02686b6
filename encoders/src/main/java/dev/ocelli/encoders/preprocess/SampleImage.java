package dev.ocelli.encoders.preprocess;

import java.io.IOException;
import java.io.InputStream;

/**
 * The photo bundled for {@code ocelli demo}: scikit-image's {@code coffee} (a cup of coffee,
 * photographed by Rachel Michetti, courtesy of Pikolo Espresso Bar, released CC0 — see
 * docs/preprocessing.md), downscaled with PIL to at most 768 px on its longest side.
 */
public final class SampleImage {

    /** Classpath location of the PNG. */
    public static final String RESOURCE = "/dev/ocelli/encoders/sample.png";

    private SampleImage() {
    }

    /** Decodes the bundled photo. */
    public static RgbImage load() {
        try (InputStream in = SampleImage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ImageDecodeException(RESOURCE + ": sample image missing from the class path");
            }
            return ImageDecoder.read(in, "classpath:" + RESOURCE);
        } catch (IOException e) {
            throw new ImageDecodeException("classpath:" + RESOURCE + ": " + e.getMessage(), e);
        }
    }
}
