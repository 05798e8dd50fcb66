package network.cocoon.worker.inference;

/** Receives generated text as it is produced. */
@FunctionalInterface
public interface TokenSink {
    /**
     * No sink: the caller wants only the finished {@link Generation}. An engine may then skip handing text over
     * piece by piece (the shipped one does: no wake-up of the waiting thread per token, only when it is done).
     */
    TokenSink NONE = text -> { };

    /** Called in order with each new piece of text. */
    void accept(String text);
}
