package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.List;
import java.util.Objects;
import network.cocoon.sdk.attestation.nvidia.GpuEvidence;
import network.cocoon.sdk.chat.InvalidFieldException;
import network.cocoon.sdk.crypto.Digests;

/**
 * What a worker publishes at {@code GET /v1/attestation}: its keys, model, price and payout, with platform
 * evidence that binds all of them to measured hardware.
 *
 * <p>The evidence covers {@link #reportData()}, a SHA-512 over the canonical encoding of every field but the
 * evidence itself, so a valid quote vouches for each field. Binary fields are base64 in JSON.
 *
 * @param version protocol version, {@code cocoon/v1}
 * @param platform evidence type: {@code tdx}, or {@code dev} for local development
 * @param evidence the platform's evidence over {@link #reportData()}
 * @param hpkeKeyConfig the RFC 9458 key config that requests are sealed to
 * @param signingKey the Ed25519 key that signs results and receipts
 * @param model the model served
 * @param price the price per 1,000 tokens
 * @param payout where the operator is paid (a TON address)
 * @param issuedAt seconds since the epoch
 * @param expiresAt seconds since the epoch; clients stop trusting the document then
 * @param nonce the client's freshness nonce, empty when none was asked for
 * @param gpuEvidence confidential GPUs' evidence, each over {@link GpuEvidence#nonceFor(byte[])} of the report
 *     data; evidence, so outside the canonical encoding; omitted from JSON when empty
 * @param devRoot for {@code dev} documents, the dev root's Ed25519 public key, so that a developer can see
 *     which key to pin; informational only (outside the canonical encoding, never trusted: the client verifies
 *     dev evidence against the key its user pinned); omitted from JSON when empty
 * @param payment how the worker is paid, or {@code null} for a worker that takes no payment; inside the
 *     canonical encoding (appended after {@code nonce} when present), so the evidence binds it
 * @param powBits the proof of work each request must carry ({@link ProofOfWork}), 0 for none; inside the
 *     canonical encoding (appended last when not 0); omitted from JSON when 0
 */
public record AttestationDocument(String version, String platform, byte[] evidence, byte[] hpkeKeyConfig,
                                  byte[] signingKey, ModelInfo model, Price price, String payout, long issuedAt,
                                  long expiresAt, byte[] nonce,
                                  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<GpuEvidence> gpuEvidence,
                                  @JsonInclude(JsonInclude.Include.NON_EMPTY) byte[] devRoot,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) PaymentTerms payment,
                                  @JsonProperty("pow_bits") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
                                  @JsonSetter(nulls = Nulls.AS_EMPTY) int powBits) {
    /** Validates presence of every field; semantic checks belong to the verifier. */
    public AttestationDocument {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(hpkeKeyConfig, "hpkeKeyConfig");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(payout, "payout");
        evidence = evidence == null ? new byte[0] : evidence.clone();
        hpkeKeyConfig = hpkeKeyConfig.clone();
        signingKey = signingKey.clone();
        nonce = nonce == null ? new byte[0] : nonce.clone();
        gpuEvidence = gpuEvidence == null ? List.of() : List.copyOf(gpuEvidence);
        devRoot = devRoot == null ? new byte[0] : devRoot.clone();
        if (powBits < 0 || powBits > ProofOfWork.MAX_BITS) {
            throw new InvalidFieldException("pow_bits", "must be 0 to " + ProofOfWork.MAX_BITS);
        }
    }

    /** A document without proof of work. */
    public AttestationDocument(String version, String platform, byte[] evidence, byte[] hpkeKeyConfig,
                               byte[] signingKey, ModelInfo model, Price price, String payout, long issuedAt,
                               long expiresAt, byte[] nonce, List<GpuEvidence> gpuEvidence, byte[] devRoot,
                               PaymentTerms payment) {
        this(version, platform, evidence, hpkeKeyConfig, signingKey, model, price, payout, issuedAt, expiresAt,
                nonce, gpuEvidence, devRoot, payment, 0);
    }

    /** A document without GPU evidence or dev root. */
    public AttestationDocument(String version, String platform, byte[] evidence, byte[] hpkeKeyConfig,
                               byte[] signingKey, ModelInfo model, Price price, String payout, long issuedAt,
                               long expiresAt, byte[] nonce) {
        this(version, platform, evidence, hpkeKeyConfig, signingKey, model, price, payout, issuedAt, expiresAt, nonce,
                List.of(), null, null);
    }

    /** A copy of the platform evidence. */
    @Override
    public byte[] evidence() {
        return evidence.clone();
    }

    /** A copy of the encoded HPKE key config. */
    @Override
    public byte[] hpkeKeyConfig() {
        return hpkeKeyConfig.clone();
    }

    /** A copy of the Ed25519 signing key. */
    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    /** A copy of the dev root public key; empty unless this is a {@code dev} document that names it. */
    @Override
    public byte[] devRoot() {
        return devRoot.clone();
    }

    /** A copy of the freshness nonce. */
    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The canonical encoding of every field except the evidence, in the order {@code docs/protocol.md} gives. */
    @JsonIgnore
    public byte[] canonicalEncoding() {
        CanonicalEncoder encoder = CanonicalEncoder.labelled(Labels.ATTESTATION)
                .text(version).text(platform).bytes(hpkeKeyConfig).bytes(signingKey)
                .text(model.id()).bytes(model.digestBytes())
                .int64(price.promptPer1k()).int64(price.completionPer1k())
                .text(payout).int64(issuedAt).int64(expiresAt).bytes(nonce);
        if (payment != null) {
            payment.encode(encoder);
        }
        if (powBits != 0) {
            encoder.text("pow").int64(powBits);
        }
        return encoder.toByteArray();
    }

    /** The 64 bytes that the platform evidence must cover (TDX {@code REPORTDATA}). */
    @JsonIgnore
    public byte[] reportData() {
        return Digests.sha512(canonicalEncoding());
    }

    /** The same document with other evidence. */
    public AttestationDocument withEvidence(byte[] newEvidence) {
        return new AttestationDocument(version, platform, newEvidence, hpkeKeyConfig, signingKey, model, price, payout,
                issuedAt, expiresAt, nonce, gpuEvidence, devRoot, payment, powBits);
    }

    /** The same document naming its dev root. */
    public AttestationDocument withDevRoot(byte[] devRootPublicKey) {
        return new AttestationDocument(version, platform, evidence, hpkeKeyConfig, signingKey, model, price, payout,
                issuedAt, expiresAt, nonce, gpuEvidence, devRootPublicKey, payment, powBits);
    }

    /** The same document with GPU evidence. */
    public AttestationDocument withGpuEvidence(List<GpuEvidence> evidence) {
        return new AttestationDocument(version, platform, this.evidence, hpkeKeyConfig, signingKey, model, price,
                payout, issuedAt, expiresAt, nonce, evidence, devRoot, payment, powBits);
    }

    /** The same document with payment terms; the evidence must then be made again, as it covers them. */
    public AttestationDocument withPayment(PaymentTerms terms) {
        return new AttestationDocument(version, platform, evidence, hpkeKeyConfig, signingKey, model, price, payout,
                issuedAt, expiresAt, nonce, gpuEvidence, devRoot, terms, powBits);
    }

    /** The same document asking for proof of work; the evidence must then be made again, as it covers it. */
    public AttestationDocument withProofOfWork(int bits) {
        return new AttestationDocument(version, platform, evidence, hpkeKeyConfig, signingKey, model, price, payout,
                issuedAt, expiresAt, nonce, gpuEvidence, devRoot, payment, bits);
    }
}
