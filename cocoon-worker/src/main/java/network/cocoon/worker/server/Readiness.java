package network.cocoon.worker.server;

import java.util.function.BooleanSupplier;
import network.cocoon.worker.identity.AttestationService;

/**
 * What {@code /readyz} reports, distinct from {@code /healthz} (the process answers): the worker takes
 * requests only while it is not draining, its payment ledger takes writes and its platform still produces evidence. The model is loaded before
 * the server starts, so a listening worker has one. The evidence probe is cached for ten seconds, so that
 * frequent probes do not each ask the TEE for a quote.
 */
final class Readiness {
    private static final long PROBE_NANOS = 10_000_000_000L;

    private final AttestationService attestation;
    private final BooleanSupplier draining;
    private final BooleanSupplier ledgerFailing;
    private long probedAt;
    private String evidenceProblem;
    private boolean probed;

    Readiness(AttestationService attestation, BooleanSupplier draining, BooleanSupplier ledgerFailing) {
        this.attestation = attestation;
        this.draining = draining;
        this.ledgerFailing = ledgerFailing;
    }

    /**
     * {@code null} when ready, else a fixed word: {@code draining}, {@code ledger_unavailable} (a payment ledger
     * write failed in the last ten seconds) or {@code no_evidence}.
     */
    synchronized String problem() {
        if (draining.getAsBoolean()) {
            return "draining";
        }
        if (ledgerFailing.getAsBoolean()) {
            return "ledger_unavailable";
        }
        long now = System.nanoTime();
        if (!probed || now - probedAt > PROBE_NANOS) {
            try {
                attestation.issue(new byte[0]);
                evidenceProblem = null;
            } catch (RuntimeException e) {
                evidenceProblem = "no_evidence";
            }
            probed = true;
            probedAt = now;
        }
        return evidenceProblem;
    }
}
