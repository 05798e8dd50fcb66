package network.cocoon.sdk.attestation.tdx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Objects;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException.Reason;

/**
 * What a TDX quote is verified against besides the pinned root: Intel's CRLs, signed TCB info and QE
 * identity, with the chains that sign them. Fetched from a PCCS or Intel PCS, or bundled offline.
 *
 * @param pckCrlIssuerChain PEM chain of the PCK CRL's issuer
 * @param rootCaCrl DER of the root CA's CRL
 * @param pckCrl DER of the PCK CA's CRL
 * @param tcbInfoIssuerChain PEM chain of the TCB signing certificate
 * @param tcbInfo the {@code tcbInfo} JSON exactly as signed
 * @param tcbInfoSignature raw ECDSA P-256 signature ({@code r || s}) over {@code tcbInfo}
 * @param qeIdentityIssuerChain PEM chain of the QE identity's signer
 * @param qeIdentity the {@code enclaveIdentity} JSON exactly as signed
 * @param qeIdentitySignature raw ECDSA P-256 signature over {@code qeIdentity}
 */
public record TdxCollateral(String pckCrlIssuerChain, byte[] rootCaCrl, byte[] pckCrl, String tcbInfoIssuerChain,
                            String tcbInfo, byte[] tcbInfoSignature, String qeIdentityIssuerChain, String qeIdentity,
                            byte[] qeIdentitySignature) {
    /** Validates presence and copies arrays. */
    public TdxCollateral {
        Objects.requireNonNull(pckCrlIssuerChain);
        Objects.requireNonNull(tcbInfoIssuerChain);
        Objects.requireNonNull(tcbInfo);
        Objects.requireNonNull(qeIdentityIssuerChain);
        Objects.requireNonNull(qeIdentity);
        rootCaCrl = rootCaCrl.clone();
        pckCrl = pckCrl.clone();
        tcbInfoSignature = tcbInfoSignature.clone();
        qeIdentitySignature = qeIdentitySignature.clone();
    }

    /**
     * Reads the offline bundle format: a JSON object with the fields above in snake case, binary ones as hex
     * (the format of {@code dcap-qvl}'s collateral files).
     *
     * @param json the bundle
     * @return the collateral
     * @throws TdxVerificationException naming the field that is missing or malformed
     */
    public static TdxCollateral fromJson(byte[] json) throws TdxVerificationException {
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            // Jackson's message quotes the offending input; the bundle's bytes stay out of ours.
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, "collateral bundle is not JSON", e);
        }
        if (c == null || !c.isObject()) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, "collateral bundle is not a JSON object");
        }
        return new TdxCollateral(text(c, "pck_crl_issuer_chain"), hex(c, "root_ca_crl"), hex(c, "pck_crl"),
                text(c, "tcb_info_issuer_chain"), text(c, "tcb_info"), hex(c, "tcb_info_signature"),
                text(c, "qe_identity_issuer_chain"), text(c, "qe_identity"), hex(c, "qe_identity_signature"));
    }

    private static String text(JsonNode node, String field) throws TdxVerificationException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, "collateral bundle: missing " + field);
        }
        return value.asText();
    }

    private static byte[] hex(JsonNode node, String field) throws TdxVerificationException {
        try {
            return HexFormat.of().parseHex(text(node, field));
        } catch (IllegalArgumentException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, "collateral bundle: " + field
                    + " is not hex");
        }
    }
}
