package network.cocoon.worker.server;

import java.io.IOException;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.WorkerError;
import network.cocoon.worker.testing.LocalWorker;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/** Plain HTTP to a worker, below the SDK, for requests the SDK would never send. */
final class RawHttp {
    private static final OkHttpClient HTTP = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    /** Keeps no idle connection: each call on a connection of its own, never one the worker may be closing. */
    private static final OkHttpClient FRESH = HTTP.newBuilder()
            .connectionPool(new okhttp3.ConnectionPool(0, 1, java.util.concurrent.TimeUnit.MILLISECONDS)).build();

    record Reply(int status, byte[] body) {
        String code() {
            try {
                return ProtocolJson.read(body, WorkerError.class).error().code();
            } catch (IOException e) {
                throw new AssertionError("not an error body", e);
            }
        }
    }

    private RawHttp() {
    }

    static Reply get(LocalWorker worker, String pathAndQuery) throws IOException {
        return call(new Request.Builder().url(worker.server.endpoint() + pathAndQuery).get().build());
    }

    static Reply post(LocalWorker worker, byte[] body, String contentType) throws IOException {
        return call(new Request.Builder().url(worker.server.endpoint() + "/v1/sealed")
                .post(RequestBody.create(body, contentType == null ? null : MediaType.get(contentType))).build());
    }

    /** As {@link #post}, on a new connection. */
    static Reply postFresh(LocalWorker worker, byte[] body, String contentType) throws IOException {
        return call(FRESH, new Request.Builder().url(worker.server.endpoint() + "/v1/sealed")
                .post(RequestBody.create(body, contentType == null ? null : MediaType.get(contentType))).build());
    }

    private static Reply call(Request request) throws IOException {
        return call(HTTP, request);
    }

    private static Reply call(OkHttpClient client, Request request) throws IOException {
        try (var response = client.newCall(request).execute()) {
            return new Reply(response.code(), response.body().bytes());
        }
    }
}
