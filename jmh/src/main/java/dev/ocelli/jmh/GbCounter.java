package dev.ocelli.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary metric "gbytes": each call adds the GB (1e9 bytes) it reads plus writes; with
 * {@code Mode.Throughput} in seconds JMH reports it per second, i.e. GB/s, beside the primary
 * ops/s score. The element-wise, norm and copy benchmarks all count the same way, so their
 * {@code gbytes} lines compare directly.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GbCounter {
    /** GB moved in the current iteration; JMH divides by the iteration time. */
    public double gbytes;

    @Setup(Level.Iteration)
    public void reset() {
        gbytes = 0;
    }
}
