package network.cocoon.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.UnaryOperator;
import network.cocoon.sdk.IntegrityException.Reason;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.chat.Usage;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.ResultStatement;
import network.cocoon.sdk.protocol.SignedResult;
import network.cocoon.sdk.testing.DevWorkerFixture;
import org.junit.jupiter.api.Test;

class ResultVerifierTest {
    private static final String REQUEST_ID = "0123456789abcdef0123456789abcdef";
    private static final int MAX_TOKENS = 16;

    private final DevWorkerFixture fixture = new DevWorkerFixture();
    private final VerifiedWorker worker = new AttestationVerifier(fixture.policy().build())
            .verify(fixture.document(), fixture.nonce);
    private final byte[] sent = new byte[] {1, 2, 3, 4, 5};
    private final ChatCompletion completion = ChatCompletion.of(ChatCompletion.idFor(REQUEST_ID), 1_700_000_000L,
            DevWorkerFixture.MODEL.id(), "42", "stop", Usage.of(12, 3));

    private SignedResult signed(ResultStatement statement, Ed25519KeyPair key) {
        return new SignedResult(statement, key.sign(statement.signedDigest()));
    }

    private ResultStatement honestStatement() {
        return ResultStatement.of(sent, completion, DevWorkerFixture.MODEL.digest(), ResultStatement.NO_RECEIPT);
    }

    private Reason refusal(ChatCompletion answer, SignedResult result) {
        return assertThrows(IntegrityException.class,
                () -> ResultVerifier.verify(worker, sent, REQUEST_ID, MAX_TOKENS, answer, result,
                        ResultStatement.NO_RECEIPT)).reason();
    }

    private Reason refusal(UnaryOperator<ResultStatement> tamper) {
        return refusal(completion, signed(tamper.apply(honestStatement()), fixture.signingKey));
    }

    @Test
    void honestResultVerifies() {
        ResultVerifier.verify(worker, sent, REQUEST_ID, MAX_TOKENS, completion,
                signed(honestStatement(), fixture.signingKey), ResultStatement.NO_RECEIPT);
    }

    @Test
    void everyStatementFieldIsRecomputed() {
        String other = "11".repeat(32);
        assertEquals(Reason.REQUEST_HASH_MISMATCH, refusal(s -> new ResultStatement(other, s.completionHash(),
                s.modelDigest(), s.promptTokens(), s.completionTokens(), s.receiptHash())));
        assertEquals(Reason.COMPLETION_HASH_MISMATCH, refusal(s -> new ResultStatement(s.requestHash(), other,
                s.modelDigest(), s.promptTokens(), s.completionTokens(), s.receiptHash())));
        assertEquals(Reason.MODEL_DIGEST_MISMATCH, refusal(s -> new ResultStatement(s.requestHash(),
                s.completionHash(), other, s.promptTokens(), s.completionTokens(), s.receiptHash())));
        assertEquals(Reason.USAGE_MISMATCH, refusal(s -> new ResultStatement(s.requestHash(), s.completionHash(),
                s.modelDigest(), s.promptTokens() + 1, s.completionTokens(), s.receiptHash())));
        assertEquals(Reason.USAGE_MISMATCH, refusal(s -> new ResultStatement(s.requestHash(), s.completionHash(),
                s.modelDigest(), s.promptTokens(), s.completionTokens() - 1, s.receiptHash())));
        assertEquals(Reason.RECEIPT_HASH_MISMATCH, refusal(s -> new ResultStatement(s.requestHash(),
                s.completionHash(), s.modelDigest(), s.promptTokens(), s.completionTokens(), other)));
    }

    @Test
    void signatureMustBeByTheAttestedKeyOverTheRecomputedStatement() {
        assertEquals(Reason.SIGNATURE_INVALID, refusal(completion, signed(honestStatement(), Ed25519KeyPair.generate())));
        byte[] signature = fixture.signingKey.sign(honestStatement().signedDigest());
        signature[10] ^= 1;
        assertEquals(Reason.SIGNATURE_INVALID, refusal(completion, new SignedResult(honestStatement(), signature)));
        assertEquals(Reason.SIGNATURE_INVALID, refusal(completion, new SignedResult(honestStatement(), new byte[63])));
    }

    @Test
    void completionFieldsAreChecked() {
        SignedResult result = signed(honestStatement(), fixture.signingKey);
        ChatCompletion otherId = ChatCompletion.of(ChatCompletion.idFor("f".repeat(32)), completion.created(),
                completion.model(), completion.content(), "stop", completion.usage());
        assertEquals(Reason.REQUEST_ID_MISMATCH, refusal(otherId, result));
        ChatCompletion otherModel = ChatCompletion.of(completion.id(), completion.created(), "other",
                completion.content(), "stop", completion.usage());
        assertEquals(Reason.MODEL_MISMATCH, refusal(otherModel, result));
        ChatCompletion otherText = ChatCompletion.of(completion.id(), completion.created(), completion.model(),
                "43", "stop", completion.usage());
        assertEquals(Reason.COMPLETION_HASH_MISMATCH, refusal(otherText, result));
        ChatCompletion otherTime = ChatCompletion.of(completion.id(), completion.created() + 1, completion.model(),
                completion.content(), "stop", completion.usage());
        assertEquals(Reason.COMPLETION_HASH_MISMATCH, refusal(otherTime, result));
        ChatCompletion otherFinish = ChatCompletion.of(completion.id(), completion.created(), completion.model(),
                completion.content(), "length", completion.usage());
        assertEquals(Reason.COMPLETION_HASH_MISMATCH, refusal(otherFinish, result));
        ChatCompletion tooLong = ChatCompletion.of(completion.id(), completion.created(), completion.model(),
                completion.content(), "stop", Usage.of(12, MAX_TOKENS + 1));
        assertEquals(Reason.MAX_TOKENS_EXCEEDED, refusal(tooLong, result));
    }
}
