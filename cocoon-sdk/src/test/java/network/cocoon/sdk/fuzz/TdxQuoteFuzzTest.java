package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import network.cocoon.sdk.attestation.tdx.TdxQuote;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException;

/**
 * Intel TDX evidence from an untrusted worker: a quote (v4, with its certification data) parses or ends in a
 * {@link TdxVerificationException}. Seeds: two real quotes.
 */
class TdxQuoteFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyQuoteParsesOrIsRefused(byte[] quote) throws Exception {
        Invariants.refusesOnly(quote, TdxVerificationException.class, TdxQuote::parse);
    }
}
