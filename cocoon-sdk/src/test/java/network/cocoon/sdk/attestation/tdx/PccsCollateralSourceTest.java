package network.cocoon.sdk.attestation.tdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A PCCS on loopback serving the real collateral in the PCS v4 format. */
class PccsCollateralSourceTest {
    MockWebServer server;
    TdxCollateral real;
    Instant now;
    final AtomicInteger requests = new AtomicInteger();
    volatile boolean down;

    static String encode(String chain) {
        return URLEncoder.encode(chain, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @BeforeEach
    void start() throws Exception {
        real = DcapVerifierTest.collateral("tdx_quote_collateral.json");
        now = DcapVerifierTest.pinnedTime(real);
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.incrementAndGet();
                if (down) {
                    return new MockResponse().setResponseCode(503);
                }
                String path = request.getRequestUrl().encodedPath();
                HexFormat hex = HexFormat.of();
                return switch (path) {
                    case "/tdx/certification/v4/tcb" -> "B0C06F000000".equals(request.getRequestUrl()
                            .queryParameter("fmspc"))
                            ? new MockResponse().setHeader("TCB-Info-Issuer-Chain", encode(real.tcbInfoIssuerChain()))
                            .setBody("{\"tcbInfo\":" + real.tcbInfo() + ",\"signature\":\""
                                    + hex.formatHex(real.tcbInfoSignature()) + "\"}")
                            : new MockResponse().setResponseCode(404);
                    case "/tdx/certification/v4/qe/identity" -> new MockResponse()
                            .setHeader("SGX-Enclave-Identity-Issuer-Chain", encode(real.qeIdentityIssuerChain()))
                            .setBody("{\"enclaveIdentity\": " + real.qeIdentity() + ", \"signature\": \""
                                    + hex.formatHex(real.qeIdentitySignature()) + "\"}");
                    case "/sgx/certification/v4/pckcrl" -> new MockResponse()
                            .setHeader("SGX-PCK-CRL-Issuer-Chain", encode(real.pckCrlIssuerChain()))
                            .setBody(new Buffer().write(real.pckCrl()));
                    case "/sgx/certification/v4/rootcacrl" -> new MockResponse().setBody(hex.formatHex(real.rootCaCrl()));
                    default -> new MockResponse().setResponseCode(404);
                };
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    PccsCollateralSource source() {
        return PccsCollateralSource.pccs(server.url("/").toString(), new OkHttpClient());
    }

    @Test
    void fetchedCollateralVerifiesTheRealQuote() throws Exception {
        TdxQuote quote = TdxQuote.parse(DcapVerifierTest.resource("tdx_quote"));
        TdxCollateral fetched = source().collateral(quote, now);
        assertEquals(real.tcbInfo(), fetched.tcbInfo());
        assertArrayEquals(real.rootCaCrl(), fetched.rootCaCrl());
        assertEquals(TcbStatus.UP_TO_DATE, DcapVerifier.withIntelRoot().verify(quote, fetched, now).status());
    }

    @Test
    void eachPartIsCachedUntilItsNextUpdate() throws Exception {
        TdxQuote quote = TdxQuote.parse(DcapVerifierTest.resource("tdx_quote"));
        PccsCollateralSource source = source();
        source.collateral(quote, now);
        assertEquals(4, requests.get(), "TCB info, QE identity, PCK CRL, root CRL");
        source.collateral(quote, now.plusSeconds(3600));
        assertEquals(4, requests.get(), "all cached");
        Instant later = Instant.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(real.tcbInfo())
                .get("nextUpdate").asText()).plusSeconds(1);
        source.collateral(quote, later);
        assertEquals(true, requests.get() > 4, "expired parts are fetched again");
    }

    @Test
    void anUnavailablePccsIsAnIoError() throws Exception {
        TdxQuote quote = TdxQuote.parse(DcapVerifierTest.resource("tdx_quote"));
        down = true;
        assertThrows(IOException.class, () -> source().collateral(quote, now));
    }

    @Test
    void crlsAreAcceptedInEachEncoding() {
        byte[] der = real.rootCaCrl();
        assertArrayEquals(der, PccsCollateralSource.derCrl(der));
        assertArrayEquals(der, PccsCollateralSource.derCrl(HexFormat.of().formatHex(der)
                .getBytes(StandardCharsets.US_ASCII)));
        String pem = "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END X509 CRL-----\n";
        assertArrayEquals(der, PccsCollateralSource.derCrl(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void signedJsonIsTakenVerbatim() throws Exception {
        String body = "{ \"signature\" : \"ab\", \"tcbInfo\" :  {\"a\": [1, {\"b\":2}] , \"c\":\"}\"}  }";
        assertEquals("{\"a\": [1, {\"b\":2}] , \"c\":\"}\"}", PccsCollateralSource.rawObject(body, "tcbInfo"));
        assertThrows(IOException.class, () -> PccsCollateralSource.rawObject(body, "signature"));
    }
}
