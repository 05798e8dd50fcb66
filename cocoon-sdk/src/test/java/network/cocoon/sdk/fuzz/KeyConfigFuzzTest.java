package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import network.cocoon.sdk.protocol.KeyConfig;

/** A worker's published HPKE key config: decodes or ends in an {@link IllegalArgumentException}. */
class KeyConfigFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyKeyConfigDecodesOrIsRefused(byte[] encoded) throws Exception {
        Invariants.refusesOnly(encoded, IllegalArgumentException.class, KeyConfig::decode);
    }
}
