package network.cocoon.sdk.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The domain-separation labels of protocol version {@code cocoon/v1}.
 *
 * <p>Every hash, signature and key derivation in the protocol starts with one of these labels so that a
 * value computed for one purpose can never be replayed as a value for another.
 */
public final class Labels {
    /** Protocol version string carried in attestation documents. */
    public static final String VERSION = "cocoon/v1";
    /** Prefix of the attestation document hash that becomes the TEE report data. */
    public static final String ATTESTATION = "cocoon/v1 attestation";
    /** Prefix of the message the dev root signs in {@code dev} evidence. */
    public static final String DEV_EVIDENCE = "cocoon/v1 dev evidence";
    /** Prefix of the HPKE {@code info} of a sealed request. */
    public static final String REQUEST = "cocoon/v1 request";
    /** HPKE exporter context for a single-shot response. */
    public static final String RESPONSE = "cocoon/v1 response";
    /** HPKE exporter context for a streamed (chunked) response. */
    public static final String RESPONSE_STREAM = "cocoon/v1 response stream";
    /** Prefix of the signed result statement digest. */
    public static final String RESULT = "cocoon/v1 result";
    /** Label opening the canonical encoding of a completion. */
    public static final String COMPLETION = "cocoon/v1 completion";
    /** AAD of the final chunk of a streamed response. */
    public static final String FINAL_CHUNK = "final";

    private Labels() {
    }

    /** Domain label of a worker's signed refusal ({@link Refusal}). */
    public static final String REFUSAL = "cocoon/v1 refusal";

    /** The label's UTF-8 bytes. */
    public static byte[] bytes(String label) {
        return label.getBytes(StandardCharsets.UTF_8);
    }
}
