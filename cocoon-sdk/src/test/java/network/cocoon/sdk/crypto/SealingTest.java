package network.cocoon.sdk.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import network.cocoon.sdk.crypto.SealingException.Reason;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SealingTest {
    private final HpkeKeyPair workerKey = HpkeKeyPair.generate();
    private final KeyConfig config = new KeyConfig(7, HpkeSuite.KEM_X25519_SHA256, workerKey.publicKey(),
            List.of(HpkeSuite.X25519_SHA256_CHACHA20POLY1305, HpkeSuite.X25519_SHA256_AES128GCM));
    private final byte[] body = "{\"messages\":[\"secret prompt\"]}".getBytes(StandardCharsets.UTF_8);

    enum Suites {
        CHACHA(HpkeSuite.X25519_SHA256_CHACHA20POLY1305), AES(HpkeSuite.X25519_SHA256_AES128GCM);
        final HpkeSuite suite;

        Suites(HpkeSuite suite) {
            this.suite = suite;
        }
    }

    @ParameterizedTest
    @EnumSource(Suites.class)
    void requestAndResponseRoundTrip(Suites s) throws Exception {
        SealedRequest sealed = SealedRequest.seal(config, s.suite, body);
        OpenedRequest opened = OpenedRequest.open(sealed.message(), config, workerKey);
        assertArrayEquals(body, opened.body());
        assertEquals(s.suite, opened.suite());
        byte[] answer = "the answer".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(answer, sealed.openResponse(opened.sealResponse(answer)));
    }

    @Test
    void anEncapsulationMadeAheadSealsExactlyOneRequest() throws Exception {
        SealedRequest.Encapsulation encapsulation = SealedRequest.encapsulate(config, HpkeSuite.X25519_SHA256_AES128GCM);
        assertThrows(IllegalStateException.class, () -> encapsulation.openResponse(new byte[64]),
                "nothing to open before a request was sealed");
        byte[] message = encapsulation.seal(body);
        OpenedRequest opened = OpenedRequest.open(message, config, workerKey);
        assertArrayEquals(body, opened.body());
        byte[] answer = "the answer".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(answer, encapsulation.openResponse(opened.sealResponse(answer)));
        assertThrows(IllegalStateException.class, () -> encapsulation.seal(body));
        // Each encapsulation is its own ephemeral key.
        byte[] other = SealedRequest.encapsulate(config, HpkeSuite.X25519_SHA256_AES128GCM).seal(body);
        assertFalse(Arrays.equals(Arrays.copyOfRange(message, 7, 39), Arrays.copyOfRange(other, 7, 39)));
    }

    @Test
    void encapsulatingRefusesASuiteTheConfigDoesNotOffer() {
        KeyConfig aesOnly = new KeyConfig(7, HpkeSuite.KEM_X25519_SHA256, workerKey.publicKey(),
                List.of(HpkeSuite.X25519_SHA256_AES128GCM));
        assertThrows(IllegalArgumentException.class,
                () -> SealedRequest.encapsulate(aesOnly, HpkeSuite.X25519_SHA256_CHACHA20POLY1305));
    }

    @Test
    void keyConfigRoundTripsAndRejectsGarbage() {
        assertEquals(config, KeyConfig.decode(config.encode()));
        byte[] encoded = config.encode();
        assertThrows(IllegalArgumentException.class, () -> KeyConfig.decode(Arrays.copyOf(encoded, encoded.length - 1)));
        byte[] wrongKem = encoded.clone();
        wrongKem[2] = 0x21;
        assertThrows(IllegalArgumentException.class, () -> KeyConfig.decode(wrongKem));
    }

    @Test
    void everyRequestRegionIsAuthenticated() {
        byte[] message = SealedRequest.seal(config, HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body).message();
        assertEquals(Reason.UNKNOWN_KEY_ID, openFailure(flip(message, 0)));
        assertEquals(Reason.UNSUPPORTED_SUITE, openFailure(flip(message, 2)), "kem id");
        assertEquals(Reason.UNSUPPORTED_SUITE, openFailure(flip(message, 4)), "kdf id");
        // Changing the AEAD to the other offered one still fails: the header is bound into the HPKE info.
        byte[] otherAead = message.clone();
        otherAead[6] = (byte) HpkeSuite.AEAD_AES_128_GCM;
        assertEquals(Reason.DECRYPTION_FAILED, openFailure(otherAead));
        for (int i = 7; i < message.length; i++) {
            assertEquals(Reason.DECRYPTION_FAILED, openFailure(flip(message, i)), "byte " + i);
        }
        assertEquals(Reason.MALFORMED_MESSAGE, openFailure(Arrays.copyOf(message, 5)));
        assertEquals(Reason.MALFORMED_MESSAGE, openFailure(Arrays.copyOf(message, 7 + 32 + 3)));
        assertEquals(Reason.DECRYPTION_FAILED, openFailure(Arrays.copyOf(message, message.length - 1)));
    }

    @Test
    void requestSealedToAnotherKeyIsRefused() {
        HpkeKeyPair attacker = HpkeKeyPair.generate();
        KeyConfig attackerConfig = new KeyConfig(config.keyId(), config.kemId(), attacker.publicKey(), config.suites());
        byte[] message = SealedRequest.seal(attackerConfig, HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body).message();
        assertEquals(Reason.DECRYPTION_FAILED, openFailure(message));
    }

    @Test
    void everyResponseByteIsAuthenticated() throws Exception {
        SealedRequest sealed = SealedRequest.seal(config, HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body);
        byte[] response = OpenedRequest.open(sealed.message(), config, workerKey).sealResponse(body);
        for (int i = 0; i < response.length; i++) {
            byte[] tampered = flip(response, i);
            SealingException e = assertThrows(SealingException.class, () -> sealed.openResponse(tampered));
            assertEquals(Reason.DECRYPTION_FAILED, e.reason(), "byte " + i);
        }
        assertEquals(Reason.MALFORMED_MESSAGE,
                assertThrows(SealingException.class, () -> sealed.openResponse(new byte[5])).reason());
    }

    @Test
    void responseToAnotherRequestDoesNotOpen() throws Exception {
        SealedRequest first = SealedRequest.seal(config, HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body);
        SealedRequest second = SealedRequest.seal(config, HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body);
        byte[] response = OpenedRequest.open(second.message(), config, workerKey).sealResponse(body);
        assertEquals(Reason.DECRYPTION_FAILED,
                assertThrows(SealingException.class, () -> first.openResponse(response)).reason());
    }

    // ---- streams ----

    private record Stream(SealedRequest request, byte[] nonce, List<byte[]> frames) {
        byte[] bytes(List<byte[]> chosen) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(nonce);
            chosen.forEach(out::writeBytes);
            return out.toByteArray();
        }

        List<byte[]> openAll(byte[] bytes) throws Exception {
            StreamOpener opener = request.openStream(new ByteArrayInputStream(bytes), 1 << 20);
            List<byte[]> out = new ArrayList<>();
            while (true) {
                StreamOpener.Chunk chunk = opener.next();
                out.add(chunk.plaintext());
                if (chunk.isFinal()) {
                    return out;
                }
            }
        }

        Reason failure(List<byte[]> chosen) {
            return failure(bytes(chosen));
        }

        Reason failure(byte[] bytes) {
            return assertThrows(SealingException.class, () -> openAll(bytes)).reason();
        }
    }

    private Stream stream(int chunks) throws Exception {
        SealedRequest request = SealedRequest.seal(config, HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body);
        StreamSealer sealer = OpenedRequest.open(request.message(), config, workerKey).streamSealer();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < chunks - 1; i++) {
            frames.add(sealer.sealChunk(("chunk " + i).getBytes(StandardCharsets.UTF_8)));
        }
        frames.add(sealer.sealFinal("final".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalStateException.class, () -> sealer.sealChunk(new byte[1]));
        return new Stream(request, sealer.responseNonce(), frames);
    }

    @Test
    void streamRoundTrips() throws Exception {
        Stream s = stream(4);
        List<byte[]> opened = s.openAll(s.bytes(s.frames()));
        assertEquals(4, opened.size());
        assertEquals("chunk 2", new String(opened.get(2), StandardCharsets.UTF_8));
        assertEquals("final", new String(opened.get(3), StandardCharsets.UTF_8));
    }

    @Test
    void eachChunkOpensOnceItsOwnBytesArrivedWithoutReadingAhead() throws Exception {
        Stream s = stream(3);
        byte[] first = s.bytes(s.frames().subList(0, 1));
        // Only the nonce and the first frame have arrived; a further read would wait for the next frame, and a
        // zero-length read is one too on some streams (okio blocks on it when its buffer is empty).
        java.io.InputStream arrived = new ByteArrayInputStream(first) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (available() == 0) {
                    throw new AssertionError("read past the bytes that arrived (len " + len + ")");
                }
                return super.read(b, off, len);
            }

            @Override
            public synchronized int read() {
                if (available() == 0) {
                    throw new AssertionError("read past the bytes that arrived");
                }
                return super.read();
            }
        };
        StreamOpener opener = s.request().openStream(arrived, 1 << 20);
        assertEquals("chunk 0", new String(opener.next().plaintext(), StandardCharsets.UTF_8));
    }

    @Test
    void droppedChunkIsDetected() throws Exception {
        Stream s = stream(4);
        List<byte[]> frames = new ArrayList<>(s.frames());
        frames.remove(1);
        assertEquals(Reason.DECRYPTION_FAILED, s.failure(frames));
    }

    @Test
    void reorderedChunksAreDetected() throws Exception {
        Stream s = stream(4);
        List<byte[]> frames = new ArrayList<>(s.frames());
        java.util.Collections.swap(frames, 0, 1);
        assertEquals(Reason.DECRYPTION_FAILED, s.failure(frames));
    }

    @Test
    void truncatedStreamIsDetected() throws Exception {
        Stream s = stream(4);
        assertEquals(Reason.TRUNCATED_STREAM, s.failure(s.frames().subList(0, 3)), "final chunk dropped");
        byte[] whole = s.bytes(s.frames());
        assertEquals(Reason.TRUNCATED_STREAM, s.failure(Arrays.copyOf(whole, whole.length - 3)), "cut inside");
        assertEquals(Reason.TRUNCATED_STREAM, s.failure(Arrays.copyOf(whole, 10)), "cut inside nonce");
    }

    @Test
    void finalFlagCannotBeForgedOrRemoved() throws Exception {
        Stream s = stream(3);
        List<byte[]> early = new ArrayList<>(s.frames());
        early.set(0, flag(early.get(0), StreamSealer.FLAG_FINAL));
        assertEquals(Reason.DECRYPTION_FAILED, s.failure(early.subList(0, 1)), "non-final marked final");
        List<byte[]> late = new ArrayList<>(s.frames());
        late.set(2, flag(late.get(2), StreamSealer.FLAG_MORE));
        assertEquals(Reason.DECRYPTION_FAILED, s.failure(late), "final marked non-final");
        List<byte[]> bad = new ArrayList<>(s.frames());
        bad.set(0, flag(bad.get(0), (byte) 7));
        assertEquals(Reason.MALFORMED_MESSAGE, s.failure(bad));
    }

    @Test
    void everyStreamByteIsAuthenticated() throws Exception {
        Stream s = stream(3);
        byte[] whole = s.bytes(s.frames());
        for (int i = 0; i < whole.length; i++) {
            byte[] tampered = flip(whole, i);
            int index = i;
            SealingException e = assertThrows(SealingException.class, () -> s.openAll(tampered), "byte " + index);
            assertTrue(e.reason() != null);
        }
    }

    @Test
    void dataAfterFinalAndOversizedChunksAreRefused() throws Exception {
        Stream s = stream(2);
        List<byte[]> extra = new ArrayList<>(s.frames());
        extra.add(new byte[] {0});
        assertEquals(Reason.DATA_AFTER_FINAL, s.failure(extra));
        StreamOpener small = s.request().openStream(new ByteArrayInputStream(s.bytes(s.frames())), 4);
        assertEquals(Reason.CHUNK_TOO_LARGE, assertThrows(SealingException.class, small::next).reason());
    }

    @Test
    void streamAndSingleShotKeysAreSeparated() throws Exception {
        SealedRequest request = SealedRequest.seal(config, HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body);
        OpenedRequest opened = OpenedRequest.open(request.message(), config, workerKey);
        byte[] nonce = new byte[32];
        StreamSealer sealer = opened.streamSealer(nonce);
        byte[] frame = sealer.sealChunk(body);
        byte[] asSingle = new byte[nonce.length + frame.length - 5];
        System.arraycopy(frame, 5, asSingle, nonce.length, frame.length - 5);
        assertEquals(Reason.DECRYPTION_FAILED,
                assertThrows(SealingException.class, () -> request.openResponse(asSingle)).reason());
        assertFalse(Arrays.equals(opened.sealResponse(body, nonce), asSingle));
    }

    private Reason openFailure(byte[] message) {
        return assertThrows(SealingException.class, () -> OpenedRequest.open(message, config, workerKey)).reason();
    }

    private static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] flag(byte[] frame, byte flag) {
        byte[] copy = frame.clone();
        copy[0] = flag;
        return copy;
    }
}
