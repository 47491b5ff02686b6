package dev.ocelli.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary metric "gflops": each call adds its GFLOP count; with {@code Mode.Throughput} in
 * seconds JMH reports it per second, i.e. GFLOP/s, beside the primary ops/s score.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GflopCounter {
    /** GFLOP done in the current iteration; JMH divides by the iteration time. */
    public double gflops;

    @Setup(Level.Iteration)
    public void reset() {
        gflops = 0;
    }
}
