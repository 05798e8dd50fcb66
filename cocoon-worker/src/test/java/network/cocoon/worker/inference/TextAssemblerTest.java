package network.cocoon.worker.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextAssemblerTest {
    @Test
    void releasesTextAsItGrows() {
        TextAssembler t = new TextAssembler(List.of());
        assertEquals("Hel", t.update("Hel"));
        assertEquals("lo", t.update("Hello"));
        assertEquals("", t.flush());
        assertEquals("Hello", t.text());
    }

    @Test
    void holdsBackAnIncompleteCharacter() {
        TextAssembler t = new TextAssembler(List.of());
        assertEquals("a", t.update("a\uFFFD"));
        assertEquals("é", t.update("aé"));
    }

    @Test
    void holdsBackWhatCouldBecomeAStopSequenceAndCutsAtIt() {
        TextAssembler t = new TextAssembler(List.of("END"));
        assertEquals("ab", t.update("abE"));
        assertEquals("", t.update("abEN"));
        assertEquals("", t.update("abEND and more"));
        assertTrue(t.stopped());
        assertEquals("ab", t.text());
        assertEquals("", t.flush());
    }

    @Test
    void heldTextIsReleasedWhenItTurnsOutNotToBeAStop() {
        TextAssembler t = new TextAssembler(List.of("END"));
        assertEquals("ab", t.update("abEN"));
        assertEquals("ENx", t.update("abENx"));
        assertEquals("", t.flush());
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        TextAssembler t = new TextAssembler(List.of("zz", "b"));
        assertEquals("a", t.update("abzz"));
        assertEquals("a", t.text());
    }
}
