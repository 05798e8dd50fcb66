package network.cocoon.sdk.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import network.cocoon.sdk.protocol.Labels;

/**
 * Opens a streamed response chunk by chunk as its bytes arrive (the layout is described on
 * {@link StreamSealer}). Any failure is final: the opener refuses to continue after it.
 */
public final class StreamOpener {
    /** One authenticated chunk of a stream. */
    public record Chunk(byte[] plaintext, boolean isFinal) {
    }

    private final InputStream in;
    private final int maxChunkLength;
    private final Function<byte[], SequencedAead> aeadForNonce;
    private final int nonceLength;
    private SequencedAead aead;
    private boolean done;

    StreamOpener(InputStream in, int maxChunkLength, Function<byte[], SequencedAead> aeadForNonce, int nonceLength) {
        this.in = in;
        this.maxChunkLength = maxChunkLength;
        this.aeadForNonce = aeadForNonce;
        this.nonceLength = nonceLength;
    }

    /**
     * Reads and authenticates the next chunk. After the final chunk it also checks that the stream ends.
     *
     * @throws SealingException if a chunk fails authentication, the stream ends early, a chunk is too large
     *     or bytes follow the final chunk
     * @throws IOException if reading the underlying stream fails
     * @throws IllegalStateException if called after the final chunk or after a failure
     */
    public Chunk next() throws SealingException, IOException {
        if (done) {
            throw new IllegalStateException("stream already finished or failed");
        }
        done = true;
        if (aead == null) {
            aead = aeadForNonce.apply(readFully(nonceLength, "response nonce"));
        }
        int flag = in.read();
        if (flag < 0) {
            throw new SealingException(SealingException.Reason.TRUNCATED_STREAM, "stream ended before its final chunk");
        }
        if (flag != StreamSealer.FLAG_MORE && flag != StreamSealer.FLAG_FINAL) {
            throw new SealingException(SealingException.Reason.MALFORMED_MESSAGE, "bad chunk flag " + flag);
        }
        byte[] lengthBytes = readFully(4, "chunk length");
        int length = ((lengthBytes[0] & 0xff) << 24) | ((lengthBytes[1] & 0xff) << 16)
                | ((lengthBytes[2] & 0xff) << 8) | (lengthBytes[3] & 0xff);
        if (length < 0 || length > maxChunkLength) {
            throw new SealingException(SealingException.Reason.CHUNK_TOO_LARGE,
                    "chunk of " + Integer.toUnsignedString(length) + " bytes exceeds " + maxChunkLength);
        }
        byte[] ct = readFully(length, "chunk");
        boolean isFinal = flag == StreamSealer.FLAG_FINAL;
        byte[] aad = isFinal ? Labels.bytes(Labels.FINAL_CHUNK) : new byte[0];
        byte[] plaintext;
        try {
            plaintext = aead.open(aad, ct);
        } catch (AEADBadTagException e) {
            throw new SealingException(SealingException.Reason.DECRYPTION_FAILED,
                    "stream chunk failed authentication (changed, dropped, reordered or wrongly flagged)", e);
        }
        if (isFinal) {
            if (in.read() >= 0) {
                throw new SealingException(SealingException.Reason.DATA_AFTER_FINAL, "bytes after the final chunk");
            }
        } else {
            done = false;
        }
        return new Chunk(plaintext, isFinal);
    }

    private byte[] readFully(int length, String what) throws IOException, SealingException {
        // Not InputStream.readNBytes: once it has its bytes it still reads zero more, and some streams (okio's,
        // under OkHttp) block on a zero-length read until the next bytes come, which would hold each chunk back
        // until the worker sends the one after it.
        byte[] buffer = new byte[length];
        int off = 0;
        while (off < length) {
            int n = in.read(buffer, off, length - off);
            if (n < 0) {
                throw new SealingException(SealingException.Reason.TRUNCATED_STREAM,
                        "stream ended inside the " + what);
            }
            off += n;
        }
        return buffer;
    }
}
