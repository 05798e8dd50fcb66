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
import network.cocoon.sdk.payment.PendingRequest;
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
    /** How far a receipt's time may be from the worker's clock as the client estimates it. */
    static final Duration RECEIPT_TIME_TOLERANCE = Duration.ofMinutes(5);

    private final PaymentChannel channel;
    private final Clock clock;
    private final ConcurrentHashMap<TonAddress, ReentrantLock> locks = new ConcurrentHashMap<>();

    ChannelPayer(PaymentChannel channel, Clock clock) {
        this.channel = channel;
        this.clock = clock;
    }

    /** As {@link #open(VerifiedWorker, Clock)}, taking the worker's clock to be this client's. */
    Session open(VerifiedWorker worker) {
        return open(worker, clock);
    }

    /**
     * Checks the worker's terms against the channel and takes the channel's lock until the session closes.
     *
     * @param workerClock the worker's clock as the client estimates it (from its attested, nonce-fresh
     *     {@code issued_at}): a receipt's time must be within {@link #RECEIPT_TIME_TOLERANCE} of it, so that a
     *     clock off by minutes on either side does not turn a charged answer into a refused one
     */
    Session open(VerifiedWorker worker, Clock workerClock) {
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
            return new Session(worker, workerClock, params, address, lock, record);
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
        private final Clock workerClock;
        private final ChannelParameters params;
        private final TonAddress address;
        private final ReentrantLock lock;
        private ChannelRecord record;
        private SignedSemiChannel promise;
        /** Requests earlier sessions left unanswered, whose receipts this session asks for. */
        private final List<PendingRequest> earlier;
        private final long receiptsAfter;

        private Session(VerifiedWorker worker, Clock workerClock, ChannelParameters params, TonAddress address,
                        ReentrantLock lock, ChannelRecord record) {
            this.worker = worker;
            this.workerClock = workerClock;
            this.params = params;
            this.address = address;
            this.lock = lock;
            this.record = record;
            this.earlier = record.pending();
            this.receiptsAfter = record.receiptSeqno();
        }

        ChannelParameters parameters() {
            return params;
        }

        /** When earlier requests went unanswered, the seqno of the last receipt held; otherwise {@code null}. */
        Long receiptsAfter() {
            return earlier.isEmpty() ? null : receiptsAfter;
        }

        /**
         * Stores the promise with the request it pays for, before the request leaves: a restart then neither
         * reuses the seqno nor forgets to ask for the receipt.
         */
        void sending(SignedSemiChannel signed, byte[] requestHash, int maxTokens) {
            if (record.pending().size() >= ChannelRecord.MAX_PENDING) {
                throw new PaymentException(Reason.UNANSWERED_REQUESTS, "receipts_after", ChannelRecord.MAX_PENDING
                        + " paid requests on this channel went unanswered; settle it with the worker's operator or"
                        + " open another channel", null, null);
            }
            var document = worker.document();
            ChannelRecord next = record.withPromise(signed, new PendingRequest(signed.state().body().seqno(),
                    signed.state().body().sent(), requestHash, document.signingKey(), document.price(), maxTokens));
            channel.store().save(next);
            record = next;
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
            long needed = Math.max(promise.state().body().sent(), demand.required());
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
            if (Math.max(record.seqno(), promise == null ? 0 : promise.state().body().seqno())
                    >= SemiChannelBody.MAX_SEQNO) {
                throw new PaymentException(Reason.SEQNO_EXHAUSTED, "seqno", "the channel has used every seqno the"
                        + " contract can commit; close it and open another", null, null);
            }
            long seqno = Math.max(record.seqno(), promise == null ? 0 : promise.state().body().seqno()) + 1;
            SemiChannelState state = new SemiChannelState(channel.channelId(), new SemiChannelBody(seqno, sent),
                    Optional.of(SemiChannelBody.INITIAL));
            promise = SignedSemiChannel.sign(state, channel.clientKey());
            return promise;
        }

        /**
         * Verifies a receipt against the promise, the attested prices, the verified result statement and the
         * previous receipt, then stores it.
         *
         * @throws PaymentException with {@link Reason#RECEIPT_MISMATCH} naming the first field that disagrees,
         *     carrying the promise and receipt as evidence
         */
        /** The worker refused this promise in a sealed 402: the request it paid for cannot be charged. */
        void refused(SignedSemiChannel signed) {
            long seqno = signed.state().body().seqno();
            ChannelRecord next = new ChannelRecord(record.address(), record.channelId(), record.seqno(),
                    record.promised(), record.owed(), record.promise(), record.receipt(),
                    record.pending().stream().filter(p -> p.seqno() != seqno).toList());
            channel.store().save(next);
            record = next;
        }

        Payment accept(SignedReceipt signed, ResultStatement statement, List<SignedReceipt> earlierReceipts) {
            return accept(signed, statement, earlierReceipts, null, null);
        }

        /**
         * As {@link #accept(SignedReceipt, ResultStatement, List)}, and with the channel's token counter (if any)
         * the counts checked against the request's messages and the answer.
         */
        Payment accept(SignedReceipt signed, ResultStatement statement, List<SignedReceipt> earlierReceipts,
                       List<network.cocoon.sdk.chat.ChatMessage> messages, network.cocoon.sdk.chat.ChatCompletion answer) {
            List<SignedReceipt> recovered = earlierReceipts == null ? List.of() : earlierReceipts;
            for (SignedReceipt earlierReceipt : recovered) {
                acceptEarlier(earlierReceipt);
            }
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
                {"time", Math.abs(r.time() - workerClock.instant().getEpochSecond())
                        <= RECEIPT_TIME_TOLERANCE.toSeconds()},
            };
            String failed = firstFailed(checks);
            if (failed != null) {
                throw mismatch(failed, "the receipt disagrees with the request, the attestation or the previous"
                        + " receipt", evidence);
            }
            if (r.cumulative() > promise.state().body().sent()) {
                throw mismatch("cumulative", "the receipt charges more than the promise allows", evidence);
            }
            if (channel.tokenCounter().isPresent() && messages != null && answer != null) {
                var counter = channel.tokenCounter().get();
                if (counter.promptTokens(messages) != r.promptTokens()) {
                    throw mismatch("prompt_tokens", "the attested model's tokenizer counts another number of prompt"
                            + " tokens", evidence);
                }
                var completion = counter.completionTokens(answer.content(), answer.finishReason());
                if (completion.isPresent() && completion.getAsLong() != r.completionTokens()) {
                    throw mismatch("completion_tokens", "the attested model's tokenizer counts another number of"
                            + " completion tokens", evidence);
                }
            }
            ChannelRecord next = record.withReceipt(signed);
            channel.store().save(next);
            record = next;
            return new Payment(promise, signed, recovered);
        }

        /**
         * The receipt of the request the last session left unanswered: checked against what was stored when it
         * was sent (the worker may have restarted with another key since), then stored.
         */
        private void acceptEarlier(SignedReceipt signed) {
            Receipt r = signed.receipt();
            PendingRequest pending = record.pending().stream().filter(p -> p.seqno() == r.seqno()
                    && earlier.contains(p)).findFirst().orElseThrow(() -> new PaymentException(
                            Reason.MALFORMED_RECEIPT, "earlier_receipts", "the worker sent a receipt for a request"
                            + " that is not pending, or out of order", null, null));
            if (!network.cocoon.sdk.crypto.Ed25519.verify(pending.signingKey(), r.hash(), signed.signature())) {
                throw new PaymentException(Reason.SIGNATURE_INVALID, "earlier_receipts.signature", "the earlier"
                        + " receipt is not signed by the key of the worker the request was sent to", null, null);
            }
            long expectedAmount;
            try {
                expectedAmount = network.cocoon.sdk.payment.Tariff.amount(pending.price(), r.promptTokens(),
                        r.completionTokens());
            } catch (ArithmeticException e) {
                expectedAmount = -1;
            }
            Object[][] checks = {
                {"channel", r.channel().equals(address)},
                {"channel_id", r.channelId().equals(channel.channelId())},
                {"seqno", r.seqno() == pending.seqno()},
                {"request_hash", java.util.Arrays.equals(r.requestHash(), pending.requestHash())},
                {"completion_tokens", r.completionTokens() <= pending.maxTokens()},
                {"prompt_price", r.price().promptPer1k() == pending.price().promptPer1k()},
                {"completion_price", r.price().completionPer1k() == pending.price().completionPer1k()},
                {"amount", r.amount() == expectedAmount},
                {"cumulative", r.cumulative() == record.owed() + r.amount() && r.cumulative() <= pending.sent()},
            };
            String failed = firstFailed(checks);
            if (failed != null) {
                throw new PaymentException(Reason.RECEIPT_MISMATCH, "earlier_receipts." + failed, "the earlier"
                        + " receipt disagrees with the request that was sent, or with the previous receipt",
                        new PaymentEvidence(record.promise().orElse(promise), signed), null);
            }
            ChannelRecord next = record.withReceipt(signed);
            channel.store().save(next);
            record = next;
        }

        /** The name of the first {field, passed} pair that did not pass, or {@code null}. */
        private static String firstFailed(Object[][] checks) {
            for (Object[] check : checks) {
                if (!(Boolean) check[1]) {
                    return (String) check[0];
                }
            }
            return null;
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
