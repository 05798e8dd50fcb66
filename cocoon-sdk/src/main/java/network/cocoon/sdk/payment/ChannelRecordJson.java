package network.cocoon.sdk.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import network.cocoon.sdk.protocol.Price;

/**
 * The JSON form of a {@link ChannelRecord} that {@link FileSpendStore} writes: the numbers as JSON, the promise
 * and receipt as the hex of their BoCs, so that a record is readable with any JSON tool. Decoding checks
 * everything {@link ChannelRecord} checks and refuses, never repairs.
 */
final class ChannelRecordJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private ChannelRecordJson() {
    }

    static byte[] encode(ChannelRecord record) {
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
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * The record in {@code bytes}, which must be of {@code channel}.
     *
     * @throws IOException if it is not JSON
     * @throws RuntimeException if a field is missing or wrong, or the record is of another channel
     */
    static ChannelRecord decode(byte[] bytes, TonAddress channel) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        TonAddress address = TonAddress.parse(node.get("address").asText(), "address");
        if (!address.equals(channel)) {
            throw new IllegalArgumentException("the record is of another channel");
        }
        Optional<SignedSemiChannel> promise = node.hasNonNull("promise")
                ? Optional.of(SignedSemiChannel.fromBoc(HEX.parseHex(node.get("promise").asText())))
                : Optional.empty();
        Optional<SignedReceipt> receipt = node.hasNonNull("receipt")
                ? Optional.of(SignedReceipt.fromBoc(HEX.parseHex(node.get("receipt").asText())))
                : Optional.empty();
        List<PendingRequest> pending = new ArrayList<>();
        for (JsonNode p : node.path("pending")) {
            pending.add(new PendingRequest(p.get("seqno").asLong(), p.get("sent").asLong(),
                    HEX.parseHex(p.get("request_hash").asText()), HEX.parseHex(p.get("signing_key").asText()),
                    new Price(p.get("prompt_price").asLong(), p.get("completion_price").asLong()),
                    p.get("max_tokens").asInt()));
        }
        return new ChannelRecord(address, new BigInteger(node.get("channel_id").asText()), node.get("seqno").asLong(),
                node.get("promised").asLong(), node.get("owed").asLong(), promise, receipt, pending);
    }
}
