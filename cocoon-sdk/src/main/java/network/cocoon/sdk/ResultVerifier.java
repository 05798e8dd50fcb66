package network.cocoon.sdk;

import network.cocoon.sdk.IntegrityException.Reason;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.protocol.ResultStatement;
import network.cocoon.sdk.protocol.SignedResult;

/**
 * Checks a worker's answer against what the client sent and what the worker attested. Every part of the
 * statement is recomputed locally; the signature is then checked over the recomputed statement, so a
 * worker can never make the client accept a value it did not compute itself.
 */
final class ResultVerifier {
    private ResultVerifier() {
    }

    /**
     * @throws IntegrityException with the reason of the first check that fails
     */
    static ResultStatement verify(VerifiedWorker worker, byte[] sentMessage, String requestId, int maxTokens,
                                  ChatCompletion completion, SignedResult result, String receiptHash) {
        var model = worker.document().model();
        if (!ChatCompletion.idFor(requestId).equals(completion.id())) {
            throw new IntegrityException(Reason.REQUEST_ID_MISMATCH, "completion answers another request");
        }
        if (!model.id().equals(completion.model())) {
            throw new IntegrityException(Reason.MODEL_MISMATCH, "completion names model " + completion.model()
                    + ", attested " + model.id());
        }
        if (completion.usage().completionTokens() > maxTokens) {
            throw new IntegrityException(Reason.MAX_TOKENS_EXCEEDED, completion.usage().completionTokens()
                    + " completion tokens reported, at most " + maxTokens + " allowed");
        }
        ResultStatement expected = ResultStatement.of(sentMessage, completion, model.digest(), receiptHash);
        ResultStatement received = result.statement();
        if (!expected.requestHash().equals(received.requestHash())) {
            throw new IntegrityException(Reason.REQUEST_HASH_MISMATCH, "statement covers other request bytes");
        }
        if (!expected.completionHash().equals(received.completionHash())) {
            throw new IntegrityException(Reason.COMPLETION_HASH_MISMATCH, "statement covers another completion");
        }
        if (!expected.modelDigest().equals(received.modelDigest())) {
            throw new IntegrityException(Reason.MODEL_DIGEST_MISMATCH, "statement names another model digest");
        }
        if (expected.promptTokens() != received.promptTokens()
                || expected.completionTokens() != received.completionTokens()) {
            throw new IntegrityException(Reason.USAGE_MISMATCH, "statement token counts differ from usage");
        }
        if (!expected.receiptHash().equals(received.receiptHash())) {
            throw new IntegrityException(Reason.RECEIPT_HASH_MISMATCH, "statement names an unexpected receipt");
        }
        if (!Ed25519.verify(worker.signingKey(), expected.signedDigest(), result.signature())) {
            throw new IntegrityException(Reason.SIGNATURE_INVALID,
                    "result signature is not valid under the attested signing key");
        }
        return expected;
    }
}
