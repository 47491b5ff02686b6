package dev.ocelli.fusion.pipeline;

/**
 * Hears how far a pipeline has got: building its weights ({@code "load"}) and running one image
 * ({@code "encode"}). The CLI draws a progress bar from it; an embedding application can log it.
 *
 * <p>Calls arrive on the thread that called {@code encode} or the loader, in order: each phase
 * starts with {@code done == 0} and ends with {@code done == total}; in between, every unit of work
 * is reported once before it starts (with the done count so far) and once when it ends. Units are
 * the pipeline's stages ({@link FusionPipeline#plan} lists them), except that LEO's per-tile
 * stages count one unit per tile; loading counts one unit per tower plus one for the fusion
 * weights. A listener must be quick and must not throw.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores everything (the default of every call without a listener). */
    ProgressListener NONE = (phase, step, done, total) -> { };

    /**
     * @param phase {@code "load"} or {@code "encode"}
     * @param step  the unit running or just finished, e.g. {@code "convnext"}, {@code "sam tile 3/7"}
     * @param done  units finished in this phase
     * @param total units in this phase
     */
    void update(String phase, String step, long done, long total);
}
