package network.cocoon.worker.payment;

import java.nio.file.Path;
import java.util.Objects;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentTerms;

/**
 * How this worker is paid.
 *
 * @param mode {@link PaymentTerms#MODE_TON} or {@link PaymentTerms#MODE_DEV}
 * @param channelKey the operator's channel key (party B); must be the one the channels were deployed with
 * @param payout the operator's payout wallet (party B's address)
 * @param closing the closing terms the worker accepts channels with
 * @param excessFee the excess fee the worker accepts channels with
 * @param ledger the ledger's database file
 */
public record PaymentSettings(String mode, Ed25519KeyPair channelKey, TonAddress payout, ClosingConfig closing,
                              long excessFee, Path ledger) {
    /** Validates presence. */
    public PaymentSettings {
        Objects.requireNonNull(channelKey, "channelKey");
        Objects.requireNonNull(payout, "payout");
        Objects.requireNonNull(closing, "closing");
        Objects.requireNonNull(ledger, "ledger");
        if (excessFee < 0) {
            throw new IllegalArgumentException("excessFee must be at least 0");
        }
        new PaymentTerms(mode, channelKey.publicKey(), 0, 0, 0, 0); // validates the mode
    }

    /** The terms the attestation publishes. */
    public PaymentTerms terms() {
        return new PaymentTerms(mode, channelKey.publicKey(), closing.quarantineDuration(), closing.misbehaviorFine(),
                closing.conditionalCloseDuration(), excessFee);
    }
}
