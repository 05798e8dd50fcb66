package network.cocoon.sdk.attestation.tdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException.Reason;

/**
 * A parsed Intel TDX quote, version 4 or 5 (Intel TDX DCAP Quote Generation Library and Quote Verification
 * Library, "Quote Format"). Little-endian throughout. Parsing checks structure only; {@link DcapVerifier}
 * checks signatures and collateral.
 */
public final class TdxQuote {
    static final int HEADER_LENGTH = 48;
    static final int TD10_BODY_LENGTH = 584;
    static final int TD15_BODY_LENGTH = 648;
    static final int ECDSA_P256_KEY_TYPE = 2;
    static final int TEE_TYPE_TDX = 0x81;
    static final int QE_REPORT_LENGTH = 384;
    static final int CERT_DATA_QE_REPORT = 6;
    static final int CERT_DATA_PCK_CHAIN = 5;
    /** Intel's QE vendor id. */
    static final byte[] INTEL_QE_VENDOR = {(byte) 0x93, (byte) 0x9a, 0x72, 0x33, (byte) 0xf7, (byte) 0x9c, 0x4c,
        (byte) 0xa9, (byte) 0x94, 0x0a, 0x0d, (byte) 0xb3, (byte) 0x95, 0x7f, 0x06, 0x07};

    private final int version;
    private final byte[] signedData;
    private final TdReport report;
    private final byte[] signature;
    private final byte[] attestationKey;
    private final byte[] qeReport;
    private final byte[] qeReportSignature;
    private final byte[] qeAuthData;
    private final String pckChainPem;

    private TdxQuote(int version, byte[] signedData, TdReport report, byte[] signature, byte[] attestationKey,
                     byte[] qeReport, byte[] qeReportSignature, byte[] qeAuthData, String pckChainPem) {
        this.version = version;
        this.signedData = signedData;
        this.report = report;
        this.signature = signature;
        this.attestationKey = attestationKey;
        this.qeReport = qeReport;
        this.qeReportSignature = qeReportSignature;
        this.qeAuthData = qeAuthData;
        this.pckChainPem = pckChainPem;
    }

    /**
     * The measured TD: what the quote vouches for.
     *
     * @param teeTcbSvn TDX module and platform SVNs (16 bytes)
     * @param mrSeam measurement of the TDX module
     * @param mrSignerSeam signer of the TDX module (zero for Intel's)
     * @param seamAttributes TDX module attributes
     * @param tdAttributes TD attributes; bit 0 is DEBUG
     * @param xfam extended features
     * @param mrTd measurement of the initial TD contents (the worker image)
     * @param mrConfigId software-defined configuration id
     * @param mrOwner owner id
     * @param mrOwnerConfig owner configuration
     * @param rtmrs runtime measurement registers 0-3
     * @param reportData the 64 bytes the TD bound into the quote
     * @param teeTcbSvn2 TD 1.5 bodies: the TDX module's second TCB SVN (16 bytes); empty for a TD 1.0 body
     * @param mrServiceTd TD 1.5 bodies: the measurement of the service TDs bound to this TD (48 bytes, zero when
     *     none is bound); empty for a TD 1.0 body
     */
    public record TdReport(byte[] teeTcbSvn, byte[] mrSeam, byte[] mrSignerSeam, byte[] seamAttributes,
                           byte[] tdAttributes, byte[] xfam, byte[] mrTd,
                           byte[] mrConfigId, byte[] mrOwner, byte[] mrOwnerConfig, List<byte[]> rtmrs,
                           byte[] reportData, byte[] teeTcbSvn2, byte[] mrServiceTd) {
        /** Whether the TD runs in debug mode (its memory is readable by the host). */
        public boolean debug() {
            return (tdAttributes[0] & 1) != 0;
        }

        /** Whether service TDs are bound to this TD (a TD 1.5 body with a non-zero MRSERVICETD). */
        public boolean hasServiceTdBinding() {
            for (byte b : mrServiceTd) {
                if (b != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Parses a quote.
     *
     * @throws TdxVerificationException with {@code MALFORMED_QUOTE} or {@code UNSUPPORTED_QUOTE}
     */
    public static TdxQuote parse(byte[] quote) throws TdxVerificationException {
        try {
            ByteBuffer in = ByteBuffer.wrap(quote).order(ByteOrder.LITTLE_ENDIAN);
            int version = Short.toUnsignedInt(in.getShort());
            int keyType = Short.toUnsignedInt(in.getShort());
            long teeType = Integer.toUnsignedLong(in.getInt());
            in.position(12);
            byte[] vendor = take(in, 16);
            if (version != 4 && version != 5) {
                throw new TdxVerificationException(Reason.UNSUPPORTED_QUOTE, "quote version " + version);
            }
            if (keyType != ECDSA_P256_KEY_TYPE || teeType != TEE_TYPE_TDX) {
                throw new TdxVerificationException(Reason.UNSUPPORTED_QUOTE,
                        "not an ECDSA-P256 TDX quote (key type " + keyType + ", TEE type " + teeType + ")");
            }
            if (!Arrays.equals(vendor, INTEL_QE_VENDOR)) {
                throw new TdxVerificationException(Reason.UNSUPPORTED_QUOTE, "QE vendor is not Intel");
            }
            in.position(HEADER_LENGTH);
            int bodyLength = TD10_BODY_LENGTH;
            if (version == 5) {
                int bodyType = Short.toUnsignedInt(in.getShort());
                bodyLength = in.getInt();
                int expected = switch (bodyType) {
                    case 2 -> TD10_BODY_LENGTH;
                    case 3 -> TD15_BODY_LENGTH;
                    default -> throw new TdxVerificationException(Reason.UNSUPPORTED_QUOTE, "body type " + bodyType);
                };
                if (bodyLength != expected) {
                    throw new TdxVerificationException(Reason.MALFORMED_QUOTE, "body size " + bodyLength);
                }
            }
            int bodyStart = in.position();
            TdReport report = readReport(in, bodyLength == TD15_BODY_LENGTH);
            in.position(bodyStart + bodyLength);
            byte[] signedData = Arrays.copyOfRange(quote, 0, in.position());

            int signatureDataLength = in.getInt();
            if (signatureDataLength < 0 || signatureDataLength > in.remaining()) {
                throw new TdxVerificationException(Reason.MALFORMED_QUOTE, "signature data length");
            }
            int signatureEnd = in.position() + signatureDataLength;
            byte[] signature = take(in, 64);
            byte[] attestationKey = take(in, 64);
            int certType = Short.toUnsignedInt(in.getShort());
            int certSize = in.getInt();
            if (certType != CERT_DATA_QE_REPORT || certSize != signatureEnd - in.position()) {
                throw new TdxVerificationException(Reason.MALFORMED_QUOTE, "certification data type " + certType);
            }
            byte[] qeReport = take(in, QE_REPORT_LENGTH);
            byte[] qeReportSignature = take(in, 64);
            byte[] qeAuthData = take(in, Short.toUnsignedInt(in.getShort()));
            int innerType = Short.toUnsignedInt(in.getShort());
            int innerSize = in.getInt();
            if (innerType != CERT_DATA_PCK_CHAIN || innerSize != signatureEnd - in.position()) {
                throw new TdxVerificationException(Reason.MALFORMED_QUOTE, "QE certification data type " + innerType);
            }
            String pem = new String(take(in, innerSize), StandardCharsets.US_ASCII).replaceAll("\0+$", "");
            if (!pem.strip().endsWith("-----END CERTIFICATE-----")) {
                throw new TdxVerificationException(Reason.MALFORMED_QUOTE, "PCK chain has data after its last certificate");
            }
            // Bytes past the declared signature data are covered by no signature and nothing is read from them:
            // they are ignored, as Intel's QVL and other verifiers do (quote buffers are often padded).
            return new TdxQuote(version, signedData, report, signature, attestationKey, qeReport, qeReportSignature,
                    qeAuthData, pem);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new TdxVerificationException(Reason.MALFORMED_QUOTE, "truncated quote", e);
        }
    }

    private static TdReport readReport(ByteBuffer in, boolean td15) {
        byte[] teeTcbSvn = take(in, 16);
        byte[] mrSeam = take(in, 48);
        byte[] mrSignerSeam = take(in, 48);
        byte[] seamAttributes = take(in, 8);
        byte[] tdAttributes = take(in, 8);
        byte[] xfam = take(in, 8);
        byte[] mrTd = take(in, 48);
        byte[] mrConfigId = take(in, 48);
        byte[] mrOwner = take(in, 48);
        byte[] mrOwnerConfig = take(in, 48);
        List<byte[]> rtmrs = List.of(take(in, 48), take(in, 48), take(in, 48), take(in, 48));
        byte[] reportData = take(in, 64);
        byte[] teeTcbSvn2 = td15 ? take(in, 16) : new byte[0];
        byte[] mrServiceTd = td15 ? take(in, 48) : new byte[0];
        return new TdReport(teeTcbSvn, mrSeam, mrSignerSeam, seamAttributes, tdAttributes, xfam, mrTd, mrConfigId,
                mrOwner, mrOwnerConfig, rtmrs, reportData, teeTcbSvn2, mrServiceTd);
    }

    private static byte[] take(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }

    /** 4 or 5. */
    public int version() {
        return version;
    }

    /** The TD report body. */
    public TdReport report() {
        return report;
    }

    byte[] signedData() {
        return signedData;
    }

    byte[] signature() {
        return signature;
    }

    byte[] attestationKey() {
        return attestationKey;
    }

    byte[] qeReport() {
        return qeReport;
    }

    byte[] qeReportSignature() {
        return qeReportSignature;
    }

    byte[] qeAuthData() {
        return qeAuthData;
    }

    String pckChainPem() {
        return pckChainPem;
    }
}
