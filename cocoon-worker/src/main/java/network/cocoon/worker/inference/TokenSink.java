package network.cocoon.worker.inference;

/** Receives generated text as it is produced. */
@FunctionalInterface
public interface TokenSink {
    /** A sink that drops everything, for non-streamed requests. */
    TokenSink NONE = text -> { };

    /** Called in order with each new piece of text. */
    void accept(String text);
}
