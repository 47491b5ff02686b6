package dev.ocelli.kernels.act;

/** The scalar reference for {@link Activations}: one {@link Activation#apply(float)} per element. */
public final class ScalarActivations implements Activations {
    public static final ScalarActivations INSTANCE = new ScalarActivations();

    private ScalarActivations() {}

    @Override
    public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
        Activations.checkRange("activation input", in, inOff, n);
        Activations.checkRange("activation output", out, outOff, n);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = f.apply(in[inOff + i]);
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
