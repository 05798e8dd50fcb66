package network.cocoon.sdk.crypto;

import network.cocoon.sdk.protocol.Labels;

/**
 * Seals the chunks of a streamed response. The stream is {@code response_nonce} followed by frames
 * {@code flag(1) || length(4) || ct}; chunk {@code i} is sealed with nonce {@code aead_nonce XOR i} and
 * AAD {@code "final"} on the last chunk (flag 1) or empty otherwise (flag 0). So a chunk that is dropped,
 * moved, flagged differently or cut off fails authentication at the client.
 *
 * <p>Not thread-safe: one stream has one writer.
 */
public final class StreamSealer {
    static final int FRAME_HEADER_LENGTH = 5;
    static final byte FLAG_MORE = 0;
    static final byte FLAG_FINAL = 1;

    private final byte[] responseNonce;
    private final SequencedAead aead;
    private boolean finished;

    StreamSealer(byte[] responseNonce, SequencedAead aead) {
        this.responseNonce = responseNonce.clone();
        this.aead = aead;
    }

    /** The bytes that open the stream, written before the first frame. */
    public byte[] responseNonce() {
        return responseNonce.clone();
    }

    /** Seals a non-final chunk into a frame. */
    public byte[] sealChunk(byte[] plaintext) {
        return frame(FLAG_MORE, new byte[0], plaintext);
    }

    /** Seals the final chunk into a frame; nothing may be sealed after it. */
    public byte[] sealFinal(byte[] plaintext) {
        byte[] frame = frame(FLAG_FINAL, Labels.bytes(Labels.FINAL_CHUNK), plaintext);
        finished = true;
        return frame;
    }

    private byte[] frame(byte flag, byte[] aad, byte[] plaintext) {
        if (finished) {
            throw new IllegalStateException("stream already finished");
        }
        // Sealed straight behind room for the frame header: one pass over the chunk, no copy.
        byte[] frame = aead.seal(aad, plaintext, 0, plaintext.length, FRAME_HEADER_LENGTH);
        int length = frame.length - FRAME_HEADER_LENGTH;
        frame[0] = flag;
        frame[1] = (byte) (length >>> 24);
        frame[2] = (byte) (length >>> 16);
        frame[3] = (byte) (length >>> 8);
        frame[4] = (byte) length;
        return frame;
    }
}
