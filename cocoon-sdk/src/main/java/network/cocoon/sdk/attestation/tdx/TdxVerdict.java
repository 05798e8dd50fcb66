package network.cocoon.sdk.attestation.tdx;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a successful DCAP verification: the quote is genuine, and this is how current its
 * platform is. Whether that status is acceptable is the policy's decision.
 *
 * @param status the converged TCB status (platform, TDX module and QE)
 * @param advisoryIds Intel security advisories that apply at the matched TCB level
 * @param report the verified TD report
 */
public record TdxVerdict(TcbStatus status, List<String> advisoryIds, TdxQuote.TdReport report) {
    /** Validates presence and copies the list. */
    public TdxVerdict {
        Objects.requireNonNull(status);
        Objects.requireNonNull(report);
        advisoryIds = List.copyOf(advisoryIds);
    }
}
