package network.cocoon.sdk.routing;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.ton.BagOfCellsHeader;
import network.cocoon.sdk.ton.TonApi;
import network.cocoon.sdk.ton.TonApiException;
import network.cocoon.sdk.ton.TvmValue;
import org.ton.ton4j.cell.Cell;

/**
 * Workers listed by a registry contract on TON, read with its {@code get_workers} get method through a
 * {@link TonApi} (the same on-chain interface payments use). The method returns one stack entry: a tuple of at
 * most 255 slices, each a worker's endpoint URL as snake text (the bytes of the slice's data, continued in its
 * first reference; at most 8 cells and 1,024 bytes). {@code docs/protocol.md} §11.1 gives the layout. Anything
 * else is refused by name. The list is read again after the refresh interval; a failed read keeps the last
 * list, which the client verifies entry by entry anyway.
 */
public final class TonRegistryDirectory implements WorkerDirectory {
    /** The get method read. */
    public static final String METHOD = "get_workers";
    static final int MAX_WORKERS = 255;
    static final int MAX_URL_BYTES = 1024;
    static final int MAX_URL_CELLS = 8;
    static final int MAX_BOC_BYTES = 4096;

    private final TonApi api;
    private final TonAddress registry;
    private final Duration refresh;
    private final Clock clock;
    private List<URI> last;
    private Instant nextRead = Instant.MIN;

    /**
     * A directory of one registry.
     *
     * @param api a TON API (for example {@code TonHttpApi} on toncenter's JSON-RPC)
     * @param registry the registry contract's address
     * @param refresh how often the list is read again
     * @param clock the clock that times the refresh
     */
    public TonRegistryDirectory(TonApi api, TonAddress registry, Duration refresh, Clock clock) {
        this.api = Objects.requireNonNull(api);
        this.registry = Objects.requireNonNull(registry);
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("the refresh interval must be positive");
        }
        this.refresh = refresh;
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * The listed endpoints, read from the chain when the refresh interval has passed.
     *
     * @throws DirectoryException when no list has ever been read, naming what failed
     */
    @Override
    public synchronized List<URI> endpoints() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(nextRead)) {
            nextRead = now.plus(refresh);
            try {
                last = read();
            } catch (DirectoryException e) {
                if (last == null) {
                    throw e;
                }
            }
        }
        return last;
    }

    private List<URI> read() {
        List<TvmValue> stack;
        try {
            stack = api.runGetMethod(registry, METHOD);
        } catch (TonApiException e) {
            throw new DirectoryException(METHOD + " on " + registry + " failed: " + e.getMessage(), e);
        }
        return parse(stack);
    }

    /**
     * Reads a {@code get_workers} result.
     *
     * @param stack the method's result stack
     * @return the endpoints, in the contract's order
     * @throws DirectoryException naming the stack entry at fault
     */
    static List<URI> parse(List<TvmValue> stack) {
        if (stack.size() != 1) {
            throw new DirectoryException(METHOD + ": the stack must hold one entry, not " + stack.size(), null);
        }
        if (stack.get(0) instanceof TvmValue.Null) {
            return List.of();
        }
        if (!(stack.get(0) instanceof TvmValue.Tuple tuple)) {
            throw new DirectoryException(METHOD + ": stack[0] must be a tuple of slices", null);
        }
        if (tuple.elements().size() > MAX_WORKERS) {
            throw new DirectoryException(METHOD + ": stack[0] lists more than " + MAX_WORKERS + " workers", null);
        }
        List<URI> workers = new ArrayList<>();
        for (int i = 0; i < tuple.elements().size(); i++) {
            String at = METHOD + ": stack[0][" + i + "]";
            if (!(tuple.elements().get(i) instanceof TvmValue.CellValue cell)) {
                throw new DirectoryException(at + " must be a slice", null);
            }
            workers.add(endpoint(snakeText(cell.boc(), at), at));
        }
        if (new LinkedHashSet<>(workers).size() != workers.size()) {
            throw new DirectoryException(METHOD + ": stack[0] lists an endpoint twice", null);
        }
        return List.copyOf(workers);
    }

    /** The bytes of a snake-text cell chain, bounded before ton4j allocates anything. */
    static String snakeText(byte[] boc, String at) {
        checkBocHeader(boc, at);
        Cell cell;
        try {
            cell = Cell.fromBoc(boc);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            throw new DirectoryException(at + " is not a bag of cells", e);
        }
        ByteBuffer text = ByteBuffer.allocate(MAX_URL_BYTES);
        for (int depth = 0; cell != null; depth++) {
            if (depth >= MAX_URL_CELLS || cell.isExotic()) {
                throw new DirectoryException(at + " must be snake text of at most " + MAX_URL_CELLS
                        + " ordinary cells", null);
            }
            int bits = cell.getBitLength();
            if (bits % 8 != 0 || cell.getRefs().size() > 1) {
                throw new DirectoryException(at + " must be snake text: whole bytes and at most one reference",
                        null);
            }
            byte[] data = cell.getBits().toByteArray();
            int bytes = bits / 8;
            if (text.remaining() < bytes) {
                throw new DirectoryException(at + " is longer than " + MAX_URL_BYTES + " bytes", null);
            }
            text.put(data, 0, bytes);
            cell = cell.getRefs().isEmpty() ? null : cell.getRefs().get(0);
        }
        text.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(text).toString();
        } catch (CharacterCodingException e) {
            throw new DirectoryException(at + " is not UTF-8 text", null);
        }
    }

    /** Bounded before ton4j reads it; tonlib writes stack cells without a CRC. */
    private static void checkBocHeader(byte[] boc, String at) {
        if (boc.length > MAX_BOC_BYTES) {
            throw new DirectoryException(at + " is larger than " + MAX_BOC_BYTES + " bytes", null);
        }
        try {
            BagOfCellsHeader.check(boc, 2 * MAX_URL_CELLS, false);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException(at + ": " + e.getMessage(), null);
        }
    }

    private static URI endpoint(String text, String at) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException(at + " is not a URL", null);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new DirectoryException(at + " must be an http or https URL", null);
        }
        return uri;
    }
}
