package dev.ocelli.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Isolates the Vector API class references so that {@link KernelInfo} loads without them. */
final class VectorSupport {
    private VectorSupport() {}

    static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;

    static String preferredSpeciesName() {
        return "FloatVector.SPECIES_" + PREFERRED.vectorBitSize() + " (" + PREFERRED.length() + " lanes)";
    }

    static int preferredBitSize() {
        return PREFERRED.vectorBitSize();
    }
}
