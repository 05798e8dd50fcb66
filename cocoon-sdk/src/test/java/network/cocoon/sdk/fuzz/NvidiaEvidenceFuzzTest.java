package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import network.cocoon.sdk.attestation.nvidia.SpdmMeasurements;

/** A confidential GPU's SPDM measurement report: parses or ends in an {@link IllegalArgumentException}. */
class NvidiaEvidenceFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anySpdmReportParsesOrIsRefused(byte[] report) throws Exception {
        Invariants.refusesOnly(report, IllegalArgumentException.class, SpdmMeasurements::parse);
    }
}
