package network.cocoon.benchmarks;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.Receipt;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SemiChannelState;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentPromise;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.payment.DevFunding;
import network.cocoon.worker.payment.PaymentDesk;
import network.cocoon.worker.payment.PaymentLedger;
import network.cocoon.worker.payment.PaymentSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What payment costs per request, piece by piece: the worker's check of a promise (strict parse, signature,
 * channel address derived from code and data), its receipt (build, sign, serialize), the client's receipt check
 * (strict parse, signature, cell hash) and the ledger's two durable writes (promise, then receipt), each a
 * SQLite transaction with fsync. Sample mode: the ledger figure's p50 and p99 are in the output.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PaymentBenchmark {
    private static final Price PRICE = new Price(100_000, 200_000);
    private final Ed25519KeyPair client = Ed25519KeyPair.generate();
    private final Ed25519KeyPair operator = Ed25519KeyPair.generate();
    private final Ed25519KeyPair worker = Ed25519KeyPair.generate();
    private final TonAddress wallet = TonAddress.parse("0:" + "11".repeat(32), "wallet");
    private final TonAddress payout = TonAddress.parse("0:" + "22".repeat(32), "payout");
    private final BigInteger channelId = PaymentChannel.randomChannelId();
    private Path dir;
    private PaymentLedger ledger;
    private PaymentDesk desk;
    private TonAddress address;
    private ChannelParameters params;
    private PaymentPromise promise;
    private byte[] receiptBoc;
    private long seqno;
    private long cumulative;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("cocoon-payment-bench");
        ledger = PaymentLedger.open(dir.resolve("ledger.db"));
        PaymentSettings settings = new PaymentSettings(PaymentTerms.MODE_DEV, operator, payout,
                new ClosingConfig(3600, 0, 0), 0, dir.resolve("ledger.db"));
        desk = new PaymentDesk(settings, new DevFunding(Long.MAX_VALUE / 4), ledger, worker, PRICE,
                Clock.systemUTC());
        params = new ChannelParameters(channelId, client.publicKey(), operator.publicKey(), wallet, payout,
                settings.closing(), 0);
        address = params.address();
        promise = new PaymentPromise(channelId.toString(), client.publicKey(), wallet.toString(),
                signedPromise(1, 1_000_000).toBoc());
        receiptBoc = receipt(1, 3_400, 3_400).toBoc();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ledger.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private SignedSemiChannel signedPromise(long n, long sent) {
        return SignedSemiChannel.sign(new SemiChannelState(channelId, new SemiChannelBody(n, sent),
                Optional.of(SemiChannelBody.INITIAL)), client);
    }

    private SignedReceipt receipt(long n, long amount, long total) {
        return SignedReceipt.sign(new Receipt(address, channelId, n, Digests.sha256(new byte[] {1}),
                Digests.sha256(new byte[] {2}), 26, 4, PRICE, amount, total, 1_800_000_000L), worker);
    }

    /** The worker's checks of a promise before the request is queued. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public Object workerChecksPromise() {
        return desk.open(promise);
    }

    /** The channel address from code and data: part of both sides' checks. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public TonAddress channelAddress() {
        return new ChannelParameters(channelId, client.publicKey(), operator.publicKey(), wallet, payout,
                new ClosingConfig(3600, 0, 0), 0).address();
    }

    /** The worker's receipt: build the cell, sign its hash, serialize. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public byte[] workerSignsReceipt() {
        return receipt(7, 3_400, 10_400).toBoc();
    }

    /** The client's receipt checks that cost anything: strict parse, signature, the hash the statement names. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public byte[] clientVerifiesReceipt() {
        SignedReceipt signed = SignedReceipt.fromBoc(receiptBoc);
        signed.verify(worker.publicKey());
        return signed.receipt().hash();
    }

    /** The ledger per request: the promise before work, the receipt before the answer; both durable. */
    @Benchmark
    public void ledgerWritesPerRequest() {
        seqno++;
        cumulative += 3_400;
        SignedSemiChannel next = signedPromise(seqno, cumulative + 10_000);
        ledger.storePromise(params, next);
        ledger.recordReceipt(address, receipt(seqno, 3_400, cumulative));
    }
}
