package dev.ocelli.kernels.gemm;

import dev.ocelli.kernels.KernelInfo;

import java.util.Locale;

/**
 * Picks the GEMM backend once and says why, in one line ({@link #describe()}, shown by
 * {@code ocelli info}).
 *
 * <p>Choice: {@code -Docelli.gemm=auto|vector|jblas|scalar} or {@link #setBackend(String)}.
 * {@code auto} takes the fastest available: vector (Vector API on) → jblas (natives load) →
 * scalar. Asking for an unavailable backend falls back the same way, with one warning line on
 * stderr naming the reason (e.g. jblas natives missing because libgfortran5 is not installed).
 */
public final class Gemms {
    private Gemms() {}

    private static volatile Gemm current;
    private static volatile String reason;

    /** The configured backend. */
    public static Gemm get() {
        Gemm g = current;
        if (g == null) {
            synchronized (Gemms.class) {
                if (current == null) {
                    select(System.getProperty("ocelli.gemm", "auto"));
                }
                g = current;
            }
        }
        return g;
    }

    /** Selects a backend by name (auto, vector, jblas, scalar); returns the one chosen. */
    public static synchronized Gemm setBackend(String name) {
        select(name);
        return current;
    }

    /** e.g. "gemm backend: vector (auto: Vector API on, 512-bit 12x32 microkernel, ...)". */
    public static String describe() {
        Gemm g = get();
        return "gemm backend: " + g.name() + " (" + reason + ")";
    }

    /** The reason of the last selection. */
    public static String reason() {
        get();
        return reason;
    }

    /**
     * A fresh instance of a named backend for {@code threads} threads (0 = engine-wide count);
     * throws if unavailable. Also accepts the teaching versions "v0" (= scalar) to "v5" (= vector),
     * single-threaded and plain row-major only for v1..v4.
     */
    public static Gemm create(String name, int threads) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "scalar", "v0" -> new ScalarGemm();
            case "v1", "v2", "v3", "v4" -> new dev.ocelli.kernels.gemm.steps.TeachingGemm(name.charAt(1) - '0');
            case "vector", "v5" -> {
                String why = KernelInfo.vectorUnavailableReason();
                if (why != null) {
                    throw new IllegalStateException("gemm backend vector unavailable: " + why);
                }
                yield VectorFactory.create(threads);
            }
            case "jblas" -> {
                KernelInfo.Backend jb = KernelInfo.backends().stream().filter(x -> x.name().equals("jblas")).findFirst().orElseThrow();
                if (!jb.available()) {
                    throw new IllegalStateException("gemm backend jblas unavailable: " + jb.detail());
                }
                yield new JblasGemm(threads);
            }
            default -> throw new IllegalArgumentException("unknown gemm backend '" + name + "' (auto, vector, jblas, scalar)");
        };
    }

    private static void select(String requested) {
        String req = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (!req.equals("auto") && !req.equals("vector") && !req.equals("jblas") && !req.equals("scalar")) {
            throw new IllegalArgumentException("unknown gemm backend '" + requested + "' (-Docelli.gemm=auto|vector|jblas|scalar)");
        }
        String vecWhy = KernelInfo.vectorUnavailableReason();
        KernelInfo.Backend jb = KernelInfo.backends().stream().filter(x -> x.name().equals("jblas")).findFirst().orElseThrow();
        String prefix = req.equals("auto") ? "auto: " : "requested: ";
        if (req.equals("scalar")) {
            current = new ScalarGemm();
            reason = "requested: scalar reference";
            return;
        }
        if (req.equals("jblas") && jb.available()) {
            current = new JblasGemm(0);
            reason = "requested: " + jb.detail();
            return;
        }
        if (!req.equals("auto") && req.equals("vector") && vecWhy != null || req.equals("jblas") && !jb.available()) {
            String why = req.equals("vector") ? vecWhy : jb.detail();
            System.err.println("ocelli: WARNING gemm backend " + req + " unavailable (" + why + "); falling back");
            prefix = "fallback from " + req + " (" + why + "): ";
        }
        if (vecWhy == null) {
            Gemm v = VectorFactory.create(0);
            current = v;
            reason = prefix + "Vector API on, " + VectorFactory.describe(v)
                    + (jb.available() ? "; jblas available but slower" : "; " + jb.detail());
            return;
        }
        if (jb.available()) {
            current = new JblasGemm(0);
            reason = prefix + vecWhy + "; using " + jb.detail();
            return;
        }
        current = new ScalarGemm();
        reason = prefix + vecWhy + "; " + jb.detail() + "; using the scalar reference";
    }

    /** Keeps Vector API classes out of {@link Gemms}'s own linkage, so it loads without the incubator module. */
    private static final class VectorFactory {
        static Gemm create(int threads) {
            return new VectorGemm(VectorGemm.preferredBits(), threads);
        }

        static String describe(Gemm g) {
            return ((VectorGemm) g).describe();
        }
    }
}
