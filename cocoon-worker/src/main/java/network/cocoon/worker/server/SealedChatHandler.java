package network.cocoon.worker.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.chat.Usage;
import network.cocoon.sdk.crypto.OpenedRequest;
import network.cocoon.sdk.crypto.SealingException;
import network.cocoon.sdk.crypto.StreamSealer;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.ResultStatement;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.sdk.protocol.SignedResult;
import network.cocoon.sdk.protocol.StreamEvent;
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

    private final ServerSettings settings;
    private final WorkerIdentity identity;
    private final AttestationService attestation;
    private final InferenceEngine engine;
    private final ReplayGuard replayGuard;

    SealedChatHandler(ServerSettings settings, WorkerIdentity identity, AttestationService attestation,
                      InferenceEngine engine) {
        this.settings = settings;
        this.identity = identity;
        this.attestation = attestation;
        this.engine = engine;
        this.replayGuard = new ReplayGuard(settings.clock(), settings.replayWindow(), settings.replayCapacity());
    }

    void handle(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.trim().equalsIgnoreCase(REQUEST_TYPE)) {
            HttpExchanges.sendError(exchange, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "content type must be " + REQUEST_TYPE);
            return;
        }
        byte[] message = HttpExchanges.readBounded(exchange, settings.maxMessageBytes());
        if (message == null) {
            // The rest of the body stays unread, so this connection cannot carry another request.
            exchange.getResponseHeaders().set("Connection", "close");
            HttpExchanges.sendError(exchange, ErrorCode.MESSAGE_TOO_LARGE,
                    "sealed request larger than " + settings.maxMessageBytes() + " bytes");
            return;
        }
        OpenedRequest opened;
        try {
            opened = OpenedRequest.open(message, identity.keyConfig(), identity.hpkeKey());
        } catch (SealingException e) {
            HttpExchanges.sendError(exchange, switch (e.reason()) {
                case UNKNOWN_KEY_ID -> ErrorCode.UNKNOWN_KEY_ID;
                case UNSUPPORTED_SUITE -> ErrorCode.UNSUPPORTED_SUITE;
                case DECRYPTION_FAILED -> ErrorCode.DECRYPTION_FAILED;
                default -> ErrorCode.MALFORMED_MESSAGE;
            }, e.getMessage());
            return;
        }
        InferenceRequest request;
        try {
            request = ProtocolJson.read(opened.body(), InferenceRequest.class);
        } catch (IOException e) {
            HttpExchanges.sendError(exchange, ErrorCode.INVALID_REQUEST, "request body is not a valid inference request");
            return;
        }
        String servedModel = attestation.model().id();
        if (request.model() != null && !request.model().equals(servedModel)) {
            HttpExchanges.sendError(exchange, ErrorCode.MODEL_NOT_SERVED, "this worker serves " + servedModel);
            return;
        }
        if (!attestation.price().isAtMost(request.cocoon().maxPrice())) {
            HttpExchanges.sendError(exchange, ErrorCode.PRICE_NOT_ACCEPTED, "the attested price exceeds max_price");
            return;
        }
        switch (replayGuard.admit(request.cocoon().requestId(), request.cocoon().timestamp())) {
            case STALE -> {
                HttpExchanges.sendError(exchange, ErrorCode.STALE_TIMESTAMP, "timestamp outside the worker's "
                        + settings.replayWindow().toSeconds() + " s window");
                return;
            }
            case REPLAYED -> {
                HttpExchanges.sendError(exchange, ErrorCode.REPLAYED_REQUEST, "request id already seen");
                return;
            }
            case FULL -> {
                HttpExchanges.sendError(exchange, ErrorCode.BUSY, "too many requests in the replay window");
                return;
            }
            case ACCEPTED -> {
                // Admitted: fall through to generation.
            }
        }
        if (request.stream()) {
            stream(exchange, message, opened, request);
        } else {
            single(exchange, message, opened, request);
        }
    }

    private void single(HttpExchange exchange, byte[] message, OpenedRequest opened, InferenceRequest request)
            throws IOException {
        Generation generation;
        try {
            generation = engine.generate(GenerationRequest.of(request, () -> false), TokenSink.NONE);
        } catch (EngineBusyException e) {
            HttpExchanges.sendError(exchange, ErrorCode.BUSY, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            HttpExchanges.sendError(exchange, ErrorCode.INVALID_REQUEST, e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpExchanges.sendError(exchange, ErrorCode.INTERNAL_ERROR, "worker shutting down");
            return;
        }
        ChatCompletion completion = completion(request, generation);
        byte[] plaintext = ProtocolJson.write(new SealedResponseBody(completion, sign(message, completion)));
        HttpExchanges.send(exchange, 200, RESPONSE_TYPE, opened.sealResponse(plaintext));
    }

    private void stream(HttpExchange exchange, byte[] message, OpenedRequest opened, InferenceRequest request)
            throws IOException {
        StreamWriter writer = new StreamWriter(exchange, opened.streamSealer());
        Generation generation;
        try {
            generation = engine.generate(GenerationRequest.of(request, writer::clientGone), writer);
        } catch (EngineBusyException e) {
            if (!writer.started) {
                HttpExchanges.sendError(exchange, ErrorCode.BUSY, e.getMessage());
                return;
            }
            writer.finish(new StreamEvent.Failure(ErrorCode.BUSY.wireName(), e.getMessage()));
            return;
        } catch (IllegalArgumentException e) {
            if (!writer.started) {
                HttpExchanges.sendError(exchange, ErrorCode.INVALID_REQUEST, e.getMessage());
                return;
            }
            writer.finish(new StreamEvent.Failure(ErrorCode.INVALID_REQUEST.wireName(), e.getMessage()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.finish(new StreamEvent.Failure(ErrorCode.INTERNAL_ERROR.wireName(), "worker shutting down"));
            return;
        } catch (RuntimeException e) {
            writer.finish(new StreamEvent.Failure(ErrorCode.INTERNAL_ERROR.wireName(), "generation failed"));
            throw e;
        }
        if (writer.clientGone()) {
            return;
        }
        ChatCompletion completion = completion(request, generation);
        writer.finish(new StreamEvent.Final(completion.id(), completion.created(), completion.model(),
                completion.finishReason(), completion.usage(), sign(message, completion)));
    }

    private ChatCompletion completion(InferenceRequest request, Generation generation) {
        return ChatCompletion.of(ChatCompletion.idFor(request.cocoon().requestId()),
                settings.clock().instant().getEpochSecond(), attestation.model().id(), generation.text(),
                generation.finishReason().wireName(),
                Usage.of(generation.promptTokens(), generation.completionTokens()));
    }

    private SignedResult sign(byte[] message, ChatCompletion completion) {
        ResultStatement statement = ResultStatement.of(message, completion, attestation.model().digest(),
                ResultStatement.NO_RECEIPT);
        return new SignedResult(statement, identity.signingKey().sign(statement.signedDigest()));
    }

    /** Writes sealed chunks as text arrives; notices when the client has gone away. */
    private static final class StreamWriter implements TokenSink {
        private final HttpExchange exchange;
        private final StreamSealer sealer;
        private OutputStream out;
        private boolean started;
        private volatile boolean gone;

        StreamWriter(HttpExchange exchange, StreamSealer sealer) {
            this.exchange = exchange;
            this.sealer = sealer;
        }

        boolean clientGone() {
            return gone;
        }

        @Override
        public void accept(String text) {
            if (text.isEmpty() || gone) {
                return;
            }
            write(sealer.sealChunk(ProtocolJson.write(new StreamEvent.Delta(text))));
        }

        void finish(StreamEvent event) throws IOException {
            if (gone) {
                return;
            }
            write(sealer.sealFinal(ProtocolJson.write(event)));
            if (out != null) {
                out.close();
            }
        }

        private void write(byte[] frame) {
            try {
                if (!started) {
                    started = true;
                    exchange.getResponseHeaders().set("Content-Type", STREAM_TYPE);
                    exchange.getResponseHeaders().set("Cache-Control", "no-store");
                    exchange.sendResponseHeaders(200, 0);
                    out = exchange.getResponseBody();
                    out.write(sealer.responseNonce());
                }
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                gone = true;
            }
        }
    }
}
