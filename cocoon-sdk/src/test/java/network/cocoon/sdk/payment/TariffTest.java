package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.protocol.Price;
import org.junit.jupiter.api.Test;

/** The rounding rule at its boundaries, and overflow refused rather than wrapped. */
class TariffTest {
    @Test
    void fractionsOfANanotonAreNeverCharged() {
        Price perToken = new Price(1, 1); // one nanoton per 1,000 tokens
        assertEquals(0, Tariff.amount(perToken, 999, 0));
        assertEquals(1, Tariff.amount(perToken, 1000, 0));
        assertEquals(1, Tariff.amount(perToken, 1999, 0));
        assertEquals(2, Tariff.amount(perToken, 1000, 1000));
        // The sum is rounded once, not each part: 500 + 500 thousandths make one nanoton.
        assertEquals(1, Tariff.amount(perToken, 500, 500));
        assertEquals(0, Tariff.amount(new Price(0, 0), 1_000_000, 1_000_000));
        assertEquals(3400, Tariff.amount(new Price(100_000, 200_000), 26, 4));
    }

    @Test
    void overflowIsRefused() {
        Price huge = new Price(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2);
        assertEquals(Long.MAX_VALUE / 2 / 1000, Tariff.amount(huge, 1, 0));
        assertThrows(ArithmeticException.class, () -> Tariff.amount(huge, 3, 0));
        assertThrows(ArithmeticException.class, () -> Tariff.amount(huge, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tariff.amount(huge, -1, 0));
    }

    @Test
    void promptBoundCountsUtf8BytesAndTemplateAllowance() {
        assertEquals(16 + 7 + 16, Tariff.promptBound(List.of(ChatMessage.user("123+456"))));
        // "é" is two UTF-8 bytes, "€" three.
        assertEquals(16 + (5 + 16) + (3 + 16), Tariff.promptBound(List.of(ChatMessage.system("é€"),
                ChatMessage.user("€"))));
    }
}
