package network.cocoon.sdk.attestation.tdx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Collateral from a PCCS or Intel PCS (API v4), each part cached until its own {@code nextUpdate}. Nothing
 * fetched is trusted: {@link DcapVerifier} checks every signature and chain.
 */
public final class PccsCollateralSource implements CollateralSource {
    private static final int MAX_BODY = 1 << 20;

    private final HttpUrl base;
    private final HttpUrl rootCrlUrl;
    private final OkHttpClient http;
    private final Map<String, Cached<Signed>> tcbInfos = new ConcurrentHashMap<>();
    private final Map<String, Cached<byte[]>> pckCrls = new ConcurrentHashMap<>();
    private volatile Cached<Signed> qeIdentity;
    private volatile Cached<byte[]> rootCrl;

    private record Cached<T>(T value, Instant nextUpdate) {
    }

    private record Signed(String json, byte[] signature, String issuerChain) {
    }

    /**
     * A source fetching from {@code baseUrl} and {@code rootCrlUrl}.
     *
     * @param baseUrl the PCCS or PCS root, e.g. {@code https://api.trustedservices.intel.com}
     * @param rootCrlUrl where the Intel SGX Root CA CRL is served (PCCS: {@code <base>/sgx/certification/v4/rootcacrl};
     *     PCS: {@code https://certificates.trustedservices.intel.com/IntelSGXRootCA.der})
     */
    public PccsCollateralSource(String baseUrl, String rootCrlUrl, OkHttpClient http) {
        this.base = HttpUrl.get(baseUrl);
        this.rootCrlUrl = HttpUrl.get(rootCrlUrl);
        this.http = Objects.requireNonNull(http);
    }

    /** A PCCS at {@code baseUrl}, whose root CRL endpoint is the standard one. */
    public static PccsCollateralSource pccs(String baseUrl, OkHttpClient http) {
        return new PccsCollateralSource(baseUrl, baseUrl.replaceAll("/+$", "") + "/sgx/certification/v4/rootcacrl",
                http);
    }

    @Override
    public TdxCollateral collateral(TdxQuote quote, Instant now) throws IOException, TdxVerificationException {
        X509Certificate[] chain = pckChain(quote);
        PckExtensions platform = PckExtensions.of(chain[0]);
        String fmspc = HexFormat.of().withUpperCase().formatHex(platform.fmspc());
        String ca = chain[1].getSubjectX500Principal().getName().contains("Processor") ? "processor" : "platform";

        Cached<Signed> tcb = fresh(tcbInfos.get(fmspc), now);
        if (tcb == null) {
            tcb = signedJson(url("tdx/certification/v4/tcb").addQueryParameter("fmspc", fmspc).build(), "tcbInfo",
                    "TCB-Info-Issuer-Chain");
            tcbInfos.put(fmspc, tcb);
        }
        Cached<Signed> qe = fresh(qeIdentity, now);
        if (qe == null) {
            qe = signedJson(url("tdx/certification/v4/qe/identity").build(), "enclaveIdentity",
                    "SGX-Enclave-Identity-Issuer-Chain");
            qeIdentity = qe;
        }
        Cached<byte[]> pckCrl = fresh(pckCrls.get(ca), now);
        String[] pckCrlChain = new String[1];
        if (pckCrl == null) {
            pckCrl = crl(url("sgx/certification/v4/pckcrl").addQueryParameter("ca", ca)
                    .addQueryParameter("encoding", "der").build(), pckCrlChain);
            pckCrls.put(ca, pckCrl);
        }
        Cached<byte[]> root = fresh(rootCrl, now);
        if (root == null) {
            root = crl(rootCrlUrl, new String[1]);
            rootCrl = root;
        }
        // The PCK CRL is checked against the quote's own PCK CA; its issuer chain is informational.
        String crlChain = pckCrlChain[0] != null ? pckCrlChain[0] : tcb.value().issuerChain();
        return new TdxCollateral(crlChain, root.value(), pckCrl.value(), tcb.value().issuerChain(), tcb.value().json(),
                tcb.value().signature(), qe.value().issuerChain(), qe.value().json(), qe.value().signature());
    }

    private static <T> Cached<T> fresh(Cached<T> cached, Instant now) {
        return cached != null && now.isBefore(cached.nextUpdate()) ? cached : null;
    }

    private HttpUrl.Builder url(String path) {
        return base.newBuilder().addPathSegments(path);
    }

    private Cached<Signed> signedJson(HttpUrl url, String field, String chainHeader)
            throws IOException, TdxVerificationException {
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (response.code() != 200) {
                throw new IOException(url + " answered HTTP " + response.code());
            }
            String chain = header(response, chainHeader);
            byte[] body = response.body().byteStream().readNBytes(MAX_BODY);
            String text = new String(body, StandardCharsets.UTF_8);
            String signedJson = rawObject(text, field);
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            String signature = mapper.readTree(text).get("signature").asText();
            Signed signed = new Signed(signedJson, HexFormat.of().parseHex(signature), chain);
            return new Cached<>(signed, Instant.parse(mapper.readTree(signedJson).get("nextUpdate").asText()));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException | NullPointerException e) {
            throw new TdxVerificationException(TdxVerificationException.Reason.MALFORMED_COLLATERAL,
                    url + ": " + e.getMessage(), e);
        }
    }

    private Cached<byte[]> crl(HttpUrl url, String[] issuerChain) throws IOException, TdxVerificationException {
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (response.code() != 200) {
                throw new IOException(url + " answered HTTP " + response.code());
            }
            String chain = response.header("SGX-PCK-CRL-Issuer-Chain");
            issuerChain[0] = chain == null ? null : URLDecoder.decode(chain, StandardCharsets.UTF_8);
            byte[] der = derCrl(response.body().byteStream().readNBytes(MAX_BODY));
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
            if (crl.getNextUpdate() == null) {
                throw new TdxVerificationException(TdxVerificationException.Reason.MALFORMED_COLLATERAL,
                        url + ": CRL without nextUpdate");
            }
            return new Cached<>(der, crl.getNextUpdate().toInstant());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TdxVerificationException(TdxVerificationException.Reason.MALFORMED_COLLATERAL,
                    url + ": not a CRL", e);
        }
    }

    /** PCCS serves CRLs as DER, hex of DER, or PEM, depending on version and parameters. */
    static byte[] derCrl(byte[] body) {
        String text = new String(body, StandardCharsets.US_ASCII).trim();
        if (text.startsWith("-----BEGIN X509 CRL-----")) {
            String base64 = text.replace("-----BEGIN X509 CRL-----", "").replace("-----END X509 CRL-----", "")
                    .replaceAll("\\s", "");
            return java.util.Base64.getDecoder().decode(base64);
        }
        if (!text.isEmpty() && text.matches("[0-9a-fA-F]+") && text.length() % 2 == 0) {
            return HexFormat.of().parseHex(text);
        }
        return body;
    }

    private static String header(Response response, String name) throws IOException {
        String value = response.header(name);
        if (value == null) {
            throw new IOException(response.request().url() + " sent no " + name + " header");
        }
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /** The exact source text of a top-level object field: signatures cover these bytes, not a re-encoding. */
    static String rawObject(String json, String field) throws IOException {
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                if (name.equals(field) && value == JsonToken.START_OBJECT) {
                    return json.substring(start, (int) parser.currentLocation().getCharOffset());
                }
            }
        }
        throw new IOException("no field " + field);
    }

    private static X509Certificate[] pckChain(TdxQuote quote) throws TdxVerificationException {
        try {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(quote.pckChainPem().getBytes(StandardCharsets.US_ASCII)));
            X509Certificate[] chain = certs.stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
            if (chain.length < 2) {
                throw new TdxVerificationException(TdxVerificationException.Reason.PCK_CHAIN_INVALID,
                        "PCK chain needs a leaf and its CA");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new TdxVerificationException(TdxVerificationException.Reason.MALFORMED_COLLATERAL,
                    "PCK chain is not PEM", e);
        }
    }
}
