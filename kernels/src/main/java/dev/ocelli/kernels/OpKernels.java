package dev.ocelli.kernels;

import dev.ocelli.kernels.act.Activations;
import dev.ocelli.kernels.act.ScalarActivations;
import dev.ocelli.kernels.act.VectorActivations;
import dev.ocelli.kernels.conv.DepthwiseConv;
import dev.ocelli.kernels.conv.ScalarDepthwiseConv;
import dev.ocelli.kernels.conv.VectorDepthwiseConv;
import dev.ocelli.kernels.norm.Norms;
import dev.ocelli.kernels.norm.ScalarNorms;
import dev.ocelli.kernels.norm.VectorNorms;
import dev.ocelli.kernels.resample.Resample;
import dev.ocelli.kernels.resample.ScalarResample;
import dev.ocelli.kernels.resample.VectorResample;

/**
 * Picks the implementation of the non-GEMM kernel families (activations, norms, resampling,
 * depthwise conv) once: the Vector API one at the preferred width when the Vector API is usable,
 * else the scalar reference. It says what it picked, and why, in one log line on first use.
 *
 * <p>The Vector* classes are only referenced on the vector branch, so this class loads on a JVM
 * started without {@code --add-modules jdk.incubator.vector}.
 */
public final class OpKernels {
    private OpKernels() {}

    private static final class Holder {
        static final Activations ACT;
        static final Norms NORMS;
        static final Resample RESAMPLE;
        static final DepthwiseConv DEPTHWISE;

        static {
            String why = KernelInfo.vectorUnavailableReason();
            if (why == null) {
                ACT = VectorActivations.preferred();
                NORMS = VectorNorms.preferred();
                RESAMPLE = VectorResample.preferred();
                DEPTHWISE = VectorDepthwiseConv.preferred();
                log("op kernels: " + ACT.name() + " (" + KernelInfo.preferredSpecies() + ")");
            } else {
                ACT = ScalarActivations.INSTANCE;
                NORMS = ScalarNorms.INSTANCE;
                RESAMPLE = ScalarResample.INSTANCE;
                DEPTHWISE = ScalarDepthwiseConv.INSTANCE;
                log("op kernels: scalar (" + why + ")");
            }
        }

        private static void log(String msg) {
            System.getLogger("dev.ocelli.kernels").log(System.Logger.Level.INFO, msg);
        }
    }

    public static Activations activations() {
        return Holder.ACT;
    }

    public static Norms norms() {
        return Holder.NORMS;
    }

    public static Resample resample() {
        return Holder.RESAMPLE;
    }

    public static DepthwiseConv depthwise() {
        return Holder.DEPTHWISE;
    }
}
