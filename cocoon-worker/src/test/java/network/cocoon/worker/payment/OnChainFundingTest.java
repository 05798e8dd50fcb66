package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.ton.TonApi;
import network.cocoon.sdk.ton.TonApiException;
import network.cocoon.sdk.ton.TvmValue;
import org.junit.jupiter.api.Test;
import org.ton.ton4j.cell.CellBuilder;

/** Deposits read from the chain: only an open contract that is exactly the declared channel funds promises. */
class OnChainFundingTest {
    final ChannelParameters params = new ChannelParameters(PaymentChannel.randomChannelId(),
            Ed25519KeyPair.generate().publicKey(), Ed25519KeyPair.generate().publicKey(),
            TonAddress.parse("0:" + "11".repeat(32), "a"), TonAddress.parse("0:" + "22".repeat(32), "b"),
            new ClosingConfig(3600, 0, 0), 0);

    static TvmValue num(long n) {
        return new TvmValue.Num(BigInteger.valueOf(n));
    }

    static TvmValue address(TonAddress a) {
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeUint(2, 2);
        cell.storeBit(false);
        cell.storeInt(a.workchain(), 8);
        cell.storeBytes(a.hash());
        return new TvmValue.CellValue(cell.endCell().toBoc(true));
    }

    /** get_channel_data's stack for {@code p}, with a state and A's balance. */
    static List<TvmValue> stack(ChannelParameters p, int state, long balanceA) {
        return List.of(num(state), new TvmValue.Tuple(List.of(num(balanceA), num(0))),
                new TvmValue.Tuple(List.of(new TvmValue.Num(new BigInteger(1, p.clientKey())),
                        new TvmValue.Num(new BigInteger(1, p.operatorKey())))),
                new TvmValue.Num(p.channelId()),
                new TvmValue.Tuple(List.of(num(p.closing().quarantineDuration()), num(p.closing().misbehaviorFine()),
                        num(p.closing().conditionalCloseDuration()))),
                new TvmValue.Tuple(List.of(num(0), num(0))), new TvmValue.Null(),
                new TvmValue.Tuple(List.of(num(p.excessFee()), address(p.clientAddress()),
                        address(p.operatorAddress()))));
    }

    static final class FakeChain implements TonApi {
        final AtomicReference<Object> answer = new AtomicReference<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        @SuppressWarnings("unchecked")
        public List<TvmValue> runGetMethod(TonAddress account, String method) {
            calls.incrementAndGet();
            assertEquals("get_channel_data", method);
            if (answer.get() instanceof TonApiException e) {
                throw e;
            }
            return (List<TvmValue>) answer.get();
        }

        @Override
        public void sendBoc(byte[] externalMessage) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void anOpenMatchingChannelFundsUpToItsBalanceAndIsCached() throws Exception {
        FakeChain chain = new FakeChain();
        chain.answer.set(stack(params, 1, 5_000));
        Instant[] now = {Instant.parse("2026-11-25T12:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        OnChainFunding funding = new OnChainFunding(chain, Duration.ofSeconds(30), clock);
        assertEquals(5_000, funding.clientDeposit(params));
        chain.answer.set(stack(params, 1, 9_000));
        assertEquals(5_000, funding.clientDeposit(params), "cached");
        assertEquals(1, chain.calls.get());
        now[0] = now[0].plusSeconds(31);
        assertEquals(9_000, funding.clientDeposit(params), "read again after the ttl");
    }

    @Test
    void closedOtherOrMissingChannelsAreRefused() {
        ChannelParameters other = new ChannelParameters(params.channelId().add(BigInteger.ONE), params.clientKey(),
                params.operatorKey(), params.clientAddress(), params.operatorAddress(), params.closing(),
                params.excessFee());
        Object[][] cases = {
            {stack(params, 2, 5_000), "the channel is not open on chain", false},
            {stack(params, 0, 5_000), "the channel is not open on chain", false},
            {stack(other, 1, 5_000), "the contract at the derived address is another channel", false},
            {new TonApiException(TonApiException.Reason.EXIT_CODE, "exit -13", null),
                "no channel contract is deployed at the derived address", false},
            {new TonApiException(TonApiException.Reason.UNREACHABLE, "down", null),
                "the channel cannot be read on chain now", true},
            {new TonApiException(TonApiException.Reason.MALFORMED_RESPONSE, "odd", null),
                "the channel cannot be read on chain now", true},
        };
        for (Object[] c : cases) {
            FakeChain chain = new FakeChain();
            chain.answer.set(c[0]);
            var funding = new OnChainFunding(chain, Duration.ofSeconds(30), Clock.systemUTC());
            var e = assertThrows(ChannelFunding.ChannelUnavailableException.class, () -> funding.clientDeposit(params));
            assertEquals(c[1], e.getMessage());
            assertEquals(c[2], e.temporary());
        }
    }
}
