package network.cocoon.examples.connect;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import network.cocoon.examples.local.LocalWorker;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.tdx.PccsCollateralSource;
import network.cocoon.sdk.attestation.tdx.TdxMeasurements;
import network.cocoon.sdk.attestation.tdx.TdxPlatformVerifier;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.protocol.Price;
import okhttp3.OkHttpClient;

/**
 * A client built from {@link ClientOptions}, and the local worker it started when none was named. Closing it
 * closes both.
 */
public final class WorkerConnection implements AutoCloseable {
    private final CocoonClient client;
    private final URI endpoint;
    private final Optional<LocalWorker> local;

    private WorkerConnection(CocoonClient client, URI endpoint, Optional<LocalWorker> local) {
        this.client = client;
        this.endpoint = endpoint;
        this.local = local;
    }

    /**
     * Starts the local worker when the options name none, and builds a client whose policy and payment channel
     * come from the options.
     *
     * @param log where the local worker's trust anchors are printed
     * @throws IllegalArgumentException naming the option at fault
     * @throws IOException when the local worker cannot start or the channel file cannot be read
     */
    public static WorkerConnection open(ClientOptions options, PrintStream log) throws IOException {
        if (options.worker == null) {
            LocalWorker worker = LocalWorker.start(options.model);
            try {
                log.println("local worker " + worker.endpoint() + " serving " + worker.model().id()
                        + " (dev TEE and dev payments: INSECURE, for local development only)");
                PaymentChannel channel = LocalWorker.devChannel(worker.scratch().resolve("client-channels"));
                CocoonClient client = CocoonClient.builder().endpoint(worker.endpoint()).policy(worker.policy())
                        .payment(channel).build();
                return new WorkerConnection(client, worker.endpoint(), Optional.of(worker));
            } catch (RuntimeException e) {
                worker.close();
                throw e;
            }
        }
        AttestationPolicy policy = policy(options);
        PaymentChannel channel = options.channel == null
                ? LocalWorker.devChannel(options.stateDir.resolve("dev-channels"))
                : ChannelFile.read(options.channel, SpendStore.directory(options.stateDir.resolve("channels")));
        CocoonClient client = CocoonClient.builder().endpoint(options.worker).policy(policy).payment(channel).build();
        return new WorkerConnection(client, options.worker, Optional.empty());
    }

    /** The SDK client every request goes through. */
    public CocoonClient client() {
        return client;
    }

    /** The worker's endpoint. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            local.ifPresent(LocalWorker::close);
        }
    }

    static AttestationPolicy policy(ClientOptions options) {
        if (options.models.isEmpty()) {
            throw new IllegalArgumentException("--allow-model is required with --worker: name the model digest"
                    + " you trust");
        }
        if (options.devRoot == null && options.tdxImages.isEmpty()) {
            throw new IllegalArgumentException("--worker needs something to trust: --trust-tdx-mrtd for TDX"
                    + " workers, or --trust-dev-root for an INSECURE dev worker");
        }
        AttestationPolicy.Builder policy = AttestationPolicy.builder();
        if (options.devRoot != null) {
            policy.allowInsecureDevelopmentEvidence(hex("--trust-dev-root", options.devRoot, 32));
        }
        if (!options.tdxImages.isEmpty()) {
            TdxPlatformVerifier.Builder tdx = TdxPlatformVerifier.builder()
                    .collateral(PccsCollateralSource.pccs(options.pccs, new OkHttpClient()));
            for (String mrTd : options.tdxImages) {
                hex("--trust-tdx-mrtd", mrTd, 48);
                tdx.allowImage(TdxMeasurements.ofMrTd(mrTd));
            }
            policy.platform(tdx.build());
        }
        for (String digest : options.models) {
            hex("--allow-model", digest, 32);
            policy.allowModel(digest);
        }
        if (options.maxPrice != null) {
            policy.maxPrice(price(options.maxPrice));
        }
        return policy.build();
    }

    static Price price(String text) {
        String[] parts = text.split(",", -1);
        try {
            if (parts.length == 2) {
                return new Price(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
            }
        } catch (IllegalArgumentException e) {
            // Reported below with the expected form.
        }
        throw new IllegalArgumentException("--max-price: expected PROMPT,COMPLETION in nanotons per 1,000 tokens");
    }

    static byte[] hex(String option, String text, int bytes) {
        try {
            byte[] value = HexFormat.of().parseHex(text);
            if (value.length == bytes) {
                return value;
            }
        } catch (IllegalArgumentException e) {
            // Reported below with the expected length.
        }
        throw new IllegalArgumentException(option + ": expected " + bytes + " bytes as " + 2 * bytes
                + " hex digits");
    }
}
