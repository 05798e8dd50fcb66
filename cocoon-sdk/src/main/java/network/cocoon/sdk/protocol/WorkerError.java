package network.cocoon.sdk.protocol;

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
     */
    public record Detail(String code, String message) {
    }

    /** An error body for a code. */
    public static WorkerError of(ErrorCode code, String message) {
        return new WorkerError(new Detail(code.wireName(), message));
    }
}
