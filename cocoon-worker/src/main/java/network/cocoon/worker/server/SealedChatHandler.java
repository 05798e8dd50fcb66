package network.cocoon.worker.server;

import java.io.IOException;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.chat.InvalidFieldException;
import network.cocoon.sdk.chat.Usage;
import network.cocoon.sdk.crypto.OpenedRequest;
import network.cocoon.sdk.crypto.SealingException;
import network.cocoon.sdk.crypto.StreamSealer;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.ProofOfWork;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.ResultStatement;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.sdk.protocol.SignedResult;
import network.cocoon.sdk.protocol.Refusal;
import network.cocoon.sdk.protocol.StreamEvent;
import network.cocoon.sdk.protocol.WorkerError;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.worker.inference.Admission;
import network.cocoon.worker.metrics.WorkerMetrics;
import network.cocoon.worker.payment.PaymentDesk;
import network.cocoon.worker.payment.PaymentLedger;
import network.cocoon.worker.payment.PaymentRefusal;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.EngineBusyException;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.inference.TokenSink;

/**
 * {@code POST /v1/sealed}: opens the request, admits it (size, key, suite, authentication, shape, model,
 * price, timestamp, replay), generates, and seals a signed answer back. Refusals name their exact cause
 * without echoing any request content.
 */
final class SealedChatHandler {
    private static final String REQUEST_TYPE = "message/ohttp-req";
    private static final String RESPONSE_TYPE = "message/ohttp-res";
    private static final String STREAM_TYPE = "message/ohttp-chunked-res";
    /** Said when an answer was generated but its receipt could not be stored: the answer is withheld, unpaid. */
    static final String RECEIPT_NOT_RECORDED = "the worker could not record the receipt; the answer is withheld and"
            + " nothing is charged";

    private final ServerSettings settings;
    private final WorkerIdentity identity;
    private final AttestationService attestation;
    private final InferenceEngine engine;
    private final ReplayGuard replayGuard;
    private final PaymentDesk payments;
    private final WorkerMetrics metrics;
    private final java.util.function.BooleanSupplier draining;
    private final ClientAdmission admission;

    SealedChatHandler(ServerSettings settings, WorkerIdentity identity, AttestationService attestation,
                      InferenceEngine engine, PaymentDesk payments, WorkerMetrics metrics,
                      java.util.function.BooleanSupplier draining) {
        this.draining = draining;
        this.payments = payments;
        this.metrics = metrics;
        this.settings = settings;
        this.identity = identity;
        this.attestation = attestation;
        this.engine = engine;
        this.replayGuard = new ReplayGuard(settings.clock(), settings.replayWindow(), settings.replayCapacity());
        this.admission = new ClientAdmission(settings.admission(), System::nanoTime);
    }

    void handle(Exchange exchange) throws IOException {
        String type = exchange.header("Content-Type");
        if (type == null || !type.trim().equalsIgnoreCase(REQUEST_TYPE)) {
            refuse(exchange, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
            return;
        }
        byte[] message = exchange.readBounded(settings.maxMessageBytes());
        if (message == null) {
            // The rest of the body stays unread, so this connection cannot carry another request.
            exchange.setHeader("Connection", "close");
            exchange.sendError(ErrorCode.MESSAGE_TOO_LARGE,
                    "sealed request larger than " + settings.maxMessageBytes() + " bytes");
            return;
        }
        if (attestation.powBits() > 0
                && !ProofOfWork.verifies(message, attestation.powBits(), exchange.header(ProofOfWork.HEADER))) {
            // Before any decryption: the proof costs the client, checking it costs one hash.
            refuse(exchange, ErrorCode.PROOF_OF_WORK_REQUIRED);
            return;
        }
        if (draining.getAsBoolean()) {
            // Signed, so that the client can send it to another worker: this one will not process it.
            exchange.setHeader("Connection", "close");
            refuseBusy(exchange, message, "the worker is shutting down");
            return;
        }
        if (engine.saturated()) {
            // Before decryption, payment and tokenization: under overload a refusal must cost next to nothing,
            // or refusing takes the cores that answering needs.
            refuseBusy(exchange, message, WorkerErrors.messageFor(ErrorCode.BUSY));
            return;
        }
        OpenedRequest opened;
        try {
            opened = OpenedRequest.open(message, identity.keyConfig(), identity.hpkeKey());
        } catch (SealingException e) {
            refuse(exchange, switch (e.reason()) {
                case UNKNOWN_KEY_ID -> ErrorCode.UNKNOWN_KEY_ID;
                case UNSUPPORTED_SUITE -> ErrorCode.UNSUPPORTED_SUITE;
                case DECRYPTION_FAILED -> ErrorCode.DECRYPTION_FAILED;
                default -> ErrorCode.MALFORMED_MESSAGE;
            });
            return;
        }
        InferenceRequest request;
        try {
            request = ProtocolJson.read(opened.body(), InferenceRequest.class);
        } catch (IOException | RuntimeException e) {
            exchange.sendError(ErrorCode.INVALID_REQUEST, InvalidRequests.describe(e));
            return;
        }
        String servedModel = attestation.model().id();
        if (request.model() != null && !request.model().equals(servedModel)) {
            // The served model's id is the worker's own (it is in the attestation), not request content.
            exchange.sendError(ErrorCode.MODEL_NOT_SERVED, "this worker serves " + servedModel);
            return;
        }
        if (!attestation.price().isAtMost(request.cocoon().maxPrice())) {
            refuse(exchange, ErrorCode.PRICE_NOT_ACCEPTED);
            return;
        }
        byte[] client = request.cocoon().payment() != null ? request.cocoon().payment().clientKey()
                : opened.encapsulatedKey();
        ClientAdmission.Decision decision = admission.admit(client);
        if (decision instanceof ClientAdmission.Refused refused) {
            exchange.markOutcome(ErrorCode.RATE_LIMITED.wireName());
            exchange.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
            exchange.sendJson(ErrorCode.RATE_LIMITED.httpStatus(), new WorkerError(new WorkerError.Detail(
                    ErrorCode.RATE_LIMITED.wireName(), refused.reason(), null,
                    Refusal.sign(identity.signingKey(), message, ErrorCode.RATE_LIMITED))));
            return;
        }
        try {
            admitted(exchange, message, opened, request);
        } finally {
            ((ClientAdmission.Admitted) decision).release().run();
        }
    }

    private void admitted(Exchange exchange, byte[] message, OpenedRequest opened, InferenceRequest request)
            throws IOException {
        switch (replayGuard.admit(request.cocoon().requestId(), request.cocoon().timestamp())) {
            case STALE -> {
                exchange.sendError(ErrorCode.STALE_TIMESTAMP, "timestamp outside the worker's "
                        + settings.replayWindow().toSeconds() + " s window");
                return;
            }
            case REPLAYED -> {
                refuse(exchange, ErrorCode.REPLAYED_REQUEST);
                return;
            }
            case FULL -> {
                refuseBusy(exchange, message, "too many requests in the replay window");
                return;
            }
            case ACCEPTED -> {
                // Admitted: fall through to payment.
            }
        }
        PaymentDesk.Ticket ticket = null;
        if (payments == null) {
            if (request.cocoon().payment() != null) {
                refuse(exchange, ErrorCode.PAYMENT_NOT_ACCEPTED);
                return;
            }
        } else {
            try {
                ticket = payments.open(request.cocoon().payment());
            } catch (PaymentRefusal refusal) {
                if (refusal.code() == ErrorCode.BUSY) {
                    refuseBusy(exchange, message, refusal.text());
                } else {
                    refusePayment(exchange, opened, refusal);
                }
                return;
            }
        }
        try {
            if (request.stream()) {
                stream(exchange, message, opened, request, ticket);
            } else {
                single(exchange, message, opened, request, ticket);
            }
        } finally {
            if (ticket != null) {
                ticket.release();
            }
        }
    }

    /**
     * A 402 is sealed to the request's response key: only this worker can ask a client to sign more. Other
     * payment refusals are plain, with the field's name and a fixed rule: {@link PaymentRefusal}'s texts are
     * constants and the worker's own stored numbers, never request content.
     */
    private static void refusePayment(Exchange exchange, OpenedRequest opened, PaymentRefusal refusal)
            throws IOException {
        if (refusal.code() == ErrorCode.PAYMENT_REQUIRED) {
            byte[] body = ProtocolJson.write(new WorkerError(new WorkerError.Detail(refusal.code().wireName(),
                    WorkerErrors.messageFor(ErrorCode.PAYMENT_REQUIRED), refusal.demand())));
            exchange.markOutcome(refusal.code().wireName());
            exchange.send(refusal.code().httpStatus(), RESPONSE_TYPE, opened.sealResponse(body));
        } else {
            exchange.sendError(refusal.code(), refusal.text());
        }
    }

    /**
     * A busy refusal signed by the attested key over the sealed request's hash: the worker's word that it did not
     * process this request, so the client may send it to another worker without paying twice.
     */
    private void refuseBusy(Exchange exchange, byte[] message, String text) throws IOException {
        exchange.markOutcome(ErrorCode.BUSY.wireName());
        exchange.setHeader("Retry-After", "1");
        exchange.sendJson(ErrorCode.BUSY.httpStatus(), new WorkerError(new WorkerError.Detail(
                ErrorCode.BUSY.wireName(), text, null, Refusal.sign(identity.signingKey(), message, ErrorCode.BUSY))));
    }

    /**
     * A refusal at admission, before any token: a busy one (the channel has a request in flight, its funding
     * cannot be read, the ledger cannot store the promise) is signed, with {@code Retry-After}, since nothing of
     * this request was stored or generated.
     */
    private void refuseAdmission(Exchange exchange, byte[] message, OpenedRequest opened, PaymentRefusal refusal)
            throws IOException {
        if (refusal.code() == ErrorCode.BUSY) {
            refuseBusy(exchange, message, refusal.text());
        } else {
            refusePayment(exchange, opened, refusal);
        }
    }

    private static Admission admission(PaymentDesk.Ticket ticket) {
        return ticket == null ? Admission.ANY : ticket::admit;
    }

    private static void refuse(Exchange exchange, ErrorCode code) throws IOException {
        exchange.sendError(code, WorkerErrors.messageFor(code));
    }

    private void single(Exchange exchange, byte[] message, OpenedRequest opened, InferenceRequest request,
                        PaymentDesk.Ticket ticket) throws IOException {
        Generation generation;
        long admitted = System.nanoTime();
        try {
            // No sink: the answer leaves whole, so this thread need not wake for every token.
            generation = engine.generate(GenerationRequest.of(request, () -> false, admission(ticket)),
                    TokenSink.NONE);
        } catch (PaymentRefusal refusal) {
            refuseAdmission(exchange, message, opened, refusal);
            return;
        } catch (EngineBusyException e) {
            refuseBusy(exchange, message, WorkerErrors.messageFor(ErrorCode.BUSY));
            return;
        } catch (InvalidFieldException e) {
            exchange.sendError(ErrorCode.INVALID_REQUEST, InvalidRequests.describe(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendError(ErrorCode.INTERNAL_ERROR, "worker shutting down");
            return;
        }
        ChatCompletion completion = completion(request, generation);
        SignedReceipt receipt;
        try {
            receipt = settle(ticket, message, completion);
        } catch (PaymentRefusal refusal) {
            // The promise's commit failed while the answer was generated: the answer is withheld, nothing charged.
            refuseAdmission(exchange, message, opened, refusal);
            return;
        } catch (PaymentLedger.LedgerException e) {
            exchange.sendError(ErrorCode.INTERNAL_ERROR, RECEIPT_NOT_RECORDED);
            return;
        }
        record(admitted, generation.firstTextNanos(), generation.lastTextNanos(), generation, receipt);
        byte[] plaintext = ProtocolJson.write(new SealedResponseBody(completion, sign(message, completion, receipt),
                receipt == null ? null : receipt.toBoc(), earlierReceipts(ticket)));
        exchange.send(200, RESPONSE_TYPE, opened.sealResponse(plaintext));
    }

    private void stream(Exchange exchange, byte[] message, OpenedRequest opened, InferenceRequest request,
                        PaymentDesk.Ticket ticket) throws IOException {
        StreamWriter writer = new StreamWriter(exchange, opened.streamSealer(), ticket);
        Timing timing = writer.timing;
        Generation generation;
        try {
            generation = engine.generate(GenerationRequest.of(request, writer::clientGone, admission(ticket)), writer);
        } catch (PaymentRefusal refusal) {
            // Admission runs before the first token, so nothing has been streamed yet.
            refuseAdmission(exchange, message, opened, refusal);
            return;
        } catch (EngineBusyException e) {
            // The queue refuses before the first token; a signed refusal needs the response not yet begun.
            if (writer.started) {
                failStream(exchange, writer, ErrorCode.BUSY, WorkerErrors.messageFor(ErrorCode.BUSY));
            } else {
                refuseBusy(exchange, message, WorkerErrors.messageFor(ErrorCode.BUSY));
            }
            return;
        } catch (InvalidFieldException e) {
            failStream(exchange, writer, ErrorCode.INVALID_REQUEST, InvalidRequests.describe(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failStream(exchange, writer, ErrorCode.INTERNAL_ERROR, "worker shutting down");
            return;
        } catch (RuntimeException e) {
            if (!writer.started) {
                throw e;
            }
            writer.finish(new StreamEvent.Failure(ErrorCode.INTERNAL_ERROR.wireName(),
                    WorkerErrors.messageFor(ErrorCode.INTERNAL_ERROR)));
            return;
        }
        if (writer.refusal != null) {
            // The promise's commit failed before the first chunk: nothing has left, so the refusal is signed.
            refuseAdmission(exchange, message, opened, writer.refusal);
            return;
        }
        if (writer.clientGone()) {
            // Nobody will hold a receipt, so nothing is charged (the ticket's reservation is released).
            exchange.overrideOutcome("client_gone");
            exchange.abort(new IOException("client went away"));
            return;
        }
        ChatCompletion completion = completion(request, generation);
        SignedReceipt receipt;
        try {
            receipt = settle(ticket, message, completion);
        } catch (PaymentRefusal refusal) {
            // Only before the first chunk: a chunk leaves after the promise's commit, so a failed one stops it.
            if (writer.started) {
                failStream(exchange, writer, ErrorCode.INTERNAL_ERROR, RECEIPT_NOT_RECORDED);
            } else {
                refuseAdmission(exchange, message, opened, refusal);
            }
            return;
        } catch (PaymentLedger.LedgerException e) {
            // The text already streamed goes unsigned and unpaid: the client's SDK never hands it out as an answer.
            failStream(exchange, writer, ErrorCode.INTERNAL_ERROR, RECEIPT_NOT_RECORDED);
            return;
        }
        record(timing.start, timing.first, timing.last, generation, receipt);
        writer.finish(new StreamEvent.Final(completion.id(), completion.created(), completion.model(),
                completion.finishReason(), completion.usage(), sign(message, completion, receipt),
                receipt == null ? null : receipt.toBoc(), earlierReceipts(ticket)));
    }

    /** Before the first chunk a refusal is a plain error; after it, a sealed final error event. */
    private static void failStream(Exchange exchange, StreamWriter writer, ErrorCode code, String message)
            throws IOException {
        if (!writer.started) {
            exchange.sendError(code, message);
        } else {
            exchange.overrideOutcome(code.wireName());
            writer.finish(new StreamEvent.Failure(code.wireName(), message));
        }
    }

    private void record(long admitted, long firstText, long lastText, Generation generation, SignedReceipt receipt) {
        metrics.tokens(generation.promptTokens(), generation.completionTokens());
        metrics.latencies(admitted, firstText, lastText, generation.completionTokens());
        if (receipt != null) {
            metrics.earned(receipt.receipt().amount());
        }
    }

    /**
     * When a streamed answer's text appeared: the first and last piece the engine emitted, from the moment
     * generation was asked for. Text is emitted as tokens decode (held back only while it may still become a stop
     * sequence).
     */
    private static final class Timing implements TokenSink {
        final long start = System.nanoTime();
        volatile long first;
        volatile long last;

        @Override
        public void accept(String text) {
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
            }
            last = now;
        }
    }

    private ChatCompletion completion(InferenceRequest request, Generation generation) {
        return ChatCompletion.of(ChatCompletion.idFor(request.cocoon().requestId()),
                settings.clock().instant().getEpochSecond(), attestation.model().id(), generation.text(),
                generation.finishReason().wireName(),
                Usage.of(generation.promptTokens(), generation.completionTokens()));
    }

    /** Charges a paid answer and records its receipt durably, before the answer leaves; null when unpaid. */
    private static SignedReceipt settle(PaymentDesk.Ticket ticket, byte[] message, ChatCompletion completion) {
        if (ticket == null || !ticket.paid()) {
            return null;
        }
        return ticket.settle(Digests.sha256(message),
                Digests.sha256(ResultStatement.canonicalCompletion(completion)),
                completion.usage().promptTokens(), completion.usage().completionTokens());
    }

    private static java.util.List<byte[]> earlierReceipts(PaymentDesk.Ticket ticket) {
        if (ticket == null || !ticket.paid()) {
            return null;
        }
        var earlier = ticket.earlierReceipts();
        return earlier == null ? null : earlier.stream().map(SignedReceipt::toBoc).toList();
    }

    private SignedResult sign(byte[] message, ChatCompletion completion, SignedReceipt receipt) {
        ResultStatement statement = ResultStatement.of(message, completion, attestation.model().digest(),
                receipt == null ? ResultStatement.NO_RECEIPT : receipt.receipt().hashHex());
        return new SignedResult(statement, identity.signingKey().sign(statement.signedDigest()));
    }

    /**
     * Writes sealed chunks as text arrives, the first only once the request's promise is durable; notices when the
     * client has gone away.
     */
    private static final class StreamWriter implements TokenSink {
        final Timing timing = new Timing();
        private final Exchange exchange;
        private final StreamSealer sealer;
        private final PaymentDesk.Ticket ticket;
        private boolean started;
        private volatile boolean gone;
        /** Set when the promise's commit failed before the first chunk; generation then stops, nothing is sent. */
        private volatile PaymentRefusal refusal;

        StreamWriter(Exchange exchange, StreamSealer sealer, PaymentDesk.Ticket ticket) {
            this.exchange = exchange;
            this.sealer = sealer;
            this.ticket = ticket;
        }

        /** Whether generation should stop: the client went away, or the answer can no longer be sent. */
        boolean clientGone() {
            return gone || refusal != null;
        }

        @Override
        public void accept(String text) {
            timing.accept(text);
            if (text.isEmpty() || clientGone()) {
                return;
            }
            if (!started && ticket != null && ticket.paid()) {
                try {
                    ticket.awaitPromise();
                } catch (PaymentRefusal failed) {
                    refusal = failed;
                    return;
                }
            }
            byte[] frame = sealer.sealChunk(ProtocolJson.write(new StreamEvent.Delta(text)));
            try {
                exchange.write(begin(frame));
            } catch (IOException e) {
                gone = true;
            }
        }

        void finish(StreamEvent event) throws IOException {
            if (gone) {
                exchange.abort(new IOException("client went away"));
                return;
            }
            exchange.end(begin(sealer.sealFinal(ProtocolJson.write(event))));
        }

        /** The first write carries the response nonce before its frame. */
        private byte[] begin(byte[] frame) {
            if (started) {
                return frame;
            }
            started = true;
            exchange.startStream(STREAM_TYPE);
            byte[] nonce = sealer.responseNonce();
            byte[] out = new byte[nonce.length + frame.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(frame, 0, out, nonce.length, frame.length);
            return out;
        }
    }
}
