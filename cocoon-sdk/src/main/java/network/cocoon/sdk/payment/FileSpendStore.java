package network.cocoon.sdk.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.protocol.Price;

/**
 * {@link SpendStore#directory(Path)}: one JSON file per channel, named after the channel's address, replaced
 * atomically. A record that does not parse, or whose promise and receipt disagree with its numbers, is
 * refused rather than repaired.
 */
final class FileSpendStore implements SpendStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private final Path directory;

    FileSpendStore(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    @Override
    public Optional<ChannelRecord> load(TonAddress channel) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(channel));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failed("cannot read the record of channel " + channel, e);
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            TonAddress address = TonAddress.parse(node.get("address").asText(), "address");
            if (!address.equals(channel)) {
                throw new IllegalArgumentException("the file holds another channel");
            }
            Optional<SignedSemiChannel> promise = node.hasNonNull("promise")
                    ? Optional.of(SignedSemiChannel.fromBoc(HEX.parseHex(node.get("promise").asText())))
                    : Optional.empty();
            Optional<SignedReceipt> receipt = node.hasNonNull("receipt")
                    ? Optional.of(SignedReceipt.fromBoc(HEX.parseHex(node.get("receipt").asText())))
                    : Optional.empty();
            java.util.List<PendingRequest> pending = new java.util.ArrayList<>();
            for (JsonNode p : node.path("pending")) {
                pending.add(new PendingRequest(p.get("seqno").asLong(), p.get("sent").asLong(),
                        HEX.parseHex(p.get("request_hash").asText()), HEX.parseHex(p.get("signing_key").asText()),
                        new Price(p.get("prompt_price").asLong(), p.get("completion_price").asLong()),
                        p.get("max_tokens").asInt()));
            }
            return Optional.of(new ChannelRecord(address, new BigInteger(node.get("channel_id").asText()),
                    node.get("seqno").asLong(), node.get("promised").asLong(), node.get("owed").asLong(), promise,
                    receipt, pending));
        } catch (IOException | RuntimeException e) {
            throw failed("the record of channel " + channel + " is damaged", e);
        }
    }

    @Override
    public void save(ChannelRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("address", record.address().toString());
        node.put("channel_id", record.channelId().toString());
        node.put("seqno", record.seqno());
        node.put("promised", record.promised());
        node.put("owed", record.owed());
        record.promise().ifPresent(p -> node.put("promise", HEX.formatHex(p.toBoc())));
        record.receipt().ifPresent(r -> node.put("receipt", HEX.formatHex(r.toBoc())));
        var pendingArray = node.putArray("pending");
        record.pending().forEach(p -> {
            ObjectNode pending = pendingArray.addObject();
            pending.put("seqno", p.seqno());
            pending.put("sent", p.sent());
            pending.put("request_hash", HEX.formatHex(p.requestHash()));
            pending.put("signing_key", HEX.formatHex(p.signingKey()));
            pending.put("prompt_price", p.price().promptPer1k());
            pending.put("completion_price", p.price().completionPer1k());
            pending.put("max_tokens", p.maxTokens());
        });
        Path target = file(record.address());
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, ".channel-", ".tmp");
            try {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(JSON.writeValueAsBytes(node));
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("the file system cannot replace files atomically", e);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            forceDirectory();
        } catch (IOException e) {
            throw failed("cannot durably save the record of channel " + record.address(), e);
        }
    }

    /** Makes the rename itself durable; some platforms cannot open a directory, which is then all we can do. */
    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // Windows: directories cannot be opened as channels; NTFS journals the rename itself.
        }
    }

    private Path file(TonAddress channel) {
        return directory.resolve("channel-" + (channel.workchain() & 0xff) + "-" + HEX.formatHex(channel.hash())
                + ".json");
    }

    private static PaymentException failed(String message, Throwable cause) {
        return new PaymentException(Reason.STORE_FAILED, message, cause);
    }
}
