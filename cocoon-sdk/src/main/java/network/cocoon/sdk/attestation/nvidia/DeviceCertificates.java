package network.cocoon.sdk.attestation.nvidia;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;

/**
 * What the signed device certificates say about a GPU: its architecture (from the chip name in the chain's
 * subjects, for example {@code GH100}) and its firmware ids (the TCG DICE TcbInfo extension of the leaf).
 * Only signed data is used, never the evidence envelope's labels.
 */
final class DeviceCertificates {
    /** TCG DICE TcbInfo, which carries the firmware ids ({@code fwids}, tag 6). */
    static final String TCB_INFO_OID = "2.23.133.5.4.1";
    private static final Pattern CHIP = Pattern.compile("\\bG([HB])\\d{3}\\b");

    private DeviceCertificates() {
    }

    /** The architecture named by the chip in the chain's subjects: {@code HOPPER} (GHxxx) or {@code BLACKWELL} (GBxxx). */
    static Optional<String> architecture(List<X509Certificate> chain) {
        String found = null;
        for (X509Certificate certificate : chain) {
            Matcher m = CHIP.matcher(certificate.getSubjectX500Principal().getName().toUpperCase(Locale.ROOT));
            while (m.find()) {
                String architecture = m.group(1).equals("H") ? "HOPPER" : "BLACKWELL";
                if (found != null && !found.equals(architecture)) {
                    return Optional.empty();
                }
                found = architecture;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The firmware id digests in the certificate's TcbInfo extension.
     *
     * @throws IllegalArgumentException if the extension is present but malformed
     */
    static List<byte[]> firmwareIds(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(TCB_INFO_OID);
        List<byte[]> ids = new ArrayList<>();
        if (extension == null) {
            return ids;
        }
        try {
            ASN1Sequence tcbInfo = ASN1Sequence.getInstance(
                    ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(extension).getOctets()));
            for (ASN1Encodable field : tcbInfo) {
                if (field instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 6) {
                    for (ASN1Encodable fwid : ASN1Sequence.getInstance(tagged, false)) {
                        ids.add(ASN1OctetString.getInstance(ASN1Sequence.getInstance(fwid).getObjectAt(1)).getOctets());
                    }
                }
            }
            return ids;
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("the device certificate's TcbInfo extension is malformed", e);
        }
    }
}
