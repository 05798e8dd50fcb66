package network.cocoon.worker.inference.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The MLP's activation, by its Hugging Face {@code hidden_act} names. Each computes what transformers'
 * {@code ACT2FN} entry computes; a name not listed here is refused at load rather than run as something else.
 */
public enum HiddenActivation {
    /** {@code x * sigmoid(x)}: {@code silu}, {@code swish}. */
    SILU(List.of("silu", "swish")) {
        @Override
        NDArray apply(NDArray x) {
            return x.mul(Activation.sigmoid(x));
        }
    },
    /** The exact, erf-based GELU: {@code gelu}. */
    GELU(List.of("gelu")) {
        @Override
        NDArray apply(NDArray x) {
            return Activation.gelu(x);
        }
    },
    /**
     * The tanh approximation {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}: {@code gelu_pytorch_tanh},
     * {@code gelu_new}, {@code gelu_fast} (the same formula, written three ways).
     */
    GELU_TANH(List.of("gelu_pytorch_tanh", "gelu_new", "gelu_fast")) {
        @Override
        NDArray apply(NDArray x) {
            NDArray inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
            return x.mul(inner.tanh().add(1.0)).mul(0.5);
        }
    },
    /** {@code x * sigmoid(1.702 x)}: {@code quick_gelu}. */
    QUICK_GELU(List.of("quick_gelu")) {
        @Override
        NDArray apply(NDArray x) {
            return x.mul(Activation.sigmoid(x.mul(1.702)));
        }
    },
    /** {@code max(x, 0)}: {@code relu}. */
    RELU(List.of("relu")) {
        @Override
        NDArray apply(NDArray x) {
            return Activation.relu(x);
        }
    };

    private final List<String> names;

    HiddenActivation(List<String> names) {
        this.names = names;
    }

    abstract NDArray apply(NDArray x);

    /** The name written to {@code config.json}. */
    public String configName() {
        return names.get(0);
    }

    /** The activation for a {@code hidden_act} value, if supported. */
    public static Optional<HiddenActivation> forName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (HiddenActivation a : values()) {
            if (a.names.contains(n)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
