package dev.ocelli.fusion.pipeline;

import java.util.function.Supplier;

/** Counts the units of one phase for a {@link ProgressListener} (one instance per call). */
final class Steps {

    private final ProgressListener listener;
    private final String phase;
    private long done, total;

    Steps(ProgressListener listener, String phase, long total) {
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.phase = phase;
        this.total = total;
    }

    /** Runs one unit: reported when it starts and when it ends. */
    <T> T run(String step, Supplier<T> f) {
        begin(step);
        T r = f.get();
        end(step);
        return r;
    }

    void begin(String step) {
        listener.update(phase, step, done, total);
    }

    void end(String step) {
        done++;
        // a miscounted total must not make a bar overshoot
        total = Math.max(total, done);
        listener.update(phase, step, done, total);
    }
}
