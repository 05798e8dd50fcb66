package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.Refusal;
import network.cocoon.sdk.protocol.WorkerError;

/**
 * A worker's error body with its signed refusal, as a client reads it before deciding whether to send the
 * request elsewhere: it reads or ends in an {@link IOException}, and {@link Refusal#verifies} then answers true or
 * false for every code, never throws, and is true only for a refusal really signed by the key over this request.
 * Seeds: a busy refusal signed by {@link #KEY} over {@link #REQUEST}, and variants.
 */
class RefusalFuzzTest {
    static final Ed25519KeyPair KEY = Ed25519KeyPair.fromSeed(new byte[32]);
    static final byte[] REQUEST = "a sealed request".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Ed25519 is deterministic: the one signature this key makes over this request and code. */
    static boolean genuine(Refusal refusal, ErrorCode code) {
        Refusal real = Refusal.sign(KEY, REQUEST, code);
        java.util.HexFormat hex = java.util.HexFormat.of();
        return code.wireName().equals(refusal.code())
                && java.util.Arrays.equals(hex.parseHex(real.signature()), hex.parseHex(refusal.signature()))
                && java.util.Arrays.equals(hex.parseHex(real.requestHash()), hex.parseHex(refusal.requestHash()));
    }

    @org.junit.jupiter.api.Test
    void theSeedIsAGenuineRefusal() throws Exception {
        byte[] seed = getClass().getResourceAsStream("RefusalFuzzTestInputs/anyRefusalReadsAndVerifiesOrIsRefused/"
                + "busy-signed").readAllBytes();
        Refusal refusal = ProtocolJson.read(seed, WorkerError.class).error().refusal();
        org.junit.jupiter.api.Assertions.assertTrue(refusal.verifies(KEY.publicKey(), REQUEST, ErrorCode.BUSY));
    }

    @FuzzTest(maxDuration = "10s")
    void anyRefusalReadsAndVerifiesOrIsRefused(byte[] body) throws Exception {
        Invariants.refusesOnly(body, IOException.class, b -> {
            WorkerError error = ProtocolJson.read(b, WorkerError.class);
            Refusal refusal = error.error() == null ? null : error.error().refusal();
            if (refusal == null) {
                return;
            }
            for (ErrorCode code : ErrorCode.values()) {
                if (refusal.verifies(KEY.publicKey(), REQUEST, code) && !genuine(refusal, code)) {
                    throw new AssertionError("a refusal verified that this key did not sign for " + code);
                }
            }
        });
    }
}
