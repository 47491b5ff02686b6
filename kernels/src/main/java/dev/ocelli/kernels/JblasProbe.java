package dev.ocelli.kernels;

/**
 * Checks once whether jblas's native BLAS loads. jblas is optional: when its natives are
 * missing (typically libgfortran5 is not installed) Ocelli says so in one line and carries on.
 */
final class JblasProbe {
    private JblasProbe() {}

    private static volatile KernelInfo.Backend cached;

    static KernelInfo.Backend backend() {
        KernelInfo.Backend b = cached;
        if (b == null) {
            b = probe();
            cached = b;
        }
        return b;
    }

    private static KernelInfo.Backend probe() {
        try {
            // jblas logs its loading steps at INFO; a user should only hear about failures.
            org.jblas.util.Logger.getLogger().setLevel(org.jblas.util.Logger.ERROR);
            float[] a = {2f};
            float[] c = {0f};
            org.jblas.NativeBlas.sgemm('N', 'N', 1, 1, 1, 1f, a, 0, 1, a, 0, 1, 0f, c, 0, 1);
            if (c[0] != 4f) {
                return new KernelInfo.Backend("jblas", false, "jblas natives loaded but sgemm returned " + c[0]);
            }
            return new KernelInfo.Backend("jblas", true, "jblas 1.2.5 native BLAS");
        } catch (Throwable t) {
            // UnsatisfiedLinkError, NoClassDefFoundError from a failed static init, ...
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (t instanceof NoClassDefFoundError && msg.startsWith("org/jblas")) {
                return new KernelInfo.Backend("jblas", false, "jblas jar not on the class path (" + msg + ")");
            }
            return new KernelInfo.Backend("jblas", false, "jblas natives missing (" + firstLine(msg)
                    + "); install libgfortran5");
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
