package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.crypto.Digests;

/**
 * What a worker signs about one answer. The signed digest is
 * {@code SHA-256("cocoon/v1 result" || request_hash || completion_hash || model_digest || uint64 prompt_tokens ||
 * uint64 completion_tokens || receipt_hash)}, raw bytes concatenated; hashes are hex in JSON.
 *
 * @param requestHash SHA-256 of the sealed request bytes exactly as sent
 * @param completionHash SHA-256 of {@link #canonicalCompletion(ChatCompletion)}
 * @param modelDigest the attested model digest
 * @param promptTokens prompt tokens charged
 * @param completionTokens completion tokens charged
 * @param receiptHash hash of the payment receipt cell, 32 zero bytes when the request carried no payment
 */
public record ResultStatement(@JsonProperty("request_hash") String requestHash,
                              @JsonProperty("completion_hash") String completionHash,
                              @JsonProperty("model_digest") String modelDigest,
                              @JsonProperty("prompt_tokens") long promptTokens,
                              @JsonProperty("completion_tokens") long completionTokens,
                              @JsonProperty("receipt_hash") String receiptHash) {
    /** The receipt hash of a request without payment. */
    public static final String NO_RECEIPT = "0".repeat(64);
    /** Compiled once: statements are built and parsed on every answer, on both sides. */
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /** Validates that each hash is 32 bytes of lowercase hex and the counts are non-negative. */
    public ResultStatement {
        for (String hash : new String[] {requestHash, completionHash, modelDigest, receiptHash}) {
            Objects.requireNonNull(hash, "hash");
            if (!HASH.matcher(hash).matches()) {
                throw new IllegalArgumentException("hashes must be 64 lowercase hex digits");
            }
        }
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be non-negative");
        }
    }

    /** Builds the statement for an answer. */
    public static ResultStatement of(byte[] sealedRequest, ChatCompletion completion, String modelDigest,
                                     String receiptHash) {
        HexFormat hex = HexFormat.of();
        return new ResultStatement(hex.formatHex(Digests.sha256(sealedRequest)),
                hex.formatHex(Digests.sha256(canonicalCompletion(completion))), modelDigest,
                completion.usage().promptTokens(), completion.usage().completionTokens(), receiptHash);
    }

    /** The 32 bytes that the worker's Ed25519 key signs. */
    @JsonIgnore
    public byte[] signedDigest() {
        HexFormat hex = HexFormat.of();
        byte[] counts = new CanonicalEncoder().int64(promptTokens).int64(completionTokens).toByteArray();
        return Digests.sha256(Labels.bytes(Labels.RESULT), hex.parseHex(requestHash), hex.parseHex(completionHash),
                hex.parseHex(modelDigest), counts, hex.parseHex(receiptHash));
    }

    /**
     * The canonical encoding of a completion: label, id, model, created, content, finish reason, prompt and
     * completion tokens, in {@link CanonicalEncoder} form. Independent of JSON formatting.
     */
    public static byte[] canonicalCompletion(ChatCompletion completion) {
        return CanonicalEncoder.labelled(Labels.COMPLETION)
                .text(completion.id()).text(completion.model()).int64(completion.created())
                .text(completion.content()).text(completion.finishReason())
                .int64(completion.usage().promptTokens()).int64(completion.usage().completionTokens())
                .toByteArray();
    }
}
