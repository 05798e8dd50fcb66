package network.cocoon.benchmarks;

import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SemiChannelState;
import network.cocoon.sdk.payment.SignedSemiChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The payment-channel state's cost per request: the client builds and signs its next state and serializes
 * it; the worker parses it strictly and checks the signature.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChannelStateBenchmark {
    private final Ed25519KeyPair client = Ed25519KeyPair.generate();
    private final BigInteger channel = new BigInteger("1234567890abcdef1234567890abcdef", 16);
    private long seqno;
    private byte[] signedBoc;

    @Setup
    public void setUp() {
        signedBoc = buildAndSign();
    }

    /** The client's side: the next state (seqno and promised total up), signed and serialized. */
    @Benchmark
    public byte[] buildAndSign() {
        seqno = (seqno + 1) % SemiChannelBody.MAX_SEQNO;
        SemiChannelState state = new SemiChannelState(channel, new SemiChannelBody(seqno, 1_000_000L * seqno),
                Optional.of(SemiChannelBody.INITIAL));
        return SignedSemiChannel.sign(state, client).toBoc();
    }

    /** The worker's side: strict canonical parse, then the Ed25519 check over the state's cell hash. */
    @Benchmark
    public SignedSemiChannel parseAndVerify() {
        SignedSemiChannel signed = SignedSemiChannel.fromBoc(signedBoc);
        signed.verify(client.publicKey());
        return signed;
    }
}
