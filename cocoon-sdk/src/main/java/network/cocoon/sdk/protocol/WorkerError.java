package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The clear-text JSON body of a refused request: {@code {"error":{"code":"replayed_request","message":"..."}}}.
 *
 * @param error the code and message
 */
public record WorkerError(Detail error) {
    /**
     * The error's code and explanation.
     *
     * @param code the {@link ErrorCode} wire name
     * @param message a human-readable reason with no prompt or answer text
     * @param payment for {@code payment_required}, what the worker asks for; otherwise absent
     * @param refusal for {@code busy}, the worker's signed statement that it did not process the request, which
     *     lets a client send it elsewhere without risk of paying twice; otherwise absent
     */
    public record Detail(String code, String message,
                         @JsonInclude(JsonInclude.Include.NON_NULL) PaymentDemand payment,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Refusal refusal) {
        /** A detail without a payment demand or refusal. */
        public Detail(String code, String message) {
            this(code, message, null, null);
        }

        /** A detail with a payment demand. */
        public Detail(String code, String message, PaymentDemand payment) {
            this(code, message, payment, null);
        }
    }

    /** An error body for a code. */
    public static WorkerError of(ErrorCode code, String message) {
        return new WorkerError(new Detail(code.wireName(), message));
    }
}
