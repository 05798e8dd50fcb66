package network.cocoon.worker.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {1f, 3f, 2f, 0.5f, -1f};

    @Test
    void temperatureZeroIsArgMax() {
        assertEquals(1, new Sampler(0, 0, 1, 1).next(LOGITS, 0, LOGITS.length));
        assertEquals(2, new Sampler(0, 0, 1, 1).next(new float[] {9, 0, 0, 5}, 1, 3));
    }

    @Test
    void sameSeedSameDraws() {
        Sampler a = new Sampler(1, 0, 1, 42);
        Sampler b = new Sampler(1, 0, 1, 42);
        for (int i = 0; i < 50; i++) {
            assertEquals(a.next(LOGITS, 0, LOGITS.length), b.next(LOGITS, 0, LOGITS.length));
        }
    }

    @Test
    void topKAndTopPRestrictTheCandidates() {
        Set<Integer> topK = new HashSet<>();
        Set<Integer> topP = new HashSet<>();
        Set<Integer> all = new HashSet<>();
        Sampler k = new Sampler(2, 2, 1, 1);
        Sampler p = new Sampler(2, 0, 0.5, 1);
        Sampler free = new Sampler(2, 0, 1, 1);
        for (int i = 0; i < 2000; i++) {
            topK.add(k.next(LOGITS, 0, LOGITS.length));
            topP.add(p.next(LOGITS, 0, LOGITS.length));
            all.add(free.next(LOGITS, 0, LOGITS.length));
        }
        assertEquals(Set.of(1, 2), topK);
        assertTrue(Set.of(1, 2).containsAll(topP) && topP.contains(1), topP.toString());
        assertEquals(5, all.size(), "without cuts every token can be drawn");
    }
}
