package network.cocoon.sdk;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.Payment;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.PaymentEvidence;
import network.cocoon.sdk.payment.Receipt;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SemiChannelState;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentDemand;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.protocol.ResultStatement;

/**
 * Pays requests on one {@link PaymentChannel}: signs and stores each promise before it leaves, and verifies and
 * stores each receipt before the answer is returned. Requests on one channel are serialized (a session holds the
 * channel's lock from promise to receipt), so no seqno is signed twice and each receipt extends the one before.
 */
final class ChannelPayer {
    /** How far a receipt's time may be from the client's clock. */
    static final Duration RECEIPT_TIME_TOLERANCE = Duration.ofMinutes(5);

    private final PaymentChannel channel;
    private final Clock clock;
    private final ConcurrentHashMap<TonAddress, ReentrantLock> locks = new ConcurrentHashMap<>();

    ChannelPayer(PaymentChannel channel, Clock clock) {
        this.channel = channel;
        this.clock = clock;
    }

    /** Checks the worker's terms against the channel and takes the channel's lock until the session closes. */
    Session open(VerifiedWorker worker) {
        var document = worker.document();
        ChannelParameters params = channel.parametersWith(document.payment(), document.payout());
        TonAddress address = params.address();
        ReentrantLock lock = locks.computeIfAbsent(address, a -> new ReentrantLock());
        lock.lock();
        try {
            ChannelRecord record = channel.store().load(address)
                    .orElseGet(() -> ChannelRecord.fresh(address, channel.channelId()));
            if (!record.channelId().equals(channel.channelId())) {
                throw new PaymentException(Reason.CHANNEL_MISMATCH, "channel_id", "the stored record of this"
                        + " address is of another channel id", null, null);
            }
            return new Session(worker, params, address, lock, record);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
    }

    /** The records of the channels this payer has used, from the store. */
    List<ChannelRecord> records() {
        List<ChannelRecord> out = new ArrayList<>();
        for (TonAddress address : locks.keySet()) {
            channel.store().load(address).ifPresent(out::add);
        }
        return out;
    }

    /** One request's payment on one channel; close it to release the channel. */
    final class Session implements AutoCloseable {
        private final VerifiedWorker worker;
        private final ChannelParameters params;
        private final TonAddress address;
        private final ReentrantLock lock;
        private ChannelRecord record;
        private SignedSemiChannel promise;

        private Session(VerifiedWorker worker, ChannelParameters params, TonAddress address, ReentrantLock lock,
                        ChannelRecord record) {
            this.worker = worker;
            this.params = params;
            this.address = address;
            this.lock = lock;
            this.record = record;
        }

        ChannelParameters parameters() {
            return params;
        }

        /** Signs and stores a promise covering what is owed plus {@code maxCost}. */
        SignedSemiChannel promise(long maxCost) {
            if (maxCost > channel.maxCostPerRequest()) {
                throw new PaymentException(Reason.OVER_CAP, "max_tokens", "the request may cost " + maxCost
                        + " nanotons, above the per-request cap of " + channel.maxCostPerRequest(), null, null);
            }
            return sign(Math.max(record.promised(), Math.addExact(record.owed(), maxCost)));
        }

        /** Answers a worker's sealed 402 once: signs what it asks if the cap and deposit allow. */
        SignedSemiChannel resign(PaymentDemand demand) {
            long needed = Math.max(record.promised(), demand.required());
            if (needed - record.owed() > channel.maxCostPerRequest()) {
                throw new PaymentException(Reason.OVER_CAP, "required", "the worker asks for " + needed
                        + " nanotons, " + (needed - record.owed()) + " above what the receipts say is owed, more"
                        + " than the per-request cap of " + channel.maxCostPerRequest(), null, null);
            }
            return sign(needed);
        }

        private SignedSemiChannel sign(long sent) {
            if (sent > channel.deposit()) {
                throw new PaymentException(Reason.INSUFFICIENT_DEPOSIT, "sent", "paying this request would promise "
                        + sent + " nanotons, above the deposit of " + channel.deposit(), null, null);
            }
            if (record.seqno() >= SemiChannelBody.MAX_SEQNO) {
                throw new PaymentException(Reason.SEQNO_EXHAUSTED, "seqno", "the channel has used every seqno the"
                        + " contract can commit; close it and open another", null, null);
            }
            SemiChannelState state = new SemiChannelState(channel.channelId(),
                    new SemiChannelBody(record.seqno() + 1, sent), Optional.of(SemiChannelBody.INITIAL));
            SignedSemiChannel signed = SignedSemiChannel.sign(state, channel.clientKey());
            ChannelRecord next = record.withPromise(signed);
            channel.store().save(next);
            record = next;
            promise = signed;
            return signed;
        }

        /**
         * Verifies a receipt against the promise, the attested prices, the verified result statement and the
         * previous receipt, then stores it.
         *
         * @throws PaymentException with {@link Reason#RECEIPT_MISMATCH} naming the first field that disagrees,
         *     carrying the promise and receipt as evidence
         */
        Payment accept(SignedReceipt signed, ResultStatement statement) {
            signed.verify(worker.signingKey());
            Receipt r = signed.receipt();
            PaymentEvidence evidence = new PaymentEvidence(promise, signed);
            HexFormat hex = HexFormat.of();
            Price price = worker.document().price();
            long expectedAmount;
            try {
                expectedAmount = network.cocoon.sdk.payment.Tariff.amount(price, r.promptTokens(),
                        r.completionTokens());
            } catch (ArithmeticException e) {
                throw mismatch("amount", "does not fit 63 bits at the attested price", evidence);
            }
            Object[][] checks = {
                {"channel", r.channel().equals(address)},
                {"channel_id", r.channelId().equals(channel.channelId())},
                {"seqno", r.seqno() == promise.state().body().seqno()},
                {"request_hash", hex.formatHex(r.requestHash()).equals(statement.requestHash())},
                {"result_hash", hex.formatHex(r.resultHash()).equals(statement.completionHash())},
                {"prompt_tokens", r.promptTokens() == statement.promptTokens()},
                {"completion_tokens", r.completionTokens() == statement.completionTokens()},
                {"prompt_price", r.price().promptPer1k() == price.promptPer1k()},
                {"completion_price", r.price().completionPer1k() == price.completionPer1k()},
                {"amount", r.amount() == expectedAmount},
                {"cumulative", r.cumulative() == record.owed() + r.amount()},
                {"time", Math.abs(r.time() - clock.instant().getEpochSecond())
                        <= RECEIPT_TIME_TOLERANCE.toSeconds()},
            };
            for (Object[] check : checks) {
                if (!(Boolean) check[1]) {
                    throw mismatch((String) check[0], "the receipt disagrees with the request, the attestation or"
                            + " the previous receipt", evidence);
                }
            }
            if (r.cumulative() > promise.state().body().sent()) {
                throw mismatch("cumulative", "the receipt charges more than the promise allows", evidence);
            }
            ChannelRecord next = record.withReceipt(signed);
            channel.store().save(next);
            record = next;
            return new Payment(promise, signed);
        }

        private PaymentException mismatch(String field, String message, PaymentEvidence evidence) {
            return new PaymentException(Reason.RECEIPT_MISMATCH, field, message, evidence, null);
        }

        @Override
        public void close() {
            lock.unlock();
        }
    }
}
