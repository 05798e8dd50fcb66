package network.cocoon.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import network.cocoon.sdk.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/** {@code Retry-After} reaches the caller only as delta-seconds in a sane range; anything else is absent. */
class WorkerRejectedExceptionTest {
    static Optional<Duration> retryAfter(String header) {
        return new WorkerRejectedException(503, ErrorCode.BUSY, "busy", header).retryAfter();
    }

    @Test
    void deltaSecondsAreRead() {
        assertEquals(Optional.of(Duration.ofSeconds(1)), retryAfter("1"));
        assertEquals(Optional.of(Duration.ZERO), retryAfter("0"));
        assertEquals(Optional.of(Duration.ofSeconds(120)), retryAfter(" 120 "));
        assertEquals(Optional.of(Duration.ofDays(1)), retryAfter("86400"));
    }

    @Test
    void anythingElseIsAbsent() {
        for (String bad : new String[] {null, "", " ", "-1", "1.5", "86401", "999999", "1e3", "+1",
                "Wed, 21 Oct 2015 07:28:00 GMT", "٣"}) {
            assertEquals(Optional.empty(), retryAfter(bad), String.valueOf(bad));
        }
        assertEquals(Optional.empty(), new WorkerRejectedException(503, ErrorCode.BUSY, "busy").retryAfter());
    }
}
