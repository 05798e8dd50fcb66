package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.payment.SemiChannelState;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SignedSemiChannel;

/**
 * Payment documents as bags of cells from the other party: a signed receipt, a signed semi-channel (promise)
 * and a semi-channel state. The first byte picks the parser. Each parses or ends in a
 * {@link PaymentException}. Seeds: the receipt and channel vectors.
 */
class PaymentBocFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyBagOfCellsParsesOrIsRefused(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        Invariants.refusesOnly(data, PaymentException.class, d -> {
            byte[] boc = Arrays.copyOfRange(d, 1, d.length);
            switch (Math.floorMod(d[0], 3)) {
                case 0 -> SignedReceipt.fromBoc(boc);
                case 1 -> SignedSemiChannel.fromBoc(boc);
                default -> SemiChannelState.fromBoc(boc);
            }
        });
    }
}
