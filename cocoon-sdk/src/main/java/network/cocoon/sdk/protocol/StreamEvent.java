package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Objects;
import network.cocoon.sdk.chat.Usage;

/**
 * The plaintext of one chunk of a streamed response, tagged by {@code type}: zero or more {@link Delta}s then
 * exactly one {@link Final} (or {@link Failure}) in the final chunk.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = StreamEvent.Delta.class, name = "delta"),
    @JsonSubTypes.Type(value = StreamEvent.Final.class, name = "final"),
    @JsonSubTypes.Type(value = StreamEvent.Failure.class, name = "error")
})
public sealed interface StreamEvent {
    /**
     * Newly generated text.
     *
     * @param content the text, appended to what came before
     */
    record Delta(String content) implements StreamEvent {
        /** Validates presence. */
        public Delta {
            Objects.requireNonNull(content, "content");
        }

        @Override
        public String toString() {
            return "Delta[<" + content.length() + " chars>]";
        }
    }

    /**
     * The end of a successful stream: the completion's metadata and the signed statement over the whole
     * transcript (the deltas concatenated).
     *
     * @param id completion id
     * @param created worker clock, seconds since the epoch
     * @param model model id
     * @param finishReason {@code stop} or {@code length}
     * @param usage token counts
     * @param result the signed statement
     * @param receipt the signed payment receipt's bag of cells, for a paid request; absent otherwise
     * @param earlierReceipts the receipts after the client's {@code receipts_after} and before this request's,
     *     by seqno; absent when the client asked for none
     */
    record Final(String id, long created, String model, @JsonProperty("finish_reason") String finishReason,
                 Usage usage, SignedResult result,
                 @com.fasterxml.jackson.annotation.JsonInclude(
                         com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) byte[] receipt,
                 @com.fasterxml.jackson.annotation.JsonInclude(
                         com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                 @JsonProperty("earlier_receipts") java.util.List<byte[]> earlierReceipts)
            implements StreamEvent {
        /** A final event without a receipt. */
        public Final(String id, long created, String model, String finishReason, Usage usage, SignedResult result) {
            this(id, created, model, finishReason, usage, result, null, null);
        }

        /** Validates presence. */
        public Final {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(finishReason, "finish_reason");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(result, "result");
            receipt = receipt == null ? null : receipt.clone();
            earlierReceipts = earlierReceipts == null ? null
                : earlierReceipts.stream().map(byte[]::clone).toList();
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

    /**
     * The worker failed after the stream began.
     *
     * @param code an {@link ErrorCode} wire name
     * @param message a human-readable reason with no prompt or answer text
     */
    record Failure(String code, String message) implements StreamEvent {
    }
}
