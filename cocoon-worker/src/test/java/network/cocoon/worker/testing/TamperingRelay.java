package network.cocoon.worker.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;

/**
 * A hostile network hop between the SDK and a real worker: rewrites the body of responses on one path, and
 * records the last sealed request sent.
 */
public final class TamperingRelay implements Interceptor {
    private final String path;
    private final UnaryOperator<byte[]> rewrite;
    public final AtomicReference<byte[]> lastSealedRequest = new AtomicReference<>();

    public TamperingRelay(String path, UnaryOperator<byte[]> rewrite) {
        this.path = path;
        this.rewrite = rewrite;
    }

    public static OkHttpClient client(TamperingRelay relay) {
        return new OkHttpClient.Builder().addInterceptor(relay).build();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        if (chain.request().body() != null) {
            Buffer buffer = new Buffer();
            chain.request().body().writeTo(buffer);
            lastSealedRequest.set(buffer.readByteArray());
        }
        Response response = chain.proceed(chain.request());
        if (!chain.request().url().encodedPath().equals(path) || response.code() != 200) {
            return response;
        }
        byte[] body = response.body().bytes();
        return response.newBuilder()
                .body(ResponseBody.create(rewrite.apply(body), response.body().contentType())).build();
    }

    /**
     * Splits a stream into its response nonce ({@code max(Nn, Nk)}: 16 bytes for AES-128-GCM, 32 for
     * ChaCha20-Poly1305) and its frames.
     */
    public static List<byte[]> frames(byte[] stream, int nonceLength) {
        List<byte[]> out = new ArrayList<>();
        out.add(java.util.Arrays.copyOfRange(stream, 0, nonceLength));
        ByteBuffer in = ByteBuffer.wrap(stream, nonceLength, stream.length - nonceLength);
        while (in.hasRemaining()) {
            int start = in.position();
            in.get();
            int length = in.getInt();
            in.position(in.position() + length);
            out.add(java.util.Arrays.copyOfRange(stream, start, in.position()));
        }
        return out;
    }

    public static byte[] join(List<byte[]> parts) {
        var out = new java.io.ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    public static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[Math.floorMod(index, copy.length)] ^= 1;
        return copy;
    }
}
