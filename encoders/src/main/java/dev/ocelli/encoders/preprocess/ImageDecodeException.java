package dev.ocelli.encoders.preprocess;

import dev.ocelli.core.OcelliException;

/**
 * A file that cannot be turned into an RGB image: not an image, truncated, an unsupported
 * colour model, or dimensions over the decompression-bomb limit. The message is one line and
 * names the file.
 */
public class ImageDecodeException extends OcelliException {

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
