package network.cocoon.sdk.crypto;

import java.nio.ByteBuffer;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.Labels;

/**
 * The 7-byte header of a sealed request, {@code key_id(1) || kem_id(2) || kdf_id(2) || aead_id(2)}, and the
 * HPKE {@code info} built from it.
 */
record RequestHeader(int keyId, HpkeSuite suite) {
    static final int LENGTH = 7;

    byte[] encode() {
        return ByteBuffer.allocate(LENGTH).put((byte) keyId).putShort((short) suite.kemId())
                .putShort((short) suite.kdfId()).putShort((short) suite.aeadId()).array();
    }

    static RequestHeader decode(byte[] message) {
        ByteBuffer in = ByteBuffer.wrap(message, 0, LENGTH);
        int keyId = Byte.toUnsignedInt(in.get());
        return new RequestHeader(keyId, new HpkeSuite(Short.toUnsignedInt(in.getShort()),
                Short.toUnsignedInt(in.getShort()), Short.toUnsignedInt(in.getShort())));
    }

    /** {@code info = "cocoon/v1 request" || 0x00 || hdr}. */
    byte[] info() {
        byte[] label = Labels.bytes(Labels.REQUEST);
        byte[] header = encode();
        return ByteBuffer.allocate(label.length + 1 + header.length).put(label).put((byte) 0).put(header).array();
    }
}
