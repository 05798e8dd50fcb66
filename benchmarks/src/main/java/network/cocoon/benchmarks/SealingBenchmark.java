package network.cocoon.benchmarks;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.crypto.OpenedRequest;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.crypto.SealingException;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client's sealing cost per request: seal a request body to the worker key, then open the worker's
 * response of the same size. The worker's opening and sealing run in setup, outside the measurement.
 *
 * <p>The {@code floor*} methods do the same work with nothing but the fastest primitives the JVM offers, each
 * instance made once in setup: BouncyCastle's X25519 (key generation and one agreement), the JDK's
 * HMAC-SHA256 (as many MACs as the key schedule computes, on inputs of the same size) and the JDK's AEAD over
 * the same bytes, keyed with the last MAC's output as the protocol's AEAD is keyed with derived bytes (a key
 * reused from the previous operation would let the JDK skip AES's key expansion, which no real exchange
 * can). So {@code sealRequest / floorSealRequest} is the price of the protocol code itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SealingBenchmark {
    /** HMACs in one base-mode setup: eae_prk, shared_secret, psk_id_hash, info_hash, secret, key, base_nonce, exp. */
    private static final int SETUP_MACS = 8;
    /** HMACs in one response key schedule: the export, the extract, the key and the nonce expand. */
    private static final int RESPONSE_MACS = 4;

    @Param({"1024", "16384", "262144"})
    int bytes;

    @Param({"CHACHA20_POLY1305", "AES_128_GCM"})
    String aead;

    private KeyConfig config;
    private HpkeSuite suite;
    private byte[] body;
    /** As many exchanges as the floor has keys, opened in turn, so that each open derives another key. */
    private final SealedRequest[] exchanges = new SealedRequest[64];
    private final byte[][] responses = new byte[64][];
    private long openedResponses;

    private final SecureRandom random = new SecureRandom();
    private X25519PublicKeyParameters workerKey;
    private Mac mac;
    private SecretKeySpec macKey;
    private byte[] macInput;
    private Cipher cipher;
    private byte[] nonce;
    private long counter;
    /** Responses sealed under this many keys, opened in turn: each open keys the cipher afresh. */
    private static final int FLOOR_KEYS = 64;
    private final byte[][] floorKeys = new byte[FLOOR_KEYS][];
    private final byte[][] floorNonces = new byte[FLOOR_KEYS][];
    private final byte[][] floorCiphertexts = new byte[FLOOR_KEYS][];
    private long opened;

    @Setup
    public void setUp() throws SealingException, GeneralSecurityException {
        HpkeKeyPair key = HpkeKeyPair.generate();
        suite = aead.equals("AES_128_GCM") ? HpkeSuite.X25519_SHA256_AES128GCM
                : HpkeSuite.X25519_SHA256_CHACHA20POLY1305;
        config = new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, key.publicKey(), List.of(suite));
        body = new byte[bytes];
        new java.util.Random(1).nextBytes(body);
        for (int i = 0; i < FLOOR_KEYS; i++) {
            exchanges[i] = SealedRequest.seal(config, suite, body);
            responses[i] = OpenedRequest.open(exchanges[i].message(), config, key).sealResponse(body);
        }

        workerKey = new X25519PublicKeyParameters(key.publicKey(), 0);
        mac = Mac.getInstance("HmacSHA256", "SunJCE");
        macKey = new SecretKeySpec(new byte[32], "HmacSHA256");
        macInput = new byte[64];
        boolean chacha = suite.aeadId() == HpkeSuite.AEAD_CHACHA20_POLY1305;
        cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding", "SunJCE");
        nonce = new byte[12];
        java.util.Random keys = new java.util.Random(2);
        for (int i = 0; i < FLOOR_KEYS; i++) {
            floorKeys[i] = new byte[32];
            keys.nextBytes(floorKeys[i]);
            initCipher(Cipher.ENCRYPT_MODE, floorKeys[i]);
            floorCiphertexts[i] = cipher.doFinal(body);
            floorNonces[i] = nonce.clone();
        }
    }

    /**
     * Seals a request as the client does: one X25519 encapsulation, the key schedule and the AEAD over the body,
     * the sealed bytes handed over without a copy.
     */
    @Benchmark
    public byte[] sealRequest() {
        return SealedRequest.encapsulate(config, suite).seal(body);
    }

    /**
     * What sealing leaves on the request's thread when the client made the encapsulation ahead (as
     * {@code CocoonClient} does, on its background executor): the AEAD over the body and the header. The
     * encapsulation is made in per-invocation setup, outside the measurement.
     */
    @Benchmark
    public byte[] sealPreparedRequest(Prepared prepared) {
        return prepared.next.seal(body);
    }

    /**
     * The floor of {@link #sealPreparedRequest}: one AEAD seal under the key a per-invocation setup derived with
     * the same X25519 and HMAC work, so that both start from the caches that work leaves.
     */
    @Benchmark
    public byte[] floorSealPreparedRequest(FloorPrepared prepared) throws GeneralSecurityException {
        initCipher(Cipher.ENCRYPT_MODE, prepared.key);
        return cipher.doFinal(body);
    }

    /** One encapsulation per invocation of {@link #sealPreparedRequest}, made before it is timed. */
    @State(Scope.Thread)
    public static class Prepared {
        SealedRequest.Encapsulation next;

        @Setup(org.openjdk.jmh.annotations.Level.Invocation)
        public void encapsulate(SealingBenchmark benchmark) {
            next = SealedRequest.encapsulate(benchmark.config, benchmark.suite);
        }
    }

    /** The floor's key per invocation: an X25519 key pair and agreement, then the key schedule's HMACs. */
    @State(Scope.Thread)
    public static class FloorPrepared {
        byte[] key;

        @Setup(org.openjdk.jmh.annotations.Level.Invocation)
        public void derive(SealingBenchmark benchmark) throws GeneralSecurityException {
            X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(benchmark.random);
            byte[] dh = new byte[32];
            ephemeral.generateSecret(benchmark.workerKey, dh, 0);
            ephemeral.generatePublicKey().getEncoded();
            key = benchmark.macs(SETUP_MACS, dh);
        }
    }

    /** Opens a response: the exporter, HKDF and the AEAD over the body. */
    @Benchmark
    public byte[] openResponse() throws SealingException {
        int i = (int) (openedResponses++ % FLOOR_KEYS);
        return exchanges[i].openResponse(responses[i]);
    }

    /** The floor of {@link #sealRequest}: X25519 key generation and agreement, 8 HMACs, one AEAD seal. */
    @Benchmark
    public byte[] floorSealRequest() throws GeneralSecurityException {
        X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
        byte[] dh = new byte[32];
        ephemeral.generateSecret(workerKey, dh, 0);
        byte[] derived = macs(SETUP_MACS, dh);
        ephemeral.generatePublicKey().getEncoded();
        initCipher(Cipher.ENCRYPT_MODE, derived);
        return cipher.doFinal(body);
    }

    /** The floor of {@link #openResponse}: 4 HMACs and one AEAD open. */
    @Benchmark
    public byte[] floorOpenResponse() throws GeneralSecurityException {
        macs(RESPONSE_MACS, macInput);
        int i = (int) (opened++ % FLOOR_KEYS);
        System.arraycopy(floorNonces[i], 0, nonce, 0, nonce.length);
        initCipherWithNonce(Cipher.DECRYPT_MODE, floorKeys[i]);
        return cipher.doFinal(floorCiphertexts[i]);
    }

    private byte[] macs(int count, byte[] input) throws GeneralSecurityException {
        for (int i = 0; i < count; i++) {
            mac.init(macKey);
            mac.update(input);
            input = mac.doFinal();
        }
        return input;
    }

    /** Keys the cipher with {@code keyBytes} under the next nonce of a counter. */
    private void initCipher(int mode, byte[] keyBytes) throws GeneralSecurityException {
        // The JDK refuses to encrypt twice under one key and nonce, as it should.
        long n = ++counter;
        for (int i = 0; i < 8; i++, n >>>= 8) {
            nonce[11 - i] = (byte) n;
        }
        initCipherWithNonce(mode, keyBytes);
    }

    private void initCipherWithNonce(int mode, byte[] keyBytes) throws GeneralSecurityException {
        boolean chaCha = suite.aeadId() == HpkeSuite.AEAD_CHACHA20_POLY1305;
        SecretKeySpec key = new SecretKeySpec(keyBytes, 0, suite.keyLength(), chaCha ? "ChaCha20" : "AES");
        cipher.init(mode, key, chaCha ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce));
    }
}
