package network.cocoon.sdk.chat;

/**
 * Receives generated text as it arrives.
 *
 * <p>Each delta is authenticated on arrival (it decrypts under the attested worker's HPKE context, so only
 * that worker can have produced it, in this order). The worker's signature over the whole transcript is
 * checked only after the final chunk: if the streaming call then throws, discard what was shown.
 */
@FunctionalInterface
public interface StreamListener {
    /** Called with each new piece of text, in order, on the calling thread. */
    void onDelta(String text);
}
