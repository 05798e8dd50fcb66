package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import network.cocoon.sdk.chat.ChatCompletion;

/**
 * The plaintext of a single-shot sealed response.
 *
 * @param completion the OpenAI-shaped answer
 * @param result the worker's signed statement about it
 * @param receipt the signed payment receipt's bag of cells, for a paid request; absent otherwise
 */
public record SealedResponseBody(ChatCompletion completion, SignedResult result,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) byte[] receipt) {
    /** Validates presence. */
    public SealedResponseBody {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(result, "result");
        receipt = receipt == null ? null : receipt.clone();
    }

    /** A body without a receipt. */
    public SealedResponseBody(ChatCompletion completion, SignedResult result) {
        this(completion, result, null);
    }

    /** A copy of the receipt, or {@code null}. */
    @Override
    public byte[] receipt() {
        return receipt == null ? null : receipt.clone();
    }
}
