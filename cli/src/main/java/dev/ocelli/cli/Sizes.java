package dev.ocelli.cli;

import java.util.Locale;

/** Byte counts for humans. */
final class Sizes {
    private Sizes() {}

    /** "512 B", "1.5 KiB", "1.13 GiB". */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }

    /** 1234567 -> "1,234,567". */
    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
