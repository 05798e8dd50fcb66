package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default store: what is saved is what a new process loads, and a damaged file is refused, not repaired. */
class FileSpendStoreTest {
    @TempDir
    Path dir;

    final TonAddress address = TonAddress.parse("0:" + "5a".repeat(32), "channel");
    final BigInteger channelId = BigInteger.valueOf(124);
    final Ed25519KeyPair key = Ed25519KeyPair.generate();

    ChannelRecord withPromiseAndReceipt() throws Exception {
        ReceiptTest.load();
        SignedSemiChannel promise = SignedSemiChannel.sign(new SemiChannelState(channelId,
                new SemiChannelBody(7, 20_000), Optional.of(SemiChannelBody.INITIAL)), key);
        SignedReceipt receipt = SignedReceipt.sign(ReceiptTest.vectorReceipt(), key); // cumulative 10400
        return ChannelRecord.fresh(address, channelId).withPromise(promise, new PendingRequest(7, 20_000,
                new byte[32], key.publicKey(), new network.cocoon.sdk.protocol.Price(1, 2), 16)).withReceipt(receipt);
    }

    @Test
    void savedRecordsLoadInANewStore() throws Exception {
        SpendStore store = SpendStore.directory(dir.resolve("channels"));
        assertEquals(Optional.empty(), store.load(address));
        ChannelRecord record = withPromiseAndReceipt();
        store.save(ChannelRecord.fresh(address, channelId));
        store.save(record);
        assertEquals(Optional.of(record), SpendStore.directory(dir.resolve("channels")).load(address));
        try (var files = Files.list(dir.resolve("channels"))) {
            assertEquals(1, files.count(), "no temporary files are left behind");
        }
    }

    @Test
    void damagedRecordsAreRefused() throws Exception {
        SpendStore store = SpendStore.directory(dir);
        store.save(withPromiseAndReceipt());
        Path file;
        try (var files = Files.list(dir)) {
            file = files.findFirst().orElseThrow();
        }
        String json = Files.readString(file);
        for (String damaged : new String[] {json.substring(0, json.length() / 2),
            json.replace("\"owed\":10400", "\"owed\":10401"), json.replace("\"seqno\":7", "\"seqno\":8"),
            json.replace("5a5a5a", "5b5a5a")}) {
            Files.writeString(file, damaged);
            var e = assertThrows(PaymentException.class, () -> store.load(address), damaged);
            assertEquals(Reason.STORE_FAILED, e.reason());
        }
        assertTrue(Files.exists(file));
    }
}
