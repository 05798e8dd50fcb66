package network.cocoon.examples.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples' {@code --channel FILE}: every field read exactly, anything else refused by name. */
class ChannelFileTest {
    @TempDir
    Path dir;

    private Path write(String extra) throws Exception {
        byte[] seed = new byte[32];
        seed[0] = 7;
        Files.writeString(dir.resolve("channel.key"), HexFormat.of().formatHex(seed) + "\n");
        Path file = dir.resolve("channel.properties");
        Files.writeString(file, "client_key_seed_file = channel.key\n"
                + "client_address = 0:" + "1".repeat(64) + "\n"
                + "channel_id = 12345\n"
                + "address = 0:" + "e".repeat(64) + "\n"
                + "deposit = 2000000000\n"
                + "max_cost_per_request = 50000000\n" + extra);
        return file;
    }

    @Test
    void readsAFundedChannel() throws Exception {
        PaymentChannel channel = ChannelFile.read(write(""), SpendStore.inMemory());
        byte[] seed = new byte[32];
        seed[0] = 7;
        assertEquals(HexFormat.of().formatHex(Ed25519KeyPair.fromSeed(seed).publicKey()),
                HexFormat.of().formatHex(channel.clientKey().publicKey()));
        assertEquals(BigInteger.valueOf(12345), channel.channelId());
        assertEquals("0:" + "e".repeat(64), channel.address().orElseThrow().toString());
        assertEquals(2_000_000_000L, channel.deposit());
        assertEquals(50_000_000L, channel.maxCostPerRequest());
    }

    @Test
    void anUnknownKeyIsRefusedByName() throws Exception {
        Path file = write("deposite = 1\n");
        var e = assertThrows(IllegalArgumentException.class, () -> ChannelFile.read(file, SpendStore.inMemory()));
        assertEquals("channel file " + file + ": unknown key 'deposite'", e.getMessage());
    }

    @Test
    void aMissingFieldIsNamed() throws Exception {
        Path file = dir.resolve("short.properties");
        Files.writeString(file, "channel_id = 1\n");
        var e = assertThrows(IllegalArgumentException.class, () -> ChannelFile.read(file, SpendStore.inMemory()));
        assertEquals("channel file " + file + ": 'client_key_seed_file' is missing", e.getMessage());
    }
}
