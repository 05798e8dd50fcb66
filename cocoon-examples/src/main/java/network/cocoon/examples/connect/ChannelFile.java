package network.cocoon.examples.connect;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TonAddress;

/**
 * A funded TON payment channel described in a properties file. The key itself stays in its own file (named by
 * {@code client_key_seed_file}) so that the description can be shared or committed without it.
 */
final class ChannelFile {
    private static final Set<String> KEYS = Set.of("client_key_seed_file", "client_address", "channel_id",
            "address", "deposit", "max_cost_per_request");

    private ChannelFile() {
    }

    static PaymentChannel read(Path file, SpendStore store) throws IOException {
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(in);
        }
        for (String key : values.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("channel file " + file + ": unknown key '" + key + "'");
            }
        }
        Path seedFile = file.toAbsolutePath().getParent().resolve(required(file, values, "client_key_seed_file"));
        byte[] seed = WorkerConnection.hex("client_key_seed_file", Files.readString(seedFile).strip(), 32);
        try {
            return PaymentChannel.builder()
                    .clientKey(Ed25519KeyPair.fromSeed(seed))
                    .clientAddress(TonAddress.parse(required(file, values, "client_address"), "client_address"))
                    .channelId(new BigInteger(required(file, values, "channel_id")))
                    .address(TonAddress.parse(required(file, values, "address"), "address"))
                    .deposit(Long.parseLong(required(file, values, "deposit")))
                    .maxCostPerRequest(Long.parseLong(required(file, values, "max_cost_per_request")))
                    .store(store)
                    .build();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("channel file " + file + ": channel_id, deposit and"
                    + " max_cost_per_request are integers");
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    private static String required(Path file, Properties values, String key) {
        String value = values.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("channel file " + file + ": '" + key + "' is missing");
        }
        return value.strip();
    }
}
