package network.cocoon.sdk.attestation;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.Labels;

/**
 * {@code dev} evidence: an Ed25519 signature by a local "dev root" key over
 * {@code "cocoon/v1 dev evidence" || report_data}. It proves only that whoever holds the dev root vouched for
 * the document: no hardware, no confidentiality. For local development and tests.
 */
public final class DevEvidence {
    /** The platform name. */
    public static final String PLATFORM = "dev";

    private DevEvidence() {
    }

    /** Signs a document's report data with the dev root (the worker side). */
    public static byte[] sign(Ed25519KeyPair devRoot, byte[] reportData) {
        return devRoot.sign(message(reportData));
    }

    private static byte[] message(byte[] reportData) {
        byte[] label = Labels.bytes(Labels.DEV_EVIDENCE);
        byte[] out = new byte[label.length + reportData.length];
        System.arraycopy(label, 0, out, 0, label.length);
        System.arraycopy(reportData, 0, out, label.length, reportData.length);
        return out;
    }

    /** Verifies {@code dev} evidence against a set of trusted dev roots. */
    static final class Verifier implements PlatformVerifier {
        private final List<byte[]> trustedRoots;

        Verifier(List<byte[]> trustedRoots) {
            this.trustedRoots = trustedRoots.stream().map(byte[]::clone).toList();
        }

        @Override
        public String platform() {
            return PLATFORM;
        }

        @Override
        public PlatformClaims verify(AttestationDocument document, Instant now) {
            byte[] message = message(document.reportData());
            byte[] evidence = document.evidence();
            for (byte[] root : trustedRoots) {
                if (Ed25519.verify(root, message, evidence)) {
                    return new PlatformClaims(PLATFORM, false,
                            Map.of("devRoot", java.util.HexFormat.of().formatHex(Digests.sha256(root))));
                }
            }
            byte[] named = document.devRoot();
            if (named.length > 0 && trustedRoots.stream().noneMatch(root -> MessageDigest.isEqual(root, named))) {
                // Naming a 32-byte key helps a developer pin the right one; anything else is named by its
                // length only, so that a hostile document cannot put arbitrary bytes into the message.
                if (named.length != 32) {
                    throw new AttestationException(AttestationException.Reason.EVIDENCE_INVALID,
                            "the document's devRoot is " + named.length + " bytes, not a 32-byte Ed25519 key");
                }
                throw new AttestationException(AttestationException.Reason.EVIDENCE_INVALID,
                        "the worker names dev root " + HexFormat.of().formatHex(named)
                                + ", which this policy does not trust");
            }
            throw new AttestationException(AttestationException.Reason.EVIDENCE_INVALID,
                    "dev evidence is not a signature by a trusted dev root over this document");
        }
    }
}
