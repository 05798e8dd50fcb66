package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.CocoonException;
import network.cocoon.sdk.TransportException;
import org.junit.jupiter.api.Test;

/** The installed SDK as a dependency: it links, runs on Java 17 bytecode, and brings no logging backend. */
class AskBotTest {
    @Test
    void anUnreachableWorkerIsATypedError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (CocoonClient client = AskBot.client(URI.create("http://127.0.0.1:" + closedPort), new byte[32],
                "00".repeat(32))) {
            CocoonException e = assertThrows(CocoonException.class, () -> AskBot.ask(client, "1+1"));
            assertEquals(TransportException.class, e.getClass());
        }
    }

    @Test
    void theSdkIsJava17Bytecode() throws Exception {
        try (InputStream in = CocoonClient.class.getResourceAsStream("CocoonClient.class")) {
            DataInputStream data = new DataInputStream(in);
            assertEquals(0xCAFEBABE, data.readInt());
            data.readUnsignedShort();
            assertEquals(61, data.readUnsignedShort(), "class file major version 61 is Java 17");
        }
    }

    @Test
    void noLoggingBackendComesWithTheSdk() {
        ClassLoader loader = AskBotTest.class.getClassLoader();
        assertNull(loader.getResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"));
        assertNull(loader.getResource("ch/qos/logback/classic/Logger.class"));
        assertNull(loader.getResource("org/apache/logging/log4j/core/Logger.class"));
    }
}
