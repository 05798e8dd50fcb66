package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import network.cocoon.sdk.attestation.tdx.TdxCollateral;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException;

/**
 * TDX collateral as a worker or a PCCS hands it over (the offline JSON bundle): parses or ends in a
 * {@link TdxVerificationException}. Seeds: the collateral of two real quotes.
 */
class TdxCollateralFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyCollateralParsesOrIsRefused(byte[] json) throws Exception {
        Invariants.refusesOnly(json, TdxVerificationException.class, TdxCollateral::fromJson);
    }
}
