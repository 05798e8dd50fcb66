package network.cocoon.worker.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import network.cocoon.sdk.attestation.nvidia.GpuEvidence;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.tee.DevTee;
import org.junit.jupiter.api.Test;

class AttestationServiceTest {
    @Test
    void gpuEvidenceIsRequestedOverTheDocumentsNonceAndAttached() {
        AtomicReference<byte[]> asked = new AtomicReference<>();
        GpuEvidence gpu = new GpuEvidence("HOPPER", new byte[] {1, 2, 3}, List.of(new byte[] {4}));
        var service = new AttestationService(WorkerIdentity.generate(), new DevTee(Ed25519KeyPair.generate()), nonce -> {
            asked.set(nonce);
            return List.of(gpu);
        }, new ModelInfo("m", "ab".repeat(32)), new Price(0, 0), "", Duration.ofHours(1), Clock.systemUTC());
        AttestationDocument document = service.issue(new byte[] {9});
        assertArrayEquals(GpuEvidence.nonceFor(document.reportData()), asked.get());
        assertEquals(1, document.gpuEvidence().size());
        assertArrayEquals(gpu.report(), document.gpuEvidence().get(0).report());
    }

    @Test
    void devDocumentsNameTheirDevRoot() {
        Ed25519KeyPair root = Ed25519KeyPair.generate();
        var service = new AttestationService(WorkerIdentity.generate(), new DevTee(root),
                new ModelInfo("m", "ab".repeat(32)), new Price(0, 0), "", Duration.ofHours(1), Clock.systemUTC());
        assertArrayEquals(root.publicKey(), service.issue(new byte[0]).devRoot());
    }
}
