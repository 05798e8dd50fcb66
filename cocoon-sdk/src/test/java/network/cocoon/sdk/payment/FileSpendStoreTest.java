package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default store: what is saved is what a new process loads; an append a crash interrupted leaves the record
 * before it; any other damage is refused, not repaired; stores on one directory in a process share it.
 */
class FileSpendStoreTest {
    @TempDir
    Path dir;

    final TonAddress address = TonAddress.parse("0:" + "5a".repeat(32), "channel");
    final BigInteger channelId = BigInteger.valueOf(124);
    final Ed25519KeyPair key = Ed25519KeyPair.generate();

    /** A record whose last promise has {@code seqno}, with nothing pending: any number of them are valid. */
    ChannelRecord promised(long seqno) {
        SignedSemiChannel promise = SignedSemiChannel.sign(new SemiChannelState(channelId,
                new SemiChannelBody(seqno, 1_000 * seqno), Optional.of(SemiChannelBody.INITIAL)), key);
        return new ChannelRecord(address, channelId, seqno, 1_000 * seqno, 0, Optional.of(promise), Optional.empty(),
                List.of());
    }

    ChannelRecord withPromiseAndReceipt() throws Exception {
        ReceiptTest.load();
        SignedSemiChannel promise = SignedSemiChannel.sign(new SemiChannelState(channelId,
                new SemiChannelBody(7, 20_000), Optional.of(SemiChannelBody.INITIAL)), key);
        SignedReceipt receipt = SignedReceipt.sign(ReceiptTest.vectorReceipt(), key); // cumulative 10400
        return ChannelRecord.fresh(address, channelId).withPromise(promise, new PendingRequest(7, 20_000,
                new byte[32], key.publicKey(), new network.cocoon.sdk.protocol.Price(1, 2), 16)).withReceipt(receipt);
    }

    Path journal(Path directory) throws Exception {
        try (var files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".journal")).findFirst().orElseThrow();
        }
    }

    /** A journal's bytes copied into a directory no store of this process has opened: a restart, in effect. */
    Path restartedWith(byte[] journal, String name) throws Exception {
        Path restarted = Files.createDirectory(dir.resolve(name));
        Files.write(restarted.resolve(journal(dir.resolve("channels")).getFileName()), journal);
        return restarted;
    }

    @Test
    void savedRecordsAreWhatANewProcessLoads() throws Exception {
        SpendStore store = SpendStore.directory(dir.resolve("channels"));
        assertEquals(Optional.empty(), store.load(address));
        ChannelRecord record = withPromiseAndReceipt();
        store.save(ChannelRecord.fresh(address, channelId));
        store.save(record);
        assertEquals(Optional.of(record), store.load(address));
        assertEquals(Optional.of(record), FileSpendStore.stored(dir.resolve("channels"), address));
        try (var files = Files.list(dir.resolve("channels"))) {
            assertEquals(List.of(".lock", journal(dir.resolve("channels")).getFileName().toString()),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary files are left");
        }
        Path restarted = restartedWith(Files.readAllBytes(journal(dir.resolve("channels"))), "restarted");
        assertEquals(Optional.of(record), SpendStore.directory(restarted).load(address));
    }

    @Test
    void storesOnOneDirectoryShareItsState() {
        SpendStore first = SpendStore.directory(dir);
        SpendStore second = SpendStore.directory(dir.resolve("x").resolve(".."));
        first.save(promised(1));
        assertEquals(Optional.of(promised(1)), second.load(address));
        second.save(promised(2));
        assertEquals(Optional.of(promised(2)), first.load(address), "no store answers from a stale copy");
        first.save(promised(3));
        assertEquals(Optional.of(promised(3)), FileSpendStore.stored(dir, address));
    }

    @Test
    void aLongJournalIsRewrittenWithItsLastRecord() throws Exception {
        SpendStore store = SpendStore.directory(dir);
        long largest = 0;
        boolean shrank = false;
        for (long seqno = 1; seqno <= 400; seqno++) {
            store.save(promised(seqno));
            long size = Files.size(journal(dir));
            shrank |= size < largest;
            largest = Math.max(largest, size);
        }
        assertTrue(shrank, "the journal was compacted");
        assertTrue(largest <= FileSpendStore.COMPACT_BYTES, "largest journal " + largest);
        assertEquals(Optional.of(promised(400)), FileSpendStore.stored(dir, address));
    }

    @Test
    void anInterruptedAppendLeavesTheRecordBeforeIt() throws Exception {
        SpendStore store = SpendStore.directory(dir.resolve("channels"));
        store.save(promised(1));
        long oneEntry = Files.size(journal(dir.resolve("channels")));
        store.save(promised(2));
        byte[] whole = Files.readAllBytes(journal(dir.resolve("channels")));
        for (int cut = (int) oneEntry; cut < whole.length; cut++) {
            Files.write(journal(dir.resolve("channels")), Arrays.copyOf(whole, cut));
            assertEquals(Optional.of(promised(1)), FileSpendStore.stored(dir.resolve("channels"), address),
                    "cut at " + cut);
        }
        byte[] zeroed = whole.clone();
        Arrays.fill(zeroed, (int) oneEntry, whole.length, (byte) 0);
        byte[] lastFlipped = whole.clone();
        lastFlipped[whole.length - 10] ^= 1;
        int n = 0;
        for (byte[] interrupted : List.of(zeroed, lastFlipped, Arrays.copyOf(whole, whole.length - 1))) {
            Path restarted = restartedWith(interrupted, "restarted-" + n++);
            SpendStore after = SpendStore.directory(restarted);
            assertEquals(Optional.of(promised(1)), after.load(address));
            after.save(promised(3));
            assertEquals(Optional.of(promised(3)), FileSpendStore.stored(restarted, address));
            assertEquals(whole.length, Files.size(journal(restarted)), "the interrupted entry was cut off");
        }
    }

    @Test
    void whatAFailedAppendLeftIsCutByTheNextSave() throws Exception {
        SpendStore store = SpendStore.directory(dir);
        store.save(promised(1));
        store.save(promised(2));
        long size = Files.size(journal(dir));
        // Longer than the next entry, so that writing over it would not do.
        byte[] larger = SpendJournal.entry(ChannelRecordJson.encode(withPromiseAndReceipt()));
        Files.write(journal(dir), Arrays.copyOf(larger, larger.length - 1), java.nio.file.StandardOpenOption.APPEND);
        store.save(promised(3));
        assertEquals(Optional.of(promised(3)), FileSpendStore.stored(dir, address));
        assertEquals(size + (size - SpendJournal.HEADER.length) / 2, Files.size(journal(dir)));
    }

    @Test
    void damageIsRefusedNotRepaired() throws Exception {
        SpendStore store = SpendStore.directory(dir.resolve("channels"));
        store.save(promised(1));
        store.save(withPromiseAndReceipt());
        byte[] whole = Files.readAllBytes(journal(dir.resolve("channels")));
        int firstEntry = SpendJournal.HEADER.length;
        byte[] firstFlipped = whole.clone();
        firstFlipped[firstEntry + 20] ^= 1;
        byte[] impossibleLength = whole.clone();
        impossibleLength[firstEntry] = 0x7f;
        byte[] zeroLengthThenData = whole.clone();
        Arrays.fill(zeroLengthThenData, firstEntry, firstEntry + 4, (byte) 0);
        byte[] noHeader = Arrays.copyOfRange(whole, firstEntry, whole.length);
        byte[] headerOnly = SpendJournal.HEADER;
        String json = new String(ChannelRecordJson.encode(withPromiseAndReceipt()), StandardCharsets.UTF_8);
        int n = 0;
        for (byte[] damaged : List.of(firstFlipped, impossibleLength, zeroLengthThenData, noHeader, headerOnly,
                // checksums that hold over records that do not:
                SpendJournal.fresh(json.replace("\"owed\":10400", "\"owed\":10401").getBytes(StandardCharsets.UTF_8)),
                SpendJournal.fresh(json.replace("\"seqno\":7", "\"seqno\":8").getBytes(StandardCharsets.UTF_8)),
                SpendJournal.fresh(json.replace("5a5a5a", "5b5a5a").getBytes(StandardCharsets.UTF_8)),
                SpendJournal.fresh(json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8)))) {
            Path restarted = restartedWith(damaged, "damaged-" + n++);
            var e = assertThrows(PaymentException.class, () -> FileSpendStore.stored(restarted, address));
            assertEquals(Reason.STORE_FAILED, e.reason());
            SpendStore after = SpendStore.directory(restarted);
            assertEquals(Reason.STORE_FAILED, assertThrows(PaymentException.class, () -> after.load(address)).reason());
            assertEquals(Reason.STORE_FAILED,
                    assertThrows(PaymentException.class, () -> after.save(promised(9))).reason(),
                    "a save does not paper over a damaged journal");
            assertArrayEquals(damaged, Files.readAllBytes(journal(restarted)));
        }
    }

    @Test
    void recordsOfEarlierVersionsAreReadThenJournaled() throws Exception {
        ChannelRecord record = withPromiseAndReceipt();
        Path legacy = dir.resolve("channel-0-" + "5a".repeat(32) + ".json");
        Files.write(legacy, ChannelRecordJson.encode(record));
        SpendStore store = SpendStore.directory(dir);
        assertEquals(Optional.of(record), store.load(address));
        ChannelRecord next = record.withPromise(SignedSemiChannel.sign(new SemiChannelState(channelId,
                new SemiChannelBody(8, 30_000), Optional.of(SemiChannelBody.INITIAL)), key), new PendingRequest(8,
                30_000, new byte[32], key.publicKey(), new network.cocoon.sdk.protocol.Price(1, 2), 16));
        store.save(next);
        assertFalse(Files.exists(legacy), "the journal replaced the old file");
        assertEquals(Optional.of(next), FileSpendStore.stored(dir, address));
    }
}
