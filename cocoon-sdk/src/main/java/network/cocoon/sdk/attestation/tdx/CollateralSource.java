package network.cocoon.sdk.attestation.tdx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where TDX collateral comes from: a PCCS or Intel PCS, or an offline bundle. The verifier checks every
 * signature on what it returns, so a source only needs to be available, not trusted.
 */
@FunctionalInterface
public interface CollateralSource {
    /**
     * Collateral for the platform that produced {@code quote}.
     *
     * @throws IOException if it cannot be obtained
     * @throws TdxVerificationException if what was obtained is malformed
     */
    TdxCollateral collateral(TdxQuote quote, Instant now) throws IOException, TdxVerificationException;

    /** The same collateral for every quote: an offline bundle for the platforms of one FMSPC. */
    static CollateralSource offline(TdxCollateral collateral) {
        return (quote, now) -> collateral;
    }

    /**
     * An offline bundle file in the format of {@link TdxCollateral#fromJson(byte[])}.
     *
     * @param bundle the file
     * @return a source that always answers with the bundle
     * @throws IOException when the file cannot be read
     * @throws TdxVerificationException when the bundle is malformed
     */
    static CollateralSource offline(Path bundle) throws IOException, TdxVerificationException {
        return offline(TdxCollateral.fromJson(Files.readAllBytes(bundle)));
    }
}
