package network.cocoon.worker.payment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.TonAddress;

/**
 * The worker's durable record of what it is owed: the latest client-signed promise per channel (what the
 * operator closes the channel with) and every receipt it sent. SQLite in WAL mode with {@code synchronous=FULL},
 * so a committed write survives a crash of the process or the machine; every write is one transaction that
 * commits before the caller goes on (before work starts, before an answer leaves).
 *
 * <p>Thread-safe: one connection, used under this object's lock (SQLite has one writer at a time anyway).
 */
public final class PaymentLedger implements AutoCloseable {
    private final Connection db;

    private PaymentLedger(Connection db) {
        this.db = db;
    }

    /**
     * Opens (or creates) the ledger at {@code file}.
     *
     * @throws LedgerException if the database cannot be opened or is not a ledger
     */
    public static PaymentLedger open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Properties props = new Properties();
            props.setProperty("journal_mode", "WAL");
            props.setProperty("synchronous", "FULL");
            props.setProperty("busy_timeout", "10000");
            props.setProperty("foreign_keys", "true");
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
            try (Statement s = db.createStatement()) {
                // The driver applies the properties; read them back, since a ledger without them is not crash-safe.
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                        throw new LedgerException("the ledger database is not in WAL mode");
                    }
                }
                try (ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                    if (!rs.next() || rs.getInt(1) != 2) {
                        throw new LedgerException("the ledger database is not synchronous=FULL");
                    }
                }
                s.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS channels (
                          address   TEXT PRIMARY KEY,
                          channel_id TEXT NOT NULL,
                          client_key BLOB NOT NULL,
                          client_address TEXT NOT NULL,
                          seqno     INTEGER NOT NULL,
                          sent      INTEGER NOT NULL,
                          promise   BLOB NOT NULL,
                          charged   INTEGER NOT NULL
                        )""");
                s.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS receipts (
                          address      TEXT NOT NULL REFERENCES channels(address),
                          seqno        INTEGER NOT NULL,
                          request_hash BLOB NOT NULL,
                          amount       INTEGER NOT NULL,
                          cumulative   INTEGER NOT NULL,
                          receipt      BLOB NOT NULL,
                          PRIMARY KEY (address, seqno)
                        )""");
            }
            // Transactions are begun and ended by statement (see write): after a disk-full or I/O error SQLite
            // rolls a transaction back by itself, and a driver that tracks transactions on its own would then
            // run the next statements outside any transaction and commit them one by one.
            return new PaymentLedger(db);
        } catch (SQLException | java.io.IOException e) {
            throw new LedgerException("cannot open the payment ledger", e);
        }
    }

    /**
     * A channel's stored state.
     *
     * @param address the channel address
     * @param clientKey the client's channel key (party A)
     * @param clientAddress the client's wallet (party A's payout)
     * @param seqno the highest promise seqno stored
     * @param sent that promise's amount
     * @param promise that promise
     * @param charged the last receipt's cumulative amount
     */
    public record ChannelState(TonAddress address, byte[] clientKey, TonAddress clientAddress, long seqno, long sent,
                               SignedSemiChannel promise, long charged) {
        /** Copies the key. */
        public ChannelState {
            clientKey = clientKey.clone();
        }

        /** A copy of the client's key. */
        @Override
        public byte[] clientKey() {
            return clientKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChannelState c && address.equals(c.address)
                    && java.util.Arrays.equals(clientKey, c.clientKey) && clientAddress.equals(c.clientAddress)
                    && seqno == c.seqno && sent == c.sent && promise.equals(c.promise) && charged == c.charged;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(address, java.util.Arrays.hashCode(clientKey), clientAddress, seqno, sent,
                    promise, charged);
        }
    }

    /** A channel's state, if a promise on it was ever stored. */
    public synchronized Optional<ChannelState> channel(TonAddress address) {
        try (PreparedStatement q = db.prepareStatement("SELECT client_key, client_address, seqno, sent, promise,"
                + " charged FROM channels WHERE address = ?")) {
            q.setString(1, address.toString());
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ChannelState(address, rs.getBytes(1),
                        TonAddress.parse(rs.getString(2), "client_address"), rs.getLong(3), rs.getLong(4),
                        SignedSemiChannel.fromBoc(rs.getBytes(5)), rs.getLong(6)));
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read the payment ledger", e);
        }
    }

    /** The addresses of every channel a promise was stored on. */
    public synchronized List<TonAddress> channels() {
        try (PreparedStatement q = db.prepareStatement("SELECT address FROM channels ORDER BY address")) {
            List<TonAddress> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(TonAddress.parse(rs.getString(1), "address"));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new LedgerException("cannot read the payment ledger", e);
        }
    }

    /**
     * Stores a promise on {@code channel} as its latest, durably, with what the operator needs to close it. Refused
     * (and nothing written) unless its seqno is above the stored one, so two racing writers cannot store an older
     * promise over a newer one.
     */
    public synchronized void storePromise(ChannelParameters channel, SignedSemiChannel promise) {
        var state = promise.state();
        write("cannot store the promise", () -> {
            try (PreparedStatement up = db.prepareStatement("""
                    INSERT INTO channels (address, channel_id, client_key, client_address, seqno, sent, promise, charged)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                    ON CONFLICT (address) DO UPDATE SET seqno = excluded.seqno, sent = excluded.sent,
                      promise = excluded.promise WHERE excluded.seqno > channels.seqno""")) {
                up.setString(1, channel.address().toString());
                up.setString(2, state.channelId().toString());
                up.setBytes(3, channel.clientKey());
                up.setString(4, channel.clientAddress().toString());
                up.setLong(5, state.body().seqno());
                up.setLong(6, state.body().sent());
                up.setBytes(7, promise.toBoc());
                if (up.executeUpdate() != 1) {
                    throw new LedgerException("a promise with this seqno or a higher one is already stored");
                }
            }
        });
    }

    /** Records a receipt and the channel's new charged total in one durable transaction. */
    public synchronized void recordReceipt(TonAddress address, SignedReceipt receipt) {
        var r = receipt.receipt();
        write("cannot record the receipt", () -> {
            try (PreparedStatement ins = db.prepareStatement("""
                    INSERT INTO receipts (address, seqno, request_hash, amount, cumulative, receipt)
                    VALUES (?, ?, ?, ?, ?, ?)""");
                 PreparedStatement up = db.prepareStatement(
                         "UPDATE channels SET charged = ? WHERE address = ? AND charged = ?")) {
                ins.setString(1, address.toString());
                ins.setLong(2, r.seqno());
                ins.setBytes(3, r.requestHash());
                ins.setLong(4, r.amount());
                ins.setLong(5, r.cumulative());
                ins.setBytes(6, receipt.toBoc());
                ins.executeUpdate();
                up.setLong(1, r.cumulative());
                up.setString(2, address.toString());
                up.setLong(3, r.cumulative() - r.amount());
                if (up.executeUpdate() != 1) {
                    throw new LedgerException("the receipt does not extend the channel's charged total");
                }
            }
        });
    }

    /** SQL that may fail. */
    @FunctionalInterface
    private interface SqlWork {
        void run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction that commits durably before this returns, or leaves nothing behind.
     * {@code BEGIN IMMEDIATE} takes the write lock up front, so a transaction never fails half-way on a lock.
     */
    private void write(String failure, SqlWork work) {
        try (Statement s = db.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                work.run();
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollback(s);
                throw e;
            }
        } catch (SQLException e) {
            throw new LedgerException(failure, e);
        }
    }

    /** A channel's receipts with seqnos in {@code (after, before)}, by seqno, at most {@code limit}. */
    public synchronized List<SignedReceipt> receiptsBetween(TonAddress address, long after, long before, int limit) {
        try (PreparedStatement q = db.prepareStatement("SELECT receipt FROM receipts WHERE address = ? AND seqno > ?"
                + " AND seqno < ? ORDER BY seqno LIMIT ?")) {
            q.setString(1, address.toString());
            q.setLong(2, after);
            q.setLong(3, before);
            q.setInt(4, limit);
            List<SignedReceipt> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(SignedReceipt.fromBoc(rs.getBytes(1)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new LedgerException("cannot read the payment ledger", e);
        }
    }

    /** Every receipt of a channel, by seqno. */
    public List<SignedReceipt> receipts(TonAddress address) {
        return receiptsBetween(address, 0, Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    private static void rollback(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite already rolled back (it does on a full disk or an I/O error), or the connection is broken;
            // the failure that got us here is what the caller sees.
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new LedgerException("cannot close the payment ledger", e);
        }
    }

    /** The ledger could not be read or written; the request it served must fail, never go on unrecorded. */
    public static final class LedgerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LedgerException(String message) {
            super(message);
        }

        LedgerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
