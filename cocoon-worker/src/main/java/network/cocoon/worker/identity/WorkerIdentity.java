package network.cocoon.worker.identity;

import java.util.List;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;

/**
 * The worker's two key pairs, created in memory at start and never written anywhere: X25519 for HPKE
 * (requests are sealed to it) and Ed25519 for signing results and receipts.
 *
 * @param hpkeKey the HPKE key
 * @param keyConfig the RFC 9458 key config published for it
 * @param signingKey the signing key
 */
public record WorkerIdentity(HpkeKeyPair hpkeKey, KeyConfig keyConfig, Ed25519KeyPair signingKey) {
    /** Fresh keys; the key id is random so that a restarted worker's old config is recognisably stale. */
    public static WorkerIdentity generate() {
        HpkeKeyPair hpke = HpkeKeyPair.generate();
        int keyId = new java.security.SecureRandom().nextInt(256);
        return of(hpke, keyId, Ed25519KeyPair.generate());
    }

    /**
     * An identity from given keys (tests and vectors). AES-128-GCM comes first: with the JDK's AES-NI and
     * CLMUL intrinsics it seals about twice as fast as ChaCha20-Poly1305 (benchmarks/README.md), and every
     * TDX host has those instructions.
     */
    public static WorkerIdentity of(HpkeKeyPair hpke, int keyId, Ed25519KeyPair signing) {
        KeyConfig config = new KeyConfig(keyId, HpkeSuite.KEM_X25519_SHA256, hpke.publicKey(),
                List.of(HpkeSuite.X25519_SHA256_AES128GCM, HpkeSuite.X25519_SHA256_CHACHA20POLY1305));
        return new WorkerIdentity(hpke, config, signing);
    }

    /** Keeps key material out of logs. */
    @Override
    public String toString() {
        return "WorkerIdentity[" + keyConfig + "]";
    }
}
