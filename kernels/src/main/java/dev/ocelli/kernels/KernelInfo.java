package dev.ocelli.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * What this JVM can run: the preferred Vector API species, which kernel backends are available
 * and, for each one that is not, the reason. {@code ocelli info} prints this, and the backend
 * selection reads it.
 *
 * <p>The Vector API classes are touched only through {@link VectorSupport}, and only after the
 * {@code jdk.incubator.vector} module is known to be in the boot layer, so this class loads
 * (and reports the reason) on a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
public final class KernelInfo {

    /** One backend and whether it can run here; {@code detail} says why not, or what it uses. */
    public record Backend(String name, boolean available, String detail) {}

    private KernelInfo() {}

    /** Null when the Vector API can be used, otherwise the reason it cannot. */
    public static String vectorUnavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "Vector API off: JVM started without --add-modules jdk.incubator.vector";
        }
        if (Boolean.getBoolean("ocelli.vector.disable")) {
            return "Vector API off: -Docelli.vector.disable=true";
        }
        return null;
    }

    /** True when the Vector API kernels can run. */
    public static boolean vectorAvailable() {
        return vectorUnavailableReason() == null;
    }

    /** The preferred float species, e.g. "FloatVector.SPECIES_512 (16 lanes)", or "none". */
    public static String preferredSpecies() {
        return vectorAvailable() ? VectorSupport.preferredSpeciesName() : "none";
    }

    /** Bit width of the preferred species, 0 when the Vector API is off. */
    public static int preferredBitSize() {
        return vectorAvailable() ? VectorSupport.preferredBitSize() : 0;
    }

    /** Every backend Ocelli knows, available or not. */
    public static List<Backend> backends() {
        List<Backend> out = new ArrayList<>();
        out.add(new Backend("scalar", true, "plain Java reference kernels"));
        String why = vectorUnavailableReason();
        out.add(why == null
                ? new Backend("vector", true, preferredSpecies())
                : new Backend("vector", false, why));
        out.add(JblasProbe.backend());
        return List.copyOf(out);
    }

    /**
     * The GEMM backend in use and why, e.g.
     * {@code "gemm backend: vector (auto: Vector API on, 512-bit 12x32 microkernel, ...)"}.
     * Selecting it may probe jblas's natives once.
     */
    public static String gemmBackendLine() {
        return dev.ocelli.kernels.gemm.Gemms.describe();
    }

    /** Thread count from {@code -Docelli.threads}, default: available processors. */
    public static int threads() {
        String p = System.getProperty("ocelli.threads");
        if (p != null) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default, as an unparsable -D is not worth a crash
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
