package dev.ocelli.jmh;

import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;

import java.util.SplittableRandom;

/** Operands for one shape and a backend instance; shared by the GEMM benchmarks. */
final class GemmState {
    final GemmShape shape;
    final Gemm gemm;
    final float[] c;
    final Operand a, b;

    GemmState(GemmShape shape, String backend, int threads) {
        this.shape = shape;
        this.gemm = Gemms.create(backend, threads);
        SplittableRandom r = new SplittableRandom(42);
        float[] x = new float[shape.m * shape.k], w = new float[shape.k * shape.n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-1, 1);
        c = new float[shape.m * shape.n];
        a = Operand.rowMajor(x, 0, shape.k);
        // transB: w holds W [n, k] (PyTorch Linear weight), used as Wᵀ without a copy
        b = shape.transB ? Operand.rowMajor(w, 0, shape.k).t() : Operand.rowMajor(w, 0, shape.n);
    }

    void run() {
        gemm.gemm(c, 0, shape.n, a, b, shape.m, shape.n, shape.k);
    }
}
