package network.cocoon.worker.identity;

import java.time.Clock;
import java.time.Duration;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.Labels;
import network.cocoon.sdk.protocol.ProofOfWork;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.attestation.nvidia.GpuEvidence;
import network.cocoon.worker.tee.GpuAttester;
import network.cocoon.worker.tee.TeePlatform;

/** Issues the worker's attestation documents: every term bound into the platform evidence. */
public final class AttestationService {
    /** The longest nonce accepted, in bytes. */
    public static final int MAX_NONCE_BYTES = 64;

    private final int powBits;

    private final WorkerIdentity identity;
    private final TeePlatform tee;
    private final ModelInfo model;
    private final Price price;
    private final String payout;
    private final Duration validity;
    private final Clock clock;
    private final GpuAttester gpus;
    private final PaymentTerms payment;

    /** A service issuing documents valid for {@code validity}, without GPU evidence. */
    public AttestationService(WorkerIdentity identity, TeePlatform tee, ModelInfo model, Price price, String payout,
                              Duration validity, Clock clock) {
        this(identity, tee, GpuAttester.NONE, model, price, payout, validity, clock);
    }

    /** A service issuing documents with evidence from {@code tee} and from the GPUs {@code gpus} reaches. */
    public AttestationService(WorkerIdentity identity, TeePlatform tee, GpuAttester gpus, ModelInfo model, Price price,
                              String payout, Duration validity, Clock clock) {
        this(identity, tee, gpus, model, price, payout, null, validity, clock);
    }

    /**
     * A service whose documents also bind the worker's payment terms ({@code null} for a worker that takes no
     * payment).
     */
    public AttestationService(WorkerIdentity identity, TeePlatform tee, GpuAttester gpus, ModelInfo model, Price price,
                              String payout, PaymentTerms payment, Duration validity, Clock clock) {
        this(identity, tee, gpus, model, price, payout, payment, validity, clock, 0);
    }

    /**
     * A service whose documents also ask each request for {@code powBits} of proof of work (0 for none), checked
     * before decryption.
     */
    public AttestationService(WorkerIdentity identity, TeePlatform tee, GpuAttester gpus, ModelInfo model, Price price,
                              String payout, PaymentTerms payment, Duration validity, Clock clock, int powBits) {
        if (powBits < 0 || powBits > ProofOfWork.MAX_BITS) {
            throw new IllegalArgumentException("--pow-bits must be 0 to " + ProofOfWork.MAX_BITS);
        }
        this.powBits = powBits;
        this.payment = payment;
        this.gpus = gpus;
        this.identity = identity;
        this.tee = tee;
        this.model = model;
        this.price = price;
        this.payout = payout;
        this.validity = validity;
        this.clock = clock;
    }

    /** A document for this moment, echoing the client's nonce (empty for none). */
    public AttestationDocument issue(byte[] nonce) {
        if (nonce.length > MAX_NONCE_BYTES) {
            throw new IllegalArgumentException("nonce longer than " + MAX_NONCE_BYTES + " bytes");
        }
        long now = clock.instant().getEpochSecond();
        AttestationDocument unsigned = new AttestationDocument(Labels.VERSION, tee.platform(), null,
                identity.keyConfig().encode(), identity.signingKey().publicKey(), model, price, payout, now,
                now + validity.toSeconds(), nonce).withPayment(payment).withProofOfWork(powBits);
        byte[] reportData = unsigned.reportData();
        return unsigned.withEvidence(tee.evidence(reportData))
                .withGpuEvidence(gpus.evidence(GpuEvidence.nonceFor(reportData)))
                .withDevRoot(tee.devRootPublicKey());
    }

    /** The proof of work each request must carry, in bits; 0 for none. */
    public int powBits() {
        return powBits;
    }

    /** The served model. */
    public ModelInfo model() {
        return model;
    }

    /** The attested payment terms, or {@code null} when the worker takes no payment. */
    public PaymentTerms payment() {
        return payment;
    }

    /** The attested payout address. */
    public String payout() {
        return payout;
    }

    /** The attested price. */
    public Price price() {
        return price;
    }
}
