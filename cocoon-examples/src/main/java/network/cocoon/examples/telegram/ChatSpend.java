package network.cocoon.examples.telegram;

import java.util.concurrent.ConcurrentHashMap;

/** What each chat has spent, summed from the verified receipts of its answers. Kept in memory only. */
final class ChatSpend {
    /**
     * One chat's total.
     *
     * @param nanotons the sum of the receipts' amounts
     * @param answers how many paid answers that is
     */
    record Total(long nanotons, int answers) {
        static final Total NONE = new Total(0, 0);

        Total plus(long amount) {
            return new Total(Math.addExact(nanotons, amount), answers + 1);
        }
    }

    private final ConcurrentHashMap<Long, Total> totals = new ConcurrentHashMap<>();

    void add(long chatId, long receiptAmount) {
        totals.merge(chatId, Total.NONE.plus(receiptAmount), (a, b) -> a.plus(b.nanotons()));
    }

    Total of(long chatId) {
        return totals.getOrDefault(chatId, Total.NONE);
    }
}
