package network.cocoon.sdk.attestation.tdx;

import java.util.Arrays;

/** Intel's TCB statuses, from best to worst, as TCB info and QE identity name them. */
public enum TcbStatus {
    /** The platform is patched to the latest TCB. */
    UP_TO_DATE("UpToDate"),
    /** Patched, but software mitigations for some advisories are needed. */
    SW_HARDENING_NEEDED("SWHardeningNeeded"),
    /** Patched, but the platform configuration needs changing. */
    CONFIGURATION_NEEDED("ConfigurationNeeded"),
    /** Both of the above. */
    CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
    /** The platform's TCB is behind Intel's current level. */
    OUT_OF_DATE("OutOfDate"),
    /** Behind, and the configuration needs changing. */
    OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
    /** The TCB level is revoked. */
    REVOKED("Revoked");

    private final String intelName;

    TcbStatus(String intelName) {
        this.intelName = intelName;
    }

    /** The name in Intel's JSON. */
    public String intelName() {
        return intelName;
    }

    /** The status for Intel's name. */
    static TcbStatus fromIntelName(String name) throws TdxVerificationException {
        return Arrays.stream(values()).filter(s -> s.intelName.equals(name)).findFirst().orElseThrow(() ->
                new TdxVerificationException(TdxVerificationException.Reason.MALFORMED_COLLATERAL,
                        "unknown TCB status " + name));
    }

    /** Combines a platform status with a component (QE or TDX module) status, as Intel's QVL does. */
    TcbStatus convergeWith(TcbStatus component) {
        if (component == OUT_OF_DATE) {
            if (this == UP_TO_DATE || this == SW_HARDENING_NEEDED) {
                return OUT_OF_DATE;
            }
            if (this == CONFIGURATION_NEEDED || this == CONFIGURATION_AND_SW_HARDENING_NEEDED) {
                return OUT_OF_DATE_CONFIGURATION_NEEDED;
            }
        }
        return component == REVOKED ? REVOKED : this;
    }
}
