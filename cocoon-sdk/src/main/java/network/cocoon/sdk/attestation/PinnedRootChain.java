package network.cocoon.sdk.attestation;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * PKIX validation of a certificate chain to one pinned root at a given time, as hardware vendors' evidence
 * (Intel PCK, NVIDIA device identity) needs. Revocation is left to the caller, who checks the vendor's CRLs or
 * responses it holds: nothing is fetched here.
 */
public final class PinnedRootChain {
    private PinnedRootChain() {
    }

    /**
     * Validates {@code chain} (leaf first; a copy of the root at its end is allowed) to {@code root} at
     * {@code now}: signatures, validity periods, CA constraints and name chaining.
     *
     * @return the leaf certificate
     * @throws GeneralSecurityException if the chain does not lead to the root then
     */
    public static X509Certificate validate(List<X509Certificate> chain, X509Certificate root, Instant now)
            throws GeneralSecurityException {
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("empty certificate chain");
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        if (path.size() > 1 && path.get(path.size() - 1).equals(root)) {
            path.remove(path.size() - 1);
        }
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setDate(Date.from(now));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
                parameters);
        return path.get(0);
    }
}
