package dev.ocelli.kernels.bench;

import dev.ocelli.kernels.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FMA ceiling: a loop of independent Vector API FMAs (16 accumulators, far more than
 * latency × pipes needs) on the preferred species, with no memory traffic. Every GEMM figure
 * is read as a fraction of what this measures on the same machine.
 */
public final class FmaProbe {
    private FmaProbe() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Flops of one {@link #fmaLoop} iteration: 16 accumulators × lanes × 2. */
    public static final int FLOPS_PER_ITERATION = 16 * S.length() * 2;

    /** {@code iters} iterations of 16 independent FMAs; returns a value so the JIT cannot drop the work. */
    public static float fmaLoop(long iters, float seed) {
        FloatVector a = FloatVector.broadcast(S, 1.0000001f);
        FloatVector b = FloatVector.broadcast(S, seed);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = a.fma(b, c0); c1 = a.fma(b, c1); c2 = a.fma(b, c2); c3 = a.fma(b, c3);
            c4 = a.fma(b, c4); c5 = a.fma(b, c5); c6 = a.fma(b, c6); c7 = a.fma(b, c7);
            c8 = a.fma(b, c8); c9 = a.fma(b, c9); c10 = a.fma(b, c10); c11 = a.fma(b, c11);
            c12 = a.fma(b, c12); c13 = a.fma(b, c13); c14 = a.fma(b, c14); c15 = a.fma(b, c15);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return s.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Measured peak in GFLOP/s on {@code threads} threads (each runs the loop on its own core):
     * a short warm-up, then the best of {@code reps} timed runs of about {@code millis} ms each.
     */
    public static double peakGflops(int threads, int reps, int millis) {
        // calibrate iterations to ~millis on one thread after warm-up
        for (int w = 0; w < 3; w++) {
            fmaLoop(2_000_000, 0.999f);
        }
        long t0 = System.nanoTime();
        fmaLoop(4_000_000, 0.999f);
        double nsPerIter = (System.nanoTime() - t0) / 4_000_000.0;
        long iters = Math.max(1_000_000L, (long) (millis * 1e6 / nsPerIter));
        double best = 0;
        float[] sink = new float[threads];
        for (int r = 0; r < reps; r++) {
            long s = System.nanoTime();
            WorkerPool.shared().run(threads, threads, t -> sink[t] += fmaLoop(iters, 0.999f));
            double sec = (System.nanoTime() - s) / 1e9;
            best = Math.max(best, (double) iters * FLOPS_PER_ITERATION * threads / sec / 1e9);
        }
        if (Float.isNaN(sink[0])) {
            throw new AssertionError("unreachable, keeps sink alive");
        }
        return best;
    }
}
