package network.cocoon.worker.inference.llama;

/** Cosine and sine tables of rotary position embeddings, with Llama 3 and linear scaling. */
final class RotaryTables {
    private RotaryTables() {
    }

    /** {@code [cos, sin]}, each positions x headDim, row-major, with frequencies repeated over both halves. */
    static float[][] compute(LlamaConfig config, int positions) {
        int d = config.headDim();
        int half = d / 2;
        double[] inverse = new double[half];
        for (int i = 0; i < half; i++) {
            inverse[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / d);
        }
        LlamaConfig.RopeScaling scaling = config.ropeScaling();
        if (scaling != null && scaling.type().equals("linear")) {
            for (int i = 0; i < half; i++) {
                inverse[i] /= scaling.factor();
            }
        } else if (scaling != null && scaling.type().equals("llama3")) {
            double lowWavelength = scaling.originalMaxPositions() / scaling.lowFreqFactor();
            double highWavelength = scaling.originalMaxPositions() / scaling.highFreqFactor();
            for (int i = 0; i < half; i++) {
                double wavelength = 2 * Math.PI / inverse[i];
                if (wavelength > lowWavelength) {
                    inverse[i] /= scaling.factor();
                } else if (wavelength >= highWavelength) {
                    double smooth = (scaling.originalMaxPositions() / wavelength - scaling.lowFreqFactor())
                            / (scaling.highFreqFactor() - scaling.lowFreqFactor());
                    inverse[i] = (1 - smooth) * inverse[i] / scaling.factor() + smooth * inverse[i];
                }
            }
        }
        float[] cos = new float[positions * d];
        float[] sin = new float[positions * d];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                // float32 like the reference implementation, so that angles round the same way.
                float angle = (float) p * (float) inverse[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * d + i] = c;
                cos[p * d + half + i] = c;
                sin[p * d + i] = s;
                sin[p * d + half + i] = s;
            }
        }
        return new float[][] {cos, sin};
    }
}
