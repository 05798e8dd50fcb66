package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import network.cocoon.sdk.attestation.tdx.TdxCollateral;
import network.cocoon.sdk.attestation.tdx.TdxQuote;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException;

/**
 * Intel TDX evidence from an untrusted worker: a quote (v4, with its certification data) and the collateral
 * JSON. Each parses or ends in a {@link TdxVerificationException}. Seeds: two real quotes and their
 * collateral.
 */
class TdxQuoteFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyQuoteParsesOrIsRefused(byte[] quote) {
        try {
            TdxQuote.parse(quote);
        } catch (TdxVerificationException expected) {
            Invariants.fixedText(expected, quote);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void anyCollateralParsesOrIsRefused(byte[] json) {
        try {
            TdxCollateral.fromJson(json);
        } catch (TdxVerificationException expected) {
            Invariants.fixedText(expected, json);
        }
    }
}
