package network.cocoon.sdk.attestation.tdx;

import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.AttestationException.Reason;
import network.cocoon.sdk.attestation.PlatformClaims;
import network.cocoon.sdk.attestation.PlatformVerifier;
import network.cocoon.sdk.protocol.AttestationDocument;

/**
 * The {@code tdx} platform: the document's evidence is an Intel TDX quote. Verified with {@link DcapVerifier},
 * then held to a policy, in this order: the TD must not be in debug mode (unless allowed), its REPORTDATA must be
 * the document's report data, it must bind no service TD (unless that MRSERVICETD is allowed), its TCB status
 * must be accepted, and its measurements must be those of an allowed image.
 * Build one with {@link #builder()} and add it with {@code AttestationPolicy.Builder.platform}.
 */
public final class TdxPlatformVerifier implements PlatformVerifier {
    /** The platform name. */
    public static final String PLATFORM = "tdx";

    private final DcapVerifier dcap;
    private final CollateralSource collateral;
    private final List<TdxMeasurements> images;
    private final Set<TcbStatus> acceptedStatuses;
    private final boolean allowDebug;
    private final List<byte[]> serviceTds;

    private TdxPlatformVerifier(Builder b) {
        this.dcap = b.dcap;
        this.collateral = b.collateral;
        this.images = List.copyOf(b.images);
        this.acceptedStatuses = Set.copyOf(b.acceptedStatuses);
        this.allowDebug = b.allowDebug;
        this.serviceTds = b.serviceTds.stream().map(byte[]::clone).toList();
    }

    /** A builder: an image and a collateral source are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public PlatformClaims verify(AttestationDocument document, Instant now) {
        TdxVerdict verdict;
        try {
            TdxQuote quote = TdxQuote.parse(document.evidence());
            TdxCollateral bundle;
            try {
                bundle = collateral.collateral(quote, now);
            } catch (IOException e) {
                throw new AttestationException(Reason.COLLATERAL_UNAVAILABLE, e.getMessage(), e);
            }
            verdict = dcap.verify(quote, bundle, now);
        } catch (TdxVerificationException e) {
            throw new AttestationException(Reason.EVIDENCE_INVALID, "TDX quote: " + e.getMessage(), e);
        }
        TdxQuote.TdReport report = verdict.report();
        // DEBUG first: a debug TD is the more important fact, whatever else is wrong with the quote.
        if (report.debug() && !allowDebug) {
            throw new AttestationException(Reason.DEBUG_NOT_ALLOWED, "the TD runs with the DEBUG attribute");
        }
        if (!MessageDigest.isEqual(report.reportData(), document.reportData())) {
            throw new AttestationException(Reason.REPORT_DATA_MISMATCH,
                    "the quote's REPORTDATA is not this document's report data");
        }
        if (report.hasServiceTdBinding()
                && serviceTds.stream().noneMatch(allowed -> MessageDigest.isEqual(allowed, report.mrServiceTd()))) {
            throw new AttestationException(Reason.SERVICE_TD_NOT_ALLOWED, "MRSERVICETD "
                    + HexFormat.of().formatHex(report.mrServiceTd()) + " binds service TDs the policy does not allow");
        }
        if (!acceptedStatuses.contains(verdict.status())) {
            throw new AttestationException(Reason.TCB_STATUS_NOT_ACCEPTED, "TCB status " + verdict.status()
                    + " (advisories " + verdict.advisoryIds() + ") is not accepted");
        }
        if (images.stream().noneMatch(image -> image.matches(report))) {
            throw new AttestationException(Reason.MEASUREMENT_NOT_ALLOWED, "MRTD "
                    + HexFormat.of().formatHex(report.mrTd()) + " with its RTMRs is not an allowed worker image");
        }
        HexFormat hex = HexFormat.of();
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("mrtd", hex.formatHex(report.mrTd()));
        for (int i = 0; i < 4; i++) {
            claims.put("rtmr" + i, hex.formatHex(report.rtmrs().get(i)));
        }
        if (report.mrServiceTd().length > 0) {
            claims.put("mrServiceTd", hex.formatHex(report.mrServiceTd()));
        }
        claims.put("tcbStatus", verdict.status().intelName());
        claims.put("advisoryIds", String.join(",", verdict.advisoryIds()));
        return new PlatformClaims(PLATFORM, true, claims);
    }

    /** Builds a {@link TdxPlatformVerifier}. */
    public static final class Builder {
        private DcapVerifier dcap = DcapVerifier.withIntelRoot();
        private CollateralSource collateral;
        private final List<TdxMeasurements> images = new ArrayList<>();
        private final Set<TcbStatus> acceptedStatuses = EnumSet.of(TcbStatus.UP_TO_DATE);
        private boolean allowDebug;
        private final List<byte[]> serviceTds = new ArrayList<>();

        private Builder() {
        }

        /**
         * Accepts TD 1.5 quotes whose MRSERVICETD is this value: the TD is bound to service TDs (for example a
         * migration TD) with that measurement, which can act on the TD's state. By default only quotes with no
         * service-TD binding (MRSERVICETD zero, or a TD 1.0 body) are accepted.
         *
         * @param mrServiceTd the 48-byte MRSERVICETD
         */
        public Builder allowServiceTd(byte[] mrServiceTd) {
            if (mrServiceTd.length != 48) {
                throw new IllegalArgumentException("MRSERVICETD is 48 bytes");
            }
            serviceTds.add(mrServiceTd.clone());
            return this;
        }

        /** Allows a worker image; at least one is required. */
        public Builder allowImage(TdxMeasurements image) {
            images.add(Objects.requireNonNull(image));
            return this;
        }

        /** Also accepts these TCB statuses (UpToDate is always accepted). */
        public Builder acceptStatus(TcbStatus... statuses) {
            acceptedStatuses.addAll(List.of(statuses));
            return this;
        }

        /**
         * INSECURE: accepts TDs with the DEBUG attribute, whose memory the host can read. For debugging a
         * worker image only.
         */
        public Builder allowDebug() {
            this.allowDebug = true;
            return this;
        }

        /** Where collateral comes from (required). */
        public Builder collateral(CollateralSource source) {
            this.collateral = Objects.requireNonNull(source);
            return this;
        }

        /** The DCAP verifier (default: pinned to Intel's SGX Root CA). */
        public Builder dcapVerifier(DcapVerifier verifier) {
            this.dcap = Objects.requireNonNull(verifier);
            return this;
        }

        /** Builds the verifier. */
        public TdxPlatformVerifier build() {
            if (images.isEmpty()) {
                throw new IllegalStateException("allow at least one worker image (MRTD)");
            }
            if (collateral == null) {
                throw new IllegalStateException("a collateral source is required");
            }
            return new TdxPlatformVerifier(this);
        }
    }
}
