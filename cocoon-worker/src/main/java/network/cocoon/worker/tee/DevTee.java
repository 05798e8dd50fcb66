package network.cocoon.worker.tee;

import network.cocoon.sdk.attestation.DevEvidence;
import network.cocoon.sdk.crypto.Ed25519KeyPair;

/**
 * INSECURE development platform: evidence is an Ed25519 signature by a local dev root key. It proves nothing
 * about hardware; clients accept it only with an explicit insecure-development policy.
 */
public final class DevTee implements TeePlatform {
    private final Ed25519KeyPair devRoot;

    /** A dev platform signing with {@code devRoot}. */
    public DevTee(Ed25519KeyPair devRoot) {
        this.devRoot = devRoot;
    }

    @Override
    public String platform() {
        return DevEvidence.PLATFORM;
    }

    @Override
    public byte[] evidence(byte[] reportData) {
        return DevEvidence.sign(devRoot, reportData);
    }

    /** The dev root's public key, which a development client must be told to trust. */
    @Override
    public byte[] devRootPublicKey() {
        return devRoot.publicKey();
    }
}
