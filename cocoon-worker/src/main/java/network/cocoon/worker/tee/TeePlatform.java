package network.cocoon.worker.tee;

/**
 * Where the worker runs and how it proves it: produces platform evidence over 64 bytes of report data.
 * Implementations: {@link DevTee} now; a TDX one (configfs-tsm quotes) drops in behind this interface.
 */
public interface TeePlatform {
    /** The platform name written into attestation documents ({@code dev}, {@code tdx}, ...). */
    String platform();

    /**
     * Evidence binding {@code reportData} (64 bytes) to this platform.
     *
     * @throws TeeUnavailableException if the platform cannot produce evidence
     */
    byte[] evidence(byte[] reportData);

    /** For the insecure {@code dev} platform, the dev root public key clients must pin; empty otherwise. */
    default byte[] devRootPublicKey() {
        return new byte[0];
    }
}
