package network.cocoon.sdk.attestation;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import network.cocoon.sdk.attestation.nvidia.GpuEvidenceVerifier;
import network.cocoon.sdk.protocol.Price;

/**
 * What a client requires of a worker before it sends a prompt: which platforms and measurements it trusts,
 * which models, the highest price, and how old a document may be. Immutable; build one with
 * {@link #builder()}.
 *
 * <p>No platform is trusted by default: add a hardware verifier with {@link Builder#platform(PlatformVerifier)},
 * or, for local development only, {@link Builder#allowInsecureDevelopmentEvidence(byte[])}.
 */
public final class AttestationPolicy {
    private static final System.Logger LOG = System.getLogger(AttestationPolicy.class.getName());

    private final Map<String, PlatformVerifier> verifiers;
    private final boolean insecureDevelopment;
    private final Set<String> allowedModelDigests;
    private final Price maxPrice;
    private final int maxProofOfWorkBits;
    private final Duration maxDocumentAge;
    private final Duration clockSkew;
    private final Clock clock;
    private final GpuEvidenceVerifier gpuVerifier;
    private final int requiredGpus;

    private AttestationPolicy(Builder b) {
        this.verifiers = Map.copyOf(b.verifiers);
        this.insecureDevelopment = b.devRoots != null;
        this.allowedModelDigests = Set.copyOf(b.allowedModelDigests);
        this.maxPrice = b.maxPrice;
        this.maxProofOfWorkBits = b.maxProofOfWorkBits;
        this.maxDocumentAge = b.maxDocumentAge;
        this.clockSkew = b.clockSkew;
        this.clock = b.clock;
        this.gpuVerifier = b.gpuVerifier;
        this.requiredGpus = b.requiredGpus;
    }

    /** A builder that trusts nothing yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** The verifier for a platform, if the policy trusts it. */
    public Optional<PlatformVerifier> verifier(String platform) {
        return Optional.ofNullable(verifiers.get(platform));
    }

    /** Whether {@code dev} evidence is accepted. */
    public boolean allowsInsecureDevelopment() {
        return insecureDevelopment;
    }

    /** Model digests (hex) allowed; empty means any model. */
    public Set<String> allowedModelDigests() {
        return allowedModelDigests;
    }

    /** The most proof of work per request this client does for a worker that asks ({@code pow_bits}). */
    public int maxProofOfWorkBits() {
        return maxProofOfWorkBits;
    }

    /** The highest acceptable price, if capped. */
    public Optional<Price> maxPrice() {
        return Optional.ofNullable(maxPrice);
    }

    /** How long after {@code issuedAt} a document is still accepted. */
    public Duration maxDocumentAge() {
        return maxDocumentAge;
    }

    /** How far the worker's clock may run ahead of the client's. */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** The clock that verification reads. */
    public Clock clock() {
        return clock;
    }

    /** How many GPUs must prove themselves (0: none required). */
    public int requiredGpus() {
        return requiredGpus;
    }

    /** The GPU evidence verifier, when GPUs are required. */
    public Optional<GpuEvidenceVerifier> gpuVerifier() {
        return Optional.ofNullable(gpuVerifier);
    }

    /** Builds an {@link AttestationPolicy}. */
    public static final class Builder {
        private final Map<String, PlatformVerifier> verifiers = new LinkedHashMap<>();
        private List<byte[]> devRoots;
        private final List<String> allowedModelDigests = new ArrayList<>();
        private Price maxPrice;
        private int maxProofOfWorkBits = 24;
        private Duration maxDocumentAge = Duration.ofHours(24);
        private Duration clockSkew = Duration.ofMinutes(2);
        private Clock clock = Clock.systemUTC();
        private GpuEvidenceVerifier gpuVerifier;
        private int requiredGpus;

        private Builder() {
        }

        /**
         * Requires at least {@code count} confidential GPUs whose evidence {@code verifier} accepts, each bound to
         * the document; every GPU the document lists must verify.
         */
        public Builder requireGpus(GpuEvidenceVerifier verifier, int count) {
            if (count < 1) {
                throw new IllegalArgumentException("require at least one GPU");
            }
            this.gpuVerifier = Objects.requireNonNull(verifier);
            this.requiredGpus = count;
            return this;
        }

        /** Trusts evidence of the verifier's platform, as that verifier checks it. */
        public Builder platform(PlatformVerifier verifier) {
            if (DevEvidence.PLATFORM.equals(verifier.platform())) {
                throw new IllegalArgumentException("use allowInsecureDevelopmentEvidence for the dev platform");
            }
            verifiers.put(verifier.platform(), verifier);
            return this;
        }

        /**
         * INSECURE: accepts {@code dev} evidence signed by this dev root key (32-byte Ed25519 public key).
         * Such a worker proves nothing about its hardware: whoever holds the dev root can read every prompt.
         * Use only for local development and tests; a warning is logged when the policy is built.
         */
        public Builder allowInsecureDevelopmentEvidence(byte[] devRootPublicKey) {
            if (devRootPublicKey.length != 32) {
                throw new IllegalArgumentException("a dev root is a 32-byte Ed25519 public key");
            }
            if (devRoots == null) {
                devRoots = new ArrayList<>();
            }
            devRoots.add(devRootPublicKey.clone());
            return this;
        }

        /** Allows a model by its digest (hex); once any is given, only listed models are accepted. */
        public Builder allowModel(String digestHex) {
            allowedModelDigests.add(Objects.requireNonNull(digestHex).toLowerCase(java.util.Locale.ROOT));
            return this;
        }

        /** Refuses workers whose price exceeds this cap in either part. */
        public Builder maxPrice(Price cap) {
            this.maxPrice = Objects.requireNonNull(cap);
            return this;
        }

        /**
         * The most proof of work per request this client will do (default 24 bits, about 16 million hashes on
         * average); a worker asking more is refused as {@code PROOF_OF_WORK_TOO_HARD}.
         */
        public Builder maxProofOfWorkBits(int bits) {
            if (bits < 0 || bits > network.cocoon.sdk.protocol.ProofOfWork.MAX_BITS) {
                throw new IllegalArgumentException("proof-of-work bits must be 0 to "
                        + network.cocoon.sdk.protocol.ProofOfWork.MAX_BITS);
            }
            this.maxProofOfWorkBits = bits;
            return this;
        }

        /** Refuses documents issued longer ago than this (default 24 hours). */
        public Builder maxDocumentAge(Duration age) {
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("max document age must be positive");
            }
            this.maxDocumentAge = age;
            return this;
        }

        /** Tolerates a worker clock this far ahead (default 2 minutes). */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative()) {
                throw new IllegalArgumentException("clock skew must not be negative");
            }
            this.clockSkew = skew;
            return this;
        }

        /** The clock to verify against (default: system UTC); pin it in tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Builds the policy, logging a warning if it accepts insecure development evidence. */
        public AttestationPolicy build() {
            if (devRoots != null) {
                verifiers.put(DevEvidence.PLATFORM, new DevEvidence.Verifier(devRoots));
                LOG.log(System.Logger.Level.WARNING, "INSECURE: this attestation policy accepts 'dev' evidence, "
                        + "which proves nothing about hardware; whoever holds the dev root key can read every "
                        + "prompt. Never use it in production.");
            }
            if (verifiers.isEmpty()) {
                throw new IllegalStateException("the policy trusts no platform: add a verifier");
            }
            return new AttestationPolicy(this);
        }
    }
}
