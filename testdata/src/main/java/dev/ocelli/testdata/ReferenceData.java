package dev.ocelli.testdata;

import dev.ocelli.core.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Entry point to the PyTorch reference data committed under {@code testdata/data}, written by
 * {@code testdata/generate.py}: {@code ReferenceData.load("ops/gelu")} opens
 * {@code testdata/data/ops/gelu.safetensors}.
 *
 * <p>The data directory is the system property {@code ocelli.testdata} (the root pom sets it
 * for every surefire run); without it, the nearest {@code testdata/data} above the working
 * directory is used, so a test started from an IDE finds it too.
 */
public final class ReferenceData {

    /** System property naming the data directory. */
    public static final String PROPERTY = "ocelli.testdata";

    private ReferenceData() {}

    /** The data directory. Throws {@link IllegalStateException} when it cannot be found. */
    public static Path root() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            Path root = Paths.get(p);
            if (!Files.isDirectory(root)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + p + " is not a directory");
            }
            return root;
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("testdata").resolve("data");
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        throw new IllegalStateException("reference data not found: set -D" + PROPERTY
                + "=<repo>/testdata/data or run from inside the repository");
    }

    /** {@code <root>/<relpath>.safetensors}; the file need not exist. */
    public static Path path(String relpath) {
        return root().resolve(relpath + ".safetensors");
    }

    /** True when the case has been generated. */
    public static boolean exists(String relpath) {
        return Files.isRegularFile(path(relpath));
    }

    /**
     * Opens one case. The file stays memory-mapped until {@link ReferenceCase#close()} (or the
     * end of the JVM, which is fine for test data of a few kB to MB).
     *
     * @throws IllegalStateException when the file is missing, naming the generator group to run
     */
    public static ReferenceCase load(String relpath) {
        Path file = path(relpath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("reference case '" + relpath + "' not found at " + file
                    + "; generate it with /usr/bin/python3 testdata/generate.py (see testdata/README.md)");
        }
        return new ReferenceCase(relpath, SafetensorsFile.open(file));
    }
}
