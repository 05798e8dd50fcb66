package network.cocoon.worker.payment;

import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.Receipt;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.Tariff;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentDemand;
import network.cocoon.sdk.protocol.PaymentPromise;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.sdk.protocol.Price;

/**
 * Takes payment for requests. Per request: {@link #open} checks the promise on its own (layout, signature,
 * channel, deposit) before the request is queued; {@link Ticket#admit}, once the prompt is tokenized and before
 * any token is generated, checks it against the channel (seqno, amount), reserves the request's maximum cost and
 * starts storing the promise durably; {@link Ticket#awaitPromise} waits for that store, and nothing of the answer
 * leaves the worker before it returns; {@link Ticket#settle} (which awaits the promise first) charges the actual
 * cost and records the signed receipt durably before the answer leaves; {@link Ticket#release} frees a
 * reservation that was never charged.
 *
 * <p>The promise's commit (an fsync, 1 to 4 ms on the project's VMs) runs on the desk's ledger thread while the
 * answer is generated, rather than before it: a promise only has to be durable before anything it pays for is
 * sent. While the ledger is failing ({@link #ledgerFailing}) the promise is stored before generation instead, so
 * that a worker with a full disk does not generate answers it then has to refuse.
 *
 * <p>Money: a promise must cover {@code charged + cost(prompt tokens, max tokens)}, where {@code charged} is the
 * channel's last receipt's cumulative amount, so at most one request's unused maximum is ever promised beyond what
 * was charged. A channel has one request in flight at a time; another arriving meanwhile is answered 503.
 */
public final class PaymentDesk {
    private final PaymentSettings settings;
    private final ChannelFunding funding;
    private final PaymentLedger ledger;
    private final Ed25519KeyPair signingKey;
    private final Price price;
    private final Clock clock;
    private final ConcurrentHashMap<TonAddress, Account> accounts = new ConcurrentHashMap<>();
    /** Commits promises while their answers are generated; one thread, since the ledger takes one write at a time. */
    private final java.util.concurrent.ThreadPoolExecutor ledgerWriter;
    /** When a ledger write last failed ({@link System#nanoTime}), or 0 when the last write succeeded. */
    private volatile long ledgerFailedAt;

    /** How long after a failed ledger write the worker reports itself not ready. */
    static final long LEDGER_COOL_DOWN_NANOS = 10_000_000_000L;

    /**
     * A desk charging {@code price}, signing receipts with the worker's attested {@code signingKey}.
     *
     * @param funding where channel deposits are read
     * @param ledger the durable ledger; the desk does not close it
     */
    public PaymentDesk(PaymentSettings settings, ChannelFunding funding, PaymentLedger ledger,
                       Ed25519KeyPair signingKey, Price price, Clock clock) {
        this.settings = settings;
        this.funding = funding;
        this.ledger = ledger;
        this.signingKey = signingKey;
        this.price = price;
        this.clock = clock;
        this.ledgerWriter = new java.util.concurrent.ThreadPoolExecutor(1, 1, 30, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "cocoon-ledger-writer");
                    thread.setDaemon(true);
                    return thread;
                });
        ledgerWriter.allowCoreThreadTimeOut(true);
    }

    /** The terms this desk's worker attests. */
    public PaymentTerms terms() {
        return settings.terms();
    }

    /** The operator's payout wallet (party B's address), which the attestation publishes as {@code payout}. */
    public TonAddress payout() {
        return settings.payout();
    }

    /** The ledger. */
    public PaymentLedger ledger() {
        return ledger;
    }

    /**
     * Whether a ledger write failed within the last ten seconds (a full or read-only disk, a broken database).
     * The worker then reports itself not ready, so that routers send paid work elsewhere; after the cool-down
     * the next paid request tries the ledger again, and its success clears this.
     */
    public boolean ledgerFailing() {
        long at = ledgerFailedAt;
        return at != 0 && System.nanoTime() - at < LEDGER_COOL_DOWN_NANOS;
    }

    private void ledgerFailed() {
        long now = System.nanoTime();
        ledgerFailedAt = now == 0 ? 1 : now;
    }

    /**
     * Checks a request's payment on its own, before it is queued.
     *
     * @param payment the request's {@code cocoon.payment}, or {@code null} when it carries none (its ticket then
     *     answers 402 at admission with what a first promise must cover)
     * @throws PaymentRefusal naming the field at fault
     */
    public Ticket open(PaymentPromise payment) {
        if (payment == null) {
            return new Ticket(null, null, null, 0, null);
        }
        TonAddress clientAddress;
        try {
            clientAddress = TonAddress.parse(payment.clientAddress(), "cocoon.payment.client_address");
        } catch (RuntimeException e) {
            throw PaymentRefusal.invalid("cocoon.payment.client_address", "must be a raw TON address");
        }
        ChannelParameters params = new ChannelParameters(new BigInteger(payment.channelId()), payment.clientKey(),
                settings.channelKey().publicKey(), clientAddress, settings.payout(), settings.closing(),
                settings.excessFee());
        SignedSemiChannel promise;
        try {
            promise = SignedSemiChannel.fromBoc(payment.promise());
        } catch (PaymentException e) {
            throw PaymentRefusal.invalid("cocoon.payment.promise", switch (e.reason()) {
                case UNSUPPORTED_STATE -> "conditional payments are not accepted";
                default -> "must be one canonical signed_schs bag of cells";
            });
        }
        try {
            promise.verify(payment.clientKey());
        } catch (PaymentException e) {
            throw PaymentRefusal.invalid("cocoon.payment.promise.signature", "is not the client key's signature");
        }
        if (!promise.state().channelId().equals(params.channelId())) {
            throw PaymentRefusal.invalid("cocoon.payment.promise.channel_id", "must be the channel's id");
        }
        Optional<SemiChannelBody> counterparty = promise.state().counterparty();
        if (counterparty.isPresent() && !counterparty.get().equals(SemiChannelBody.INITIAL)) {
            // The operator never signs states of its own, so the client cannot have seen one.
            throw PaymentRefusal.invalid("cocoon.payment.promise.counterparty_data", "must be absent or all zero");
        }
        long deposit;
        try {
            deposit = funding.clientDeposit(params);
        } catch (ChannelFunding.ChannelUnavailableException e) {
            throw e.temporary() ? PaymentRefusal.unavailable(e.getMessage())
                    : PaymentRefusal.invalid("cocoon.payment.channel_id", e.getMessage());
        }
        if (promise.state().body().sent() > deposit) {
            throw PaymentRefusal.invalid("cocoon.payment.promise.sent", "exceeds the channel's deposit");
        }
        Long receiptsAfter = payment.receiptsAfter();
        if (receiptsAfter != null && receiptsAfter >= promise.state().body().seqno()) {
            throw PaymentRefusal.invalid("cocoon.payment.receipts_after", "must be below the promise's seqno");
        }
        return new Ticket(params.address(), params, promise, deposit, receiptsAfter);
    }

    private Account account(TonAddress address) {
        return accounts.computeIfAbsent(address, a -> {
            var stored = ledger.channel(a);
            return stored.map(s -> new Account(s.seqno(), s.sent(), s.charged())).orElseGet(() -> new Account(0, 0, 0));
        });
    }

    /** A channel's numbers; guarded by its own monitor. */
    private static final class Account {
        long seqno;
        long sent;
        long charged;
        long reserved;

        Account(long seqno, long sent, long charged) {
            this.seqno = seqno;
            this.sent = sent;
            this.charged = charged;
        }
    }

    /** One request's payment. Not thread-safe: it belongs to the request's thread. */
    public final class Ticket {
        private final TonAddress address;
        private final ChannelParameters params;
        private final SignedSemiChannel promise;
        private final long deposit;
        private final Long receiptsAfter;
        private long reservation;
        private boolean admitted;
        private boolean settled;
        /** The promise's commit while it runs on the ledger thread; {@code null} once awaited or when synchronous. */
        private java.util.concurrent.Future<?> storing;
        /** The channel's seqno and sent amount before this promise, restored if its commit fails. */
        private long seqnoBefore;
        private long sentBefore;
        /** Why the promise's commit failed, once awaited; the same refusal is thrown to every later call. */
        private PaymentRefusal storeFailure;

        private Ticket(TonAddress address, ChannelParameters params, SignedSemiChannel promise, long deposit,
                       Long receiptsAfter) {
            this.receiptsAfter = receiptsAfter;
            this.address = address;
            this.params = params;
            this.promise = promise;
            this.deposit = deposit;
        }

        /**
         * Checks the promise against the channel for a request of {@code promptTokens} that may generate
         * {@code maxTokens}, reserves the request's maximum cost and starts storing the promise durably (see
         * {@link #awaitPromise}). While the ledger is failing the promise is stored before this returns.
         *
         * @throws PaymentRefusal 402 with what would be accepted, 400 naming the field, or 503 when the ledger is
         *     failing and the promise cannot be stored (the disk is full or read-only): nothing was stored, nothing
         *     is generated
         */
        public void admit(int promptTokens, int maxTokens) {
            long cost;
            try {
                cost = Tariff.amount(price, promptTokens, maxTokens);
            } catch (ArithmeticException e) {
                throw PaymentRefusal.invalid("max_tokens", "makes the request's cost overflow");
            }
            if (promise == null) {
                throw PaymentRefusal.required(new PaymentDemand(cost, 0, 0));
            }
            Account account = account(address);
            synchronized (account) {
                if (account.reserved > 0) {
                    // One request per channel at a time: a receipt then always extends the one before, and an
                    // answer the client gave up on is settled before its next request can be charged.
                    throw PaymentRefusal.unavailable("another request on this channel is still being answered");
                }
                long seqno = promise.state().body().seqno();
                long sent = promise.state().body().sent();
                if (seqno <= account.seqno) {
                    throw PaymentRefusal.invalid("cocoon.payment.promise.seqno",
                            "must be above the last stored seqno, " + account.seqno);
                }
                if (sent < account.sent) {
                    throw PaymentRefusal.invalid("cocoon.payment.promise.sent",
                            "must not fall below the last stored promise, " + account.sent);
                }
                long required = Math.addExact(Math.addExact(account.charged, account.reserved), cost);
                if (sent < required) {
                    if (required > deposit) {
                        throw PaymentRefusal.invalid("cocoon.payment.promise.sent",
                                "cannot cover this request within the channel's deposit");
                    }
                    throw PaymentRefusal.required(new PaymentDemand(required, account.charged, account.seqno));
                }
                if (ledgerFailing()) {
                    try {
                        ledger.storePromise(params, promise);
                    } catch (PaymentLedger.LedgerException e) {
                        // Nothing was stored and nothing generated: the worker may say it did not process this.
                        ledgerFailed();
                        throw cannotRecord();
                    }
                    ledgerFailedAt = 0;
                } else {
                    // The reservation below keeps every other request on this channel out until this ticket is
                    // settled or released, so nothing else can read or move the channel's numbers meanwhile.
                    storing = ledgerWriter.submit(() -> ledger.storePromise(params, promise));
                }
                seqnoBefore = account.seqno;
                sentBefore = account.sent;
                account.seqno = seqno;
                account.sent = sent;
                account.reserved += cost;
            }
            reservation = cost;
            admitted = true;
        }

        private static PaymentRefusal cannotRecord() {
            return PaymentRefusal.unavailable("the worker cannot record payments now");
        }

        /**
         * Waits until the admitted promise is durable; nothing the request produced may leave the worker before
         * this returns. Returns at once when the promise was stored at admission or already awaited.
         *
         * @throws PaymentRefusal 503 when the promise could not be stored: the reservation is freed, the channel's
         *     numbers are as before this request, and the answer must be withheld (a signed {@code busy} says the
         *     worker did not process it)
         */
        public void awaitPromise() {
            if (storeFailure != null) {
                throw storeFailure;
            }
            if (storing == null) {
                return;
            }
            boolean interrupted = false;
            Throwable failure = null;
            while (true) {
                try {
                    storing.get();
                    break;
                } catch (InterruptedException e) {
                    // The commit runs on; its outcome decides the channel's numbers, so it is waited for.
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = e.getCause();
                    break;
                }
            }
            storing = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure == null) {
                ledgerFailedAt = 0;
                return;
            }
            ledgerFailed();
            Account account = account(address);
            synchronized (account) {
                account.seqno = seqnoBefore;
                account.sent = sentBefore;
                account.reserved -= reservation;
            }
            settled = true;
            storeFailure = cannotRecord();
            if (!(failure instanceof PaymentLedger.LedgerException)) {
                storeFailure.addSuppressed(failure);
            }
            throw storeFailure;
        }

        /** Whether this request is paid (it carried a promise that was admitted). */
        public boolean paid() {
            return admitted;
        }

        /**
         * Charges the answer's actual cost and records the signed receipt durably.
         *
         * @param requestHash SHA-256 of the sealed request
         * @param resultHash the result statement's completion hash
         * @throws PaymentRefusal 503 when the promise could not be stored (see {@link #awaitPromise})
         * @throws PaymentLedger.LedgerException if the receipt cannot be recorded: the answer must then be
         *     withheld, and nothing is charged (the ticket's {@link #release} frees the reservation)
         */
        public SignedReceipt settle(byte[] requestHash, byte[] resultHash, long promptTokens, long completionTokens) {
            if (admitted) {
                awaitPromise();
            }
            if (!admitted || settled) {
                throw new IllegalStateException("settle needs an admitted, unsettled ticket");
            }
            long amount = Tariff.amount(price, promptTokens, completionTokens);
            if (amount > reservation) {
                throw new IllegalStateException("an answer cost more than its reservation");
            }
            Account account = account(address);
            synchronized (account) {
                long cumulative = account.charged + amount;
                Receipt receipt = new Receipt(address, params.channelId(), promise.state().body().seqno(),
                        requestHash, resultHash, promptTokens, completionTokens, price, amount, cumulative,
                        clock.instant().getEpochSecond());
                SignedReceipt signed = SignedReceipt.sign(receipt, signingKey);
                try {
                    ledger.recordReceipt(address, signed);
                } catch (PaymentLedger.LedgerException e) {
                    ledgerFailed();
                    throw e;
                }
                ledgerFailedAt = 0;
                account.charged = cumulative;
                account.reserved -= reservation;
                settled = true;
                return signed;
            }
        }

        /**
         * The receipts the client asked for ({@code receipts_after}): those of earlier requests on the channel,
         * after the last one it holds and before this one, by seqno; {@code null} when it asked for none.
         */
        public List<SignedReceipt> earlierReceipts() {
            if (receiptsAfter == null || address == null) {
                return null;
            }
            return ledger.receiptsBetween(address, receiptsAfter, promise.state().body().seqno(),
                    ChannelRecord.MAX_PENDING);
        }

        /**
         * Frees the reservation of a request that ends without an answer; nothing is charged. Waits for the
         * promise's commit first: whether it succeeded decides the channel's numbers.
         */
        public void release() {
            if (admitted && !settled) {
                try {
                    awaitPromise();
                } catch (PaymentRefusal failed) {
                    // The reservation is freed already; the refusal was (or will be) the request's answer.
                    return;
                }
                Account account = account(address);
                synchronized (account) {
                    account.reserved -= reservation;
                }
                settled = true;
            }
        }
    }
}
