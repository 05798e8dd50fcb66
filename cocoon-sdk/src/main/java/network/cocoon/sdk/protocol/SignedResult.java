package network.cocoon.sdk.protocol;

import java.util.Objects;

/**
 * A result statement and the worker's Ed25519 signature over its {@link ResultStatement#signedDigest()}.
 *
 * @param statement what is signed
 * @param signature 64-byte Ed25519 signature (base64 in JSON)
 */
public record SignedResult(ResultStatement statement, byte[] signature) {
    /** Validates presence. */
    public SignedResult {
        Objects.requireNonNull(statement, "statement");
        signature = Objects.requireNonNull(signature, "signature").clone();
    }

    /** A copy of the signature. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
