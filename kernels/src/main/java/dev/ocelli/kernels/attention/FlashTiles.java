package dev.ocelli.kernels.attention;

/**
 * The three inner loops of {@link FlashAttention}, one subclass per vector width.
 *
 * <p>Why three copies: the Vector API turns {@code FloatVector} code into SIMD instructions only
 * when the species is a compile-time constant for C2. A species read from an instance field is
 * not, and the vectors would be boxed objects (orders of magnitude slower). So each width has its
 * own class with a {@code static final} species, and the driver picks one instance. The code of
 * {@link FlashTiles512} is the master; {@link FlashTiles256} and {@link FlashTiles128} are the same
 * text with the species (and class name) replaced:
 * <pre>
 *   for w in 256 128; do sed -e "s/SPECIES_512/SPECIES_$w/" -e "s/class FlashTiles512 /class FlashTiles$w /" \
 *       FlashTiles512.java &gt; FlashTiles$w.java; done
 * </pre>
 *
 * <p>Layout (queries are the vector lanes, L = lanes, Br = 2·L query rows per block):
 * <ul>
 *   <li>{@code qT [d][Br]}: the query block transposed, pre-multiplied by scale·log2(e);</li>
 *   <li>{@code sT [Bc][Br]}: one tile of scores transposed, then overwritten by P = 2^(S − m);</li>
 *   <li>{@code oT [d][Br]}: the unnormalised output accumulator, transposed;</li>
 *   <li>{@code m, l, alpha [Br]}: running max (base 2), running sum, last rescale factor.</li>
 * </ul>
 * With queries in lanes, every softmax reduction (max, sum over keys) is a vertical vector op
 * and k, v are read straight from their strided rows as broadcast scalars, with no packing and
 * no horizontal {@code reduceLanes}.
 */
abstract sealed class FlashTiles permits FlashTiles128, FlashTiles256, FlashTiles512 {

    /** Query rows per block (two vectors). */
    abstract int blockRows();

    /** Bit width of the species, for messages. */
    abstract int bits();

    /**
     * sT[j][r] = Σ_c qT[c][r]·k[kBase + j·kStride + c] for j < bc.
     * (S tile = Q·Kᵀ, already scaled by the factors folded into qT.)
     */
    abstract void scores(float[] sT, float[] qT, float[] k, int kBase, int kStride, int bc, int d);

    /**
     * Online softmax step over one tile of bc keys: m' = max(m, max_j sT[j]), alpha = 2^(m − m'),
     * sT[j] = 2^(sT[j] − m'), l = alpha·l + Σ_j sT[j], m = m'. All in base 2.
     */
    abstract void softmax(float[] sT, int bc, float[] m, float[] l, float[] alpha);

    /** oT[c][r] = alpha[r]·oT[c][r] + Σ_j v[vBase + j·vStride + c]·sT[j][r] (the P·V tile). */
    abstract void accumulate(float[] oT, float[] sT, float[] v, int vBase, int vStride, int bc, int d, float[] alpha);

    // ---- row path: one query row at a time, keys (scores) or head dim (output) in the lanes.
    // For Nq far below Br (Mini-Gemini's per-token cross-attention has Nq = 1, Nk = 64, d = 1024)
    // where the block path would leave most lanes empty.

    /** Lanes per vector. */
    abstract int lanes();

    /**
     * s[j] = Σ_c qRow[c]·k[kBase + j·kStride + c] for j < bc: vector partial sums over c, then the
     * lanes added in a fixed order through {@code red} [4·lanes]. Not {@code reduceLanes(ADD)}: its
     * order differs between C2's intrinsic and the interpreter's fallback, so a row computed
     * before and after compilation (or on two threads at different stages) would differ in bits.
     */
    abstract void rowScores(float[] s, float[] qRow, float[] k, int kBase, int kStride, int bc, int d, float[] red);

    /** max of s[0..n), n a multiple of {@link #lanes()}; padding lanes hold -inf. */
    abstract float rowMax(float[] s, int n);

    /** s[j] = 2^(s[j] − m) for j < n (n a multiple of lanes), returns Σ s[j] (fixed order via red). */
    abstract float rowExp2(float[] s, int n, float m, float[] red);

    /** o[c] = alpha·o[c] + Σ_j s[j]·v[vBase + j·vStride + c] for c < d. */
    abstract void rowAccumulate(float[] o, float alpha, float[] s, float[] v, int vBase, int vStride, int bc, int d);

    static FlashTiles forBits(int bits) {
        return switch (bits) {
            case 512 -> new FlashTiles512();
            case 256 -> new FlashTiles256();
            case 128 -> new FlashTiles128();
            default -> throw new IllegalArgumentException("FlashAttention supports 128, 256 or 512-bit vectors, not " + bits);
        };
    }
}
