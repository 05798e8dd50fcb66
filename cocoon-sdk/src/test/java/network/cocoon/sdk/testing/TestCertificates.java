package network.cocoon.sdk.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** EC keys, certificates and CRLs made in tests, for PKIs that stand in for Intel's and NVIDIA's. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** A fresh EC key on a named curve ({@code secp256r1}, {@code secp384r1}). */
    public static KeyPair ecKey(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A certificate valid 2018-2045.
     *
     * @param extensionOid a non-critical extension to add, or {@code null}
     * @param extensionValue its DER value
     */
    public static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
                                              long serial, boolean ca, String extensionOid, byte[] extensionValue)
            throws Exception {
        var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(serial),
                Date.from(Instant.parse("2018-01-01T00:00:00Z")), Date.from(Instant.parse("2045-01-01T00:00:00Z")),
                new X500Name(subject), subjectKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        if (extensionOid != null) {
            builder.addExtension(new ASN1ObjectIdentifier(extensionOid), false, extensionValue);
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    /** A DER CRL by {@code issuer}, current from a day before {@code now} for 30 days, revoking {@code revoked}. */
    public static byte[] crl(X509Certificate issuer, KeyPair key, Instant now, List<BigInteger> revoked)
            throws Exception {
        X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(
                issuer.getSubjectX500Principal().getEncoded()), Date.from(now.minus(1, ChronoUnit.DAYS)));
        builder.setNextUpdate(Date.from(now.plus(30, ChronoUnit.DAYS)));
        for (BigInteger serial : revoked) {
            builder.addCRLEntry(serial, Date.from(now.minus(2, ChronoUnit.DAYS)), CRLReason.keyCompromise);
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    }
}
