package network.cocoon.sdk.attestation.tdx;

import java.io.IOException;
import java.security.cert.X509Certificate;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException.Reason;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's FMSPC, PCE id and
 * TCB (16 component SVNs and the PCE SVN) as provisioned.
 *
 * @param fmspc family-model-stepping-platform-custom id (6 bytes)
 * @param pceId PCE id (2 bytes)
 * @param componentSvns SGX TCB component SVNs (16)
 * @param pceSvn PCE SVN
 */
record PckExtensions(byte[] fmspc, byte[] pceId, int[] componentSvns, int pceSvn) {
    private static final String SGX_EXTENSION = "1.2.840.113741.1.13.1";

    static PckExtensions of(X509Certificate pck) throws TdxVerificationException {
        byte[] wrapped = pck.getExtensionValue(SGX_EXTENSION);
        if (wrapped == null) {
            throw new TdxVerificationException(Reason.PCK_CHAIN_INVALID, "PCK certificate lacks the SGX extension");
        }
        try {
            ASN1Sequence entries = ASN1Sequence.getInstance(
                    ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(wrapped).getOctets()));
            byte[] fmspc = null;
            byte[] pceId = null;
            int[] components = null;
            int pceSvn = -1;
            for (ASN1Encodable entry : entries) {
                ASN1Sequence pair = ASN1Sequence.getInstance(entry);
                String oid = ASN1ObjectIdentifier.getInstance(pair.getObjectAt(0)).getId();
                ASN1Encodable value = pair.getObjectAt(1);
                switch (oid.substring(SGX_EXTENSION.length())) {
                    case ".2" -> {
                        components = new int[16];
                        for (ASN1Encodable tcbEntry : ASN1Sequence.getInstance(value)) {
                            ASN1Sequence tcbPair = ASN1Sequence.getInstance(tcbEntry);
                            String tcbOid = ASN1ObjectIdentifier.getInstance(tcbPair.getObjectAt(0)).getId();
                            int index = Integer.parseInt(tcbOid.substring(tcbOid.lastIndexOf('.') + 1));
                            if (index >= 1 && index <= 16) {
                                components[index - 1] = ASN1Integer.getInstance(tcbPair.getObjectAt(1))
                                        .intValueExact();
                            } else if (index == 17) {
                                pceSvn = ASN1Integer.getInstance(tcbPair.getObjectAt(1)).intValueExact();
                            }
                        }
                    }
                    case ".3" -> pceId = ASN1OctetString.getInstance(value).getOctets();
                    case ".4" -> fmspc = ASN1OctetString.getInstance(value).getOctets();
                    default -> {
                        // PPID, SGX type and platform-instance fields do not enter TCB evaluation.
                    }
                }
            }
            if (fmspc == null || pceId == null || components == null || pceSvn < 0) {
                throw new TdxVerificationException(Reason.PCK_CHAIN_INVALID, "incomplete SGX extension");
            }
            return new PckExtensions(fmspc, pceId, components, pceSvn);
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            throw new TdxVerificationException(Reason.PCK_CHAIN_INVALID, "malformed SGX extension", e);
        }
    }
}
