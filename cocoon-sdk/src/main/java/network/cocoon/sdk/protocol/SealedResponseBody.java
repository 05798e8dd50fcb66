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
 * @param earlierReceipts the receipts after the client's {@code receipts_after} and before this request's, by
 *     seqno: earlier requests the client got no answer to, and the worker charged; absent when none were asked
 */
public record SealedResponseBody(ChatCompletion completion, SignedResult result,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) byte[] receipt,
                                 @JsonInclude(JsonInclude.Include.NON_NULL)
                                 @com.fasterxml.jackson.annotation.JsonProperty("earlier_receipts")
                                 java.util.List<byte[]> earlierReceipts) {
    /** Validates presence. */
    public SealedResponseBody {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(result, "result");
        receipt = receipt == null ? null : receipt.clone();
        earlierReceipts = earlierReceipts == null ? null
                : earlierReceipts.stream().map(byte[]::clone).toList();
    }

    /** A body without a receipt. */
    public SealedResponseBody(ChatCompletion completion, SignedResult result) {
        this(completion, result, null, null);
    }

    /** Copies of the earlier receipts, or {@code null}. */
    @Override
    public java.util.List<byte[]> earlierReceipts() {
        return earlierReceipts == null ? null : earlierReceipts.stream().map(byte[]::clone).toList();
    }

    /** A copy of the receipt, or {@code null}. */
    @Override
    public byte[] receipt() {
        return receipt == null ? null : receipt.clone();
    }
}
