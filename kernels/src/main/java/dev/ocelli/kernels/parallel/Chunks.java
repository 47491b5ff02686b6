package dev.ocelli.kernels.parallel;

/**
 * How a memory-bound kernel (activations, norms) splits its work over the {@link WorkerPool}:
 * into contiguous ranges of rows (an activation is one "row" per element), each range handled
 * by one call of the single-threaded kernel. Every output element is computed by the same
 * instructions whatever the split, so the result is bitwise the same on 1 or N threads.
 *
 * <ul>
 *   <li>Below {@code 2·minWork} elements the call stays on the caller's thread: handing work to a
 *       worker costs a few microseconds (tens if it has to be unparked), as long as the kernel
 *       itself takes on ~16K elements.</li>
 *   <li>Otherwise up to 4 tasks per thread, of at least {@code minWork} elements each: tasks are
 *       claimed dynamically, so on a shared machine a thread that was descheduled for a while
 *       simply claims fewer of them.</li>
 *   <li>Range boundaries fall on multiples of {@code align} rows (activations: 64 floats, so every
 *       task but the last covers whole cache lines and whole 512-bit vectors).</li>
 * </ul>
 */
public final class Chunks {
    private Chunks() {}

    /** Elements of work below which a task is not worth handing to another thread. */
    public static final int MIN_WORK = 16_384;

    static final int TASKS_PER_THREAD = 4;

    /**
     * Number of tasks for {@code rows} rows of {@code rowWork} elements each on {@code threads}
     * threads: 1 means "run on the caller".
     */
    public static int tasks(long rows, long rowWork, int threads, int align) {
        if (threads <= 1 || rows <= align) {
            return 1;
        }
        long work = rows * Math.max(1, rowWork);
        if (work < 2L * MIN_WORK) {
            return 1;
        }
        long byWork = work / MIN_WORK;
        long byRows = (rows + align - 1) / align;
        return (int) Math.max(1, Math.min(Math.min(byWork, byRows), (long) TASKS_PER_THREAD * threads));
    }

    /** First row of task {@code t} of {@code tasks} over {@code rows} rows, a multiple of {@code align} (or rows). */
    public static int start(int t, int tasks, int rows, int align) {
        if (t >= tasks) {
            return rows;
        }
        long units = (rows + (long) align - 1) / align;
        return (int) Math.min(rows, units * t / tasks * align);
    }
}
