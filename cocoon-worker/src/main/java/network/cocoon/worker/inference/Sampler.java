package network.cocoon.worker.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy at temperature 0, otherwise temperature, top-k and top-p
 * (nucleus) sampling from a seeded generator, so that a request with a seed always gets the same answer.
 * One instance per sequence; not thread-safe.
 */
final class Sampler {
    private final double temperature;
    private final int topK;
    private final double topP;
    private final SplittableRandom random;

    Sampler(double temperature, int topK, double topP, long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** The chosen token id for a row of logits. */
    int next(float[] logits, int offset, int vocab) {
        if (temperature == 0) {
            return argMax(logits, offset, vocab);
        }
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[offset + b], logits[offset + a]));
        int keep = topK > 0 ? Math.min(topK, vocab) : vocab;
        double max = logits[offset + order[0]];
        double[] weights = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) {
            weights[i] = Math.exp((logits[offset + order[i]] - max) / temperature);
            total += weights[i];
        }
        // Nucleus: the smallest prefix of the sorted tokens whose mass reaches topP.
        double mass = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            mass += weights[i] / total;
            if (mass >= topP) {
                nucleus = i + 1;
                break;
            }
        }
        double nucleusTotal = 0;
        for (int i = 0; i < nucleus; i++) {
            nucleusTotal += weights[i];
        }
        double draw = random.nextDouble() * nucleusTotal;
        for (int i = 0; i < nucleus; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }

    static int argMax(float[] logits, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
