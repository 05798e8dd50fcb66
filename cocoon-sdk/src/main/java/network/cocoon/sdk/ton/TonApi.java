package network.cocoon.sdk.ton;

import java.util.List;
import network.cocoon.sdk.payment.TonAddress;

/** The on-chain calls Cocoon makes. Implementations must be thread-safe. */
public interface TonApi {
    /**
     * Runs a get-method without arguments on an account's current state.
     *
     * @return the resulting stack, bottom first
     * @throws TonApiException if the call fails or the method exits with a non-zero code
     */
    List<TvmValue> runGetMethod(TonAddress account, String method);

    /**
     * Sends a signed external message (a wallet's, carrying the internal message to a contract).
     *
     * @throws TonApiException if the API refuses it
     */
    void sendBoc(byte[] externalMessage);
}
