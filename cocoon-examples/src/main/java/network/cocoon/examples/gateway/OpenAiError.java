package network.cocoon.examples.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.CocoonException;
import network.cocoon.sdk.IntegrityException;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.TransportException;
import network.cocoon.sdk.WorkerRejectedException;

/**
 * An error in OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, with its HTTP status.
 * Messages are fixed texts and field names (the SDK's are too), never request content.
 *
 * @param status the HTTP status
 * @param type OpenAI's error type, such as {@code invalid_request_error}
 * @param code a machine-readable code, or {@code null}
 * @param param the request field at fault, or {@code null}
 * @param message what went wrong
 */
record OpenAiError(int status, String type, String code, String param, String message) {
    static OpenAiError invalid(String param, String message) {
        return new OpenAiError(400, "invalid_request_error", "invalid_value", param, message);
    }

    static OpenAiError unsupported(String param) {
        return new OpenAiError(400, "invalid_request_error", "unsupported_parameter", param,
                "'" + param + "' is not supported by this gateway");
    }

    /** The error for an SDK refusal: which layer refused and why, mapped to the nearest OpenAI status. */
    static OpenAiError from(CocoonException e) {
        return switch (e) {
            case AttestationException a -> new OpenAiError(502, "api_error", "attestation_refused", null,
                    "the worker's attestation was refused: " + a.getMessage());
            case IntegrityException i -> new OpenAiError(502, "api_error", "integrity_check_failed", null,
                    "the worker's answer failed verification: " + i.getMessage());
            case PaymentException p -> new OpenAiError(402, "payment_error", p.reason().name().toLowerCase(
                    java.util.Locale.ROOT), p.field().orElse(null), "payment refused: " + p.getMessage());
            case TransportException t -> new OpenAiError(502, "api_error", "worker_unreachable", null,
                    "the worker could not be reached: " + t.getMessage());
            case WorkerRejectedException w -> fromWorker(w);
        };
    }

    private static OpenAiError fromWorker(WorkerRejectedException w) {
        String code = w.code().wireName();
        int status = w.httpStatus();
        if (status == 429 || status == 503) {
            return new OpenAiError(503, "api_error", code, null, "the worker is busy: " + w.getMessage());
        }
        if (status == 404) {
            return new OpenAiError(404, "invalid_request_error", "model_not_found", "model", w.getMessage());
        }
        if (status >= 400 && status < 500 && status != 402) {
            return new OpenAiError(400, "invalid_request_error", code, null, w.getMessage());
        }
        return new OpenAiError(502, "api_error", code, null, "the worker refused: " + w.getMessage());
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
