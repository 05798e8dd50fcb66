package network.cocoon.worker.server;

import network.cocoon.sdk.chat.InvalidFieldException;
import network.cocoon.sdk.protocol.ProtocolJson;

/**
 * Words an {@code invalid_request} refusal: the field that failed, by its wire name, and the rule it broke,
 * never the value. Field paths come from the protocol's own types (the parser ignores unknown keys), so the
 * text carries nothing the client sent.
 */
final class InvalidRequests {
    private InvalidRequests() {
    }

    /** The refusal text for a body that did not parse into a valid request. */
    static String describe(Throwable failure) {
        ProtocolJson.Problem problem = ProtocolJson.problem(failure);
        return problem.field().isEmpty() ? "the request body " + problem.rule()
                : "invalid field '" + problem.field() + "': " + problem.rule();
    }

    /** The refusal text for a field the engine refused after parsing. */
    static String describe(InvalidFieldException invalid) {
        return "invalid field '" + invalid.field() + "': " + invalid.rule();
    }
}
