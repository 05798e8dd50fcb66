package network.cocoon.sdk.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.cocoon.sdk.attestation.DevEvidence;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.Usage;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Labels;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.RequestEnvelope;
import network.cocoon.sdk.protocol.ResultStatement;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.sdk.protocol.SignedResult;
import network.cocoon.sdk.protocol.StreamEvent;
import org.junit.jupiter.api.Test;

/**
 * The golden protocol vectors of {@code docs/vectors/cocoon-v1-golden.json}: every value derived from fixed
 * keys and randomness, recomputed here and compared with the file. Regenerate (after a deliberate protocol
 * change) with {@code -Dcocoon.writeVectors=true}.
 */
class GoldenVectorsTest {
    static final Path FILE = Path.of("..", "docs", "vectors", "cocoon-v1-golden.json");
    static final HexFormat HEX = HexFormat.of();
    static final HpkeSuite SUITE = HpkeSuite.X25519_SHA256_CHACHA20POLY1305;

    static byte[] fill(int length, int start) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (start + i);
        }
        return out;
    }

    @Test
    void vectorsMatchTheFile() throws Exception {
        Map<String, Object> computed = compute();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (Boolean.getBoolean("cocoon.writeVectors")) {
            Files.createDirectories(FILE.getParent());
            Files.write(FILE, json.writeValueAsBytes(computed));
        }
        assertTrue(Files.isRegularFile(FILE), FILE.toAbsolutePath() + " missing");
        JsonNode expected = json.readTree(FILE.toFile());
        JsonNode actual = json.readTree(json.writeValueAsBytes(computed));
        for (String section : List.of("keys", "attestation", "request", "response", "stream", "result",
                "aes128gcm", "stream_error", "model_digest", "paid")) {
            assertEquals(expected.get(section), actual.get(section), section);
        }
        assertEquals(expected, actual);
    }

    static Map<String, Object> compute() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", "Cocoon protocol v1 golden vectors: fixed keys and randomness, every intermediate "
                + "value; hex unless a field says otherwise. See docs/protocol.md.");
        out.put("suite", Map.of("kem_id", SUITE.kemId(), "kdf_id", SUITE.kdfId(), "aead_id", SUITE.aeadId()));

        // Keys.
        byte[] hpkeIkm = fill(32, 0x10);
        HpkeKeyPair workerKey = HpkeKeyPair.derive(hpkeIkm);
        KeyConfig keyConfig = new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, workerKey.publicKey(),
                List.of(HpkeSuite.X25519_SHA256_CHACHA20POLY1305, HpkeSuite.X25519_SHA256_AES128GCM));
        byte[] signingSeed = fill(32, 0x40);
        Ed25519KeyPair signing = Ed25519KeyPair.fromSeed(signingSeed);
        byte[] devRootSeed = fill(32, 0x70);
        Ed25519KeyPair devRoot = Ed25519KeyPair.fromSeed(devRootSeed);
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("worker_hpke_ikm", HEX.formatHex(hpkeIkm));
        keys.put("worker_hpke_public", HEX.formatHex(workerKey.publicKey()));
        keys.put("key_config", HEX.formatHex(keyConfig.encode()));
        keys.put("worker_signing_seed", HEX.formatHex(signingSeed));
        keys.put("worker_signing_public", HEX.formatHex(signing.publicKey()));
        keys.put("dev_root_seed", HEX.formatHex(devRootSeed));
        keys.put("dev_root_public", HEX.formatHex(devRoot.publicKey()));
        out.put("keys", keys);

        // Attestation.
        ModelInfo model = new ModelInfo("cocoon-add-tiny", HEX.formatHex(fill(32, 0xa0)));
        AttestationDocument unsigned = new AttestationDocument(Labels.VERSION, DevEvidence.PLATFORM, null,
                keyConfig.encode(), signing.publicKey(), model, new Price(1_000, 2_000), "EQpayout-address",
                1_790_000_000L, 1_790_003_600L, fill(32, 0xd0));
        AttestationDocument document = unsigned.withEvidence(DevEvidence.sign(devRoot, unsigned.reportData()))
                .withDevRoot(devRoot.publicKey());
        Map<String, Object> attestation = new LinkedHashMap<>();
        attestation.put("canonical_encoding", HEX.formatHex(document.canonicalEncoding()));
        attestation.put("report_data", HEX.formatHex(document.reportData()));
        attestation.put("dev_evidence_message", HEX.formatHex(Labels.bytes(Labels.DEV_EVIDENCE)) + HEX.formatHex(
                document.reportData()));
        attestation.put("evidence", HEX.formatHex(document.evidence()));
        attestation.put("document_json", new String(ProtocolJson.write(document), StandardCharsets.UTF_8));
        out.put("attestation", attestation);

        // Request.
        String requestId = HEX.formatHex(fill(16, 0x30));
        byte[] body = ProtocolJson.write(new InferenceRequest(null, List.of(ChatMessage.user("123+456")), 16, 0, 1, 0,
                null, List.of(), false, new RequestEnvelope(requestId, 1_790_000_100_000L, new Price(1_000, 2_000))));
        byte[] ephemeralIkm = fill(32, 0x50);
        SealedRequest sealed = SealedRequest.sealWithEphemeralKey(keyConfig, SUITE, body, HpkeKeyPair.derive(ephemeralIkm));
        byte[] message = sealed.message();
        RequestHeader header = new RequestHeader(keyConfig.keyId(), SUITE);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("body_utf8", new String(body, StandardCharsets.UTF_8));
        request.put("ephemeral_ikm", HEX.formatHex(ephemeralIkm));
        request.put("header", HEX.formatHex(header.encode()));
        request.put("info", HEX.formatHex(header.info()));
        request.put("enc", HEX.formatHex(java.util.Arrays.copyOfRange(message, 7, 39)));
        request.put("sealed", HEX.formatHex(message));
        out.put("request", request);
        OpenedRequest opened = OpenedRequest.open(message, keyConfig, workerKey);
        assertArrayEquals(body, opened.body());

        // Response, with its signed result.
        ChatCompletion completion = ChatCompletion.of(ChatCompletion.idFor(requestId), 1_790_000_101L, model.id(),
                "579", "stop", Usage.of(26, 4));
        ResultStatement statement = ResultStatement.of(message, completion, model.digest(), ResultStatement.NO_RECEIPT);
        SignedResult signed = new SignedResult(statement, signing.sign(statement.signedDigest()));
        byte[] responseBody = ProtocolJson.write(new SealedResponseBody(completion, signed));
        byte[] responseNonce = fill(32, 0x60);
        byte[] sealedResponse = opened.sealResponse(responseBody, responseNonce);
        assertArrayEquals(responseBody, sealed.openResponse(sealedResponse));
        Map<String, Object> response = keySchedule(sealed, Labels.RESPONSE, responseNonce);
        response.put("body_utf8", new String(responseBody, StandardCharsets.UTF_8));
        response.put("sealed", HEX.formatHex(sealedResponse));
        out.put("response", response);

        // Stream: two deltas and the final event.
        out.put("stream", stream(opened, sealed, fill(32, 0x90), List.of(new StreamEvent.Delta("57"),
                new StreamEvent.Delta("9"), new StreamEvent.Final(completion.id(), completion.created(),
                        completion.model(), "stop", completion.usage(), signed))));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("completion_canonical", HEX.formatHex(ResultStatement.canonicalCompletion(completion)));
        result.put("request_hash", statement.requestHash());
        result.put("completion_hash", statement.completionHash());
        result.put("model_digest", statement.modelDigest());
        result.put("prompt_tokens", statement.promptTokens());
        result.put("completion_tokens", statement.completionTokens());
        result.put("receipt_hash", statement.receiptHash());
        result.put("signed_digest", HEX.formatHex(statement.signedDigest()));
        result.put("signature", HEX.formatHex(signed.signature()));
        assertTrue(Ed25519.verify(signing.publicKey(), statement.signedDigest(), signed.signature()));
        out.put("result", result);

        out.put("aes128gcm", aes128gcm(keyConfig, workerKey, body, responseBody));
        out.put("stream_error", streamError(opened, sealed));
        out.put("model_digest", modelDigest());
        out.put("paid", paid(keyConfig, workerKey, signing, devRoot, model));
        return out;
    }

    /**
     * A paid exchange (docs/protocol.md §10): a document with payment terms, the channel it derives, a request
     * carrying a promise, and the answer's receipt bound into its result statement.
     */
    static Map<String, Object> paid(KeyConfig keyConfig, HpkeKeyPair workerKey, Ed25519KeyPair signing,
                                    Ed25519KeyPair devRoot, ModelInfo model) throws Exception {
        Price price = new Price(100_000, 200_000);
        Ed25519KeyPair operator = Ed25519KeyPair.fromSeed(fill(32, 0x80));
        Ed25519KeyPair client = Ed25519KeyPair.fromSeed(fill(32, 0x88));
        String payout = "0:" + "22".repeat(32);
        var terms = new network.cocoon.sdk.protocol.PaymentTerms("dev", operator.publicKey(), 3600, 0, 0, 0);
        AttestationDocument unsigned = new AttestationDocument(Labels.VERSION, DevEvidence.PLATFORM, null,
                keyConfig.encode(), signing.publicKey(), model, price, payout, 1_790_000_000L, 1_790_003_600L,
                fill(32, 0xd0)).withPayment(terms);
        AttestationDocument document = unsigned.withEvidence(DevEvidence.sign(devRoot, unsigned.reportData()));
        var clientWallet = network.cocoon.sdk.payment.TonAddress.parse("0:" + "11".repeat(32), "wallet");
        var channelId = new java.math.BigInteger(1, fill(16, 0xc0));
        var params = new network.cocoon.sdk.payment.ChannelParameters(channelId, client.publicKey(),
                operator.publicKey(), clientWallet, network.cocoon.sdk.payment.TonAddress.parse(payout, "payout"),
                new network.cocoon.sdk.payment.ClosingConfig(3600, 0, 0), 0);
        // "123+456": prompt bound 16 + 7 + 16 = 39 tokens, max_tokens 16: (39 x 100000 + 16 x 200000) / 1000.
        long maxCost = network.cocoon.sdk.payment.Tariff.amount(price, 39, 16);
        var promise = network.cocoon.sdk.payment.SignedSemiChannel.sign(new network.cocoon.sdk.payment
                .SemiChannelState(channelId, new network.cocoon.sdk.payment.SemiChannelBody(1, maxCost),
                java.util.Optional.of(network.cocoon.sdk.payment.SemiChannelBody.INITIAL)), client);
        String requestId = HEX.formatHex(fill(16, 0x31));
        byte[] body = ProtocolJson.write(new InferenceRequest(null, List.of(ChatMessage.user("123+456")), 16, 0, 1, 0,
                null, List.of(), false, new RequestEnvelope(requestId, 1_790_000_100_000L, price,
                        new network.cocoon.sdk.protocol.PaymentPromise(channelId.toString(), client.publicKey(),
                                clientWallet.toString(), promise.toBoc()))));
        SealedRequest sealed = SealedRequest.sealWithEphemeralKey(keyConfig, SUITE, body,
                HpkeKeyPair.derive(fill(32, 0x51)));
        byte[] message = sealed.message();
        ChatCompletion completion = ChatCompletion.of(ChatCompletion.idFor(requestId), 1_790_000_101L, model.id(),
                "579", "stop", Usage.of(26, 4));
        long amount = network.cocoon.sdk.payment.Tariff.amount(price, 26, 4);
        var receipt = network.cocoon.sdk.payment.SignedReceipt.sign(new network.cocoon.sdk.payment.Receipt(
                params.address(), channelId, 1, network.cocoon.sdk.crypto.Digests.sha256(message),
                network.cocoon.sdk.crypto.Digests.sha256(ResultStatement.canonicalCompletion(completion)), 26, 4,
                price, amount, amount, 1_790_000_101L), signing);
        ResultStatement statement = ResultStatement.of(message, completion, model.digest(),
                receipt.receipt().hashHex());
        SignedResult signed = new SignedResult(statement, signing.sign(statement.signedDigest()));
        byte[] responseBody = ProtocolJson.write(new SealedResponseBody(completion, signed, receipt.toBoc(), null));
        OpenedRequest opened = OpenedRequest.open(message, keyConfig, workerKey);
        assertArrayEquals(body, opened.body());

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("operator_channel_seed", HEX.formatHex(fill(32, 0x80)));
        out.put("client_channel_seed", HEX.formatHex(fill(32, 0x88)));
        out.put("attestation_canonical_encoding", HEX.formatHex(document.canonicalEncoding()));
        out.put("attestation_report_data", HEX.formatHex(document.reportData()));
        out.put("attestation_json", new String(ProtocolJson.write(document), StandardCharsets.UTF_8));
        out.put("channel_data_boc", HEX.formatHex(params.dataBoc()));
        out.put("channel_address", params.address().toString());
        out.put("max_cost", maxCost);
        out.put("promise_boc", HEX.formatHex(promise.toBoc()));
        out.put("request_body_utf8", new String(body, StandardCharsets.UTF_8));
        out.put("request_sealed", HEX.formatHex(message));
        out.put("amount", amount);
        out.put("receipt_boc", HEX.formatHex(receipt.toBoc()));
        out.put("receipt_hash", receipt.receipt().hashHex());
        out.put("result_signed_digest", HEX.formatHex(statement.signedDigest()));
        out.put("result_signature", HEX.formatHex(signed.signature()));
        out.put("response_body_utf8", new String(responseBody, StandardCharsets.UTF_8));
        return out;
    }

    /** The same request and response under the alternative suite, X25519 / HKDF-SHA256 / AES-128-GCM. */
    static Map<String, Object> aes128gcm(KeyConfig keyConfig, HpkeKeyPair workerKey, byte[] body, byte[] responseBody)
            throws Exception {
        HpkeSuite suite = HpkeSuite.X25519_SHA256_AES128GCM;
        byte[] ephemeralIkm = fill(32, 0x58);
        SealedRequest sealed = SealedRequest.sealWithEphemeralKey(keyConfig, suite, body, HpkeKeyPair.derive(ephemeralIkm));
        byte[] message = sealed.message();
        RequestHeader header = new RequestHeader(keyConfig.keyId(), suite);
        OpenedRequest opened = OpenedRequest.open(message, keyConfig, workerKey);
        assertArrayEquals(body, opened.body());
        byte[] responseNonce = fill(16, 0x68); // max(Nn, Nk) = 16 for AES-128-GCM
        byte[] sealedResponse = opened.sealResponse(responseBody, responseNonce);
        assertArrayEquals(responseBody, sealed.openResponse(sealedResponse));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("suite", Map.of("kem_id", suite.kemId(), "kdf_id", suite.kdfId(), "aead_id", suite.aeadId()));
        out.put("ephemeral_ikm", HEX.formatHex(ephemeralIkm));
        out.put("header", HEX.formatHex(header.encode()));
        out.put("info", HEX.formatHex(header.info()));
        out.put("enc", HEX.formatHex(java.util.Arrays.copyOfRange(message, 7, 39)));
        out.put("sealed", HEX.formatHex(message));
        Map<String, Object> response = keySchedule(sealed, Labels.RESPONSE, responseNonce);
        response.put("sealed", HEX.formatHex(sealedResponse));
        out.put("response", response);
        return out;
    }

    /** A stream that fails after one delta: its final frame carries an error event. */
    static Map<String, Object> streamError(OpenedRequest opened, SealedRequest sealed) {
        return stream(opened, sealed, fill(32, 0xb0), List.of(new StreamEvent.Delta("5"),
                new StreamEvent.Failure("internal_error", "internal error")));
    }

    /** A stream of events, the last in the final frame, with its key schedule and every frame. */
    static Map<String, Object> stream(OpenedRequest opened, SealedRequest sealed, byte[] streamNonce,
                                      List<StreamEvent> events) {
        StreamSealer sealer = opened.streamSealer(streamNonce);
        Map<String, Object> out = keySchedule(sealed, Labels.RESPONSE_STREAM, streamNonce);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.writeBytes(streamNonce);
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            boolean last = i == events.size() - 1;
            byte[] plaintext = ProtocolJson.write(events.get(i));
            byte[] frame = last ? sealer.sealFinal(plaintext) : sealer.sealChunk(plaintext);
            whole.writeBytes(frame);
            Map<String, Object> chunk = new LinkedHashMap<>();
            chunk.put("plaintext_utf8", new String(plaintext, StandardCharsets.UTF_8));
            chunk.put("final", last);
            chunk.put("frame", HEX.formatHex(frame));
            chunks.add(chunk);
        }
        out.put("chunks", chunks);
        out.put("sealed", HEX.formatHex(whole.toByteArray()));
        return out;
    }

    /** The model digest (protocol section 8) of a three-file checkpoint; the worker's CheckpointTest agrees. */
    static Map<String, Object> modelDigest() {
        Map<String, byte[]> files = new java.util.TreeMap<>();
        files.put("config.json", "{\"model_type\":\"llama\"}".getBytes(StandardCharsets.UTF_8));
        files.put("tokenizer.json", "{\"version\":\"1.0\"}".getBytes(StandardCharsets.UTF_8));
        files.put("model.safetensors", fill(16, 0));
        network.cocoon.sdk.protocol.CanonicalEncoder encoder =
                network.cocoon.sdk.protocol.CanonicalEncoder.labelled("cocoon/v1 model");
        List<Map<String, Object>> listed = new ArrayList<>();
        for (var e : files.entrySet()) {
            byte[] hash = network.cocoon.sdk.crypto.Digests.sha256(e.getValue());
            encoder.text(e.getKey()).bytes(hash);
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("name", e.getKey());
            file.put("content", HEX.formatHex(e.getValue()));
            file.put("sha256", HEX.formatHex(hash));
            listed.add(file);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("files_in_order", listed);
        out.put("canonical", HEX.formatHex(encoder.toByteArray()));
        out.put("digest", HEX.formatHex(network.cocoon.sdk.crypto.Digests.sha256(encoder.toByteArray())));
        return out;
    }

    static Map<String, Object> keySchedule(SealedRequest sealed, String label, byte[] nonce) {
        ResponseKeys.Derived keys = sealed.responseKeys(label, nonce);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("export_label", label);
        out.put("response_nonce", HEX.formatHex(nonce));
        out.put("exported_secret", HEX.formatHex(keys.secret()));
        out.put("prk", HEX.formatHex(keys.prk()));
        out.put("aead_key", HEX.formatHex(keys.key()));
        out.put("aead_nonce", HEX.formatHex(keys.nonce()));
        return out;
    }
}
