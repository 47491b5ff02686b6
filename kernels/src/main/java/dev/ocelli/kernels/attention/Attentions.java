package dev.ocelli.kernels.attention;

import dev.ocelli.kernels.KernelInfo;
import java.util.Locale;

/**
 * Picks the attention implementation once and says why, in one line ({@link #describe()}).
 *
 * <p>Choice: {@code -Docelli.attention=auto|flash|scalar}. {@code auto} takes {@link FlashAttention}
 * at the preferred vector width when the Vector API is on, otherwise the {@link ScalarAttention}
 * reference. Asking for flash without the Vector API falls back to scalar with one warning line on
 * stderr naming the reason.
 */
public final class Attentions {
    private Attentions() {}

    private static volatile Attention current;
    private static volatile String reason;

    /** The configured implementation (engine-wide thread count). */
    public static Attention get() {
        Attention a = current;
        if (a == null) {
            synchronized (Attentions.class) {
                if (current == null) {
                    select(System.getProperty("ocelli.attention", "auto"));
                }
                a = current;
            }
        }
        return a;
    }

    /** e.g. "attention: flash (auto: FlashAttention[512-bit, Br=32, Bc=128, threads=2])". */
    public static String describe() {
        get();
        return "attention: " + reason;
    }

    /** A fresh instance by name (flash, scalar) for {@code threads} threads; throws if unavailable. */
    public static Attention create(String name, int threads) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "scalar" -> new ScalarAttention();
            case "flash" -> {
                String why = KernelInfo.vectorUnavailableReason();
                if (why != null) {
                    throw new IllegalStateException("attention flash unavailable: " + why);
                }
                yield FlashFactory.create(threads);
            }
            default -> throw new IllegalArgumentException("unknown attention implementation '" + name + "' (flash, scalar)");
        };
    }

    private static void select(String requested) {
        String req = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (!req.equals("auto") && !req.equals("flash") && !req.equals("scalar")) {
            throw new IllegalArgumentException("unknown attention implementation '" + requested
                    + "' (-Docelli.attention=auto|flash|scalar)");
        }
        if (req.equals("scalar")) {
            current = new ScalarAttention();
            reason = "scalar (requested: reference, one thread)";
            return;
        }
        String why = KernelInfo.vectorUnavailableReason();
        if (why == null) {
            Attention f = FlashFactory.create(0);
            current = f;
            reason = "flash (" + req + ": " + f + ")";
            return;
        }
        if (req.equals("flash")) {
            System.err.println("ocelli: WARNING attention flash unavailable (" + why + "); falling back to scalar");
        }
        current = new ScalarAttention();
        reason = "scalar (" + req + ": " + why + "; using the reference)";
    }

    /** Keeps the Vector API classes out of {@link Attentions}' own linkage. */
    private static final class FlashFactory {
        static Attention create(int threads) {
            return threads <= 0 ? FlashAttention.create() : FlashAttention.create(threads);
        }
    }
}
