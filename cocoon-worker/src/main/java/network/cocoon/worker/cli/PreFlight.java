package network.cocoon.worker.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import network.cocoon.worker.tee.PlatformMeasurements;
import network.cocoon.worker.tee.TeePlatform;

/**
 * The pre-flight: what clients will see of this worker (its model digest and its platform's measurements),
 * compared with the operator's published allow-list, so that a mismatch is found before clients refuse the
 * worker.
 */
public final class PreFlight {
    private PreFlight() {
    }

    /**
     * Reads this worker's measurements from fresh evidence, prints them and, when an allow-list is given,
     * compares.
     *
     * @param tee the evidence platform (asked for evidence now, so a missing TEE fails here)
     * @param digest the model digest
     * @param allowList the published allow-list, or {@code null} to only print what to publish
     * @param out where the values are printed
     * @return the measurements, by register name
     * @throws IllegalStateException naming every mismatch
     * @throws IllegalArgumentException when the allow-list is unreadable or malformed
     */
    public static Map<String, String> check(TeePlatform tee, String digest, Path allowList, PrintStream out) {
        AllowList allowed = allowList == null ? null : AllowList.read(allowList);
        Map<String, String> measurements = PlatformMeasurements.of(tee, tee.evidence(new byte[64]));
        out.println("pre-flight model digest " + digest);
        out.println("pre-flight platform " + tee.platform());
        measurements.forEach((name, value) -> out.println("pre-flight " + name + " " + value));
        if (allowed == null) {
            out.println("pre-flight no --allow-list given: publish the values above (docs/operators.md)");
            return measurements;
        }
        List<String> problems = allowed.mismatches(digest, tee.platform(), measurements);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("pre-flight failed against " + allowList + ": "
                    + String.join("; ", problems));
        }
        out.println("pre-flight passed: the model digest and measurements are in " + allowList);
        return measurements;
    }
}
