package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HexFormat;
import java.util.Objects;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.crypto.Ed25519KeyPair;

/**
 * A worker's signed statement that it refused a request without processing it: Ed25519 by the attested signing
 * key over {@code text("cocoon/v1 refusal") || bytes(request_hash) || text(code)}, where {@code request_hash} is
 * SHA-256 of the sealed request as sent. It is what lets a client resend the same prompt to another worker: a
 * worker that signs it and charges anyway is caught by its own signature. {@code docs/protocol.md} §11.
 *
 * @param requestHash hex SHA-256 of the sealed request
 * @param code the {@link ErrorCode} wire name of the refusal
 * @param signature hex Ed25519 signature
 */
public record Refusal(@JsonProperty("request_hash") String requestHash, String code, String signature) {
    /** Validates presence. */
    public Refusal {
        Objects.requireNonNull(requestHash, "request_hash");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(signature, "signature");
    }

    /**
     * The bytes a refusal signs.
     *
     * @param requestHash SHA-256 of the sealed request
     * @param code the refusal's wire code
     * @return the canonical encoding
     */
    public static byte[] signedBytes(byte[] requestHash, String code) {
        return CanonicalEncoder.labelled(Labels.REFUSAL).bytes(requestHash).text(code).toByteArray();
    }

    /**
     * Signs a refusal of a sealed request.
     *
     * @param key the worker's attested signing key
     * @param sealedRequest the request's bytes as received
     * @param code the refusal's code
     * @return the refusal
     */
    public static Refusal sign(Ed25519KeyPair key, byte[] sealedRequest, ErrorCode code) {
        byte[] hash = Digests.sha256(sealedRequest);
        HexFormat hex = HexFormat.of();
        return new Refusal(hex.formatHex(hash), code.wireName(),
                hex.formatHex(key.sign(signedBytes(hash, code.wireName()))));
    }

    /**
     * Whether this refusal is the given worker's, for exactly this request and code.
     *
     * @param signingKey the worker's attested Ed25519 key
     * @param sealedRequest the request's bytes as sent
     * @param expected the code the response carried
     * @return whether hash, code and signature all match
     */
    public boolean verifies(byte[] signingKey, byte[] sealedRequest, ErrorCode expected) {
        HexFormat hex = HexFormat.of();
        byte[] hash = Digests.sha256(sealedRequest);
        byte[] claimed;
        byte[] sig;
        try {
            claimed = hex.parseHex(requestHash);
            sig = hex.parseHex(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return Digests.constantTimeEquals(hash, claimed) && expected.wireName().equals(code)
                && Ed25519.verify(signingKey, signedBytes(hash, code), sig);
    }
}
