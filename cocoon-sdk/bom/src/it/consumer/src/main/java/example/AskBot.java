package example;

import java.net.URI;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.protocol.Price;

/** The getting-started page's code, as a user compiles it: public API only. */
public final class AskBot {
    private AskBot() {
    }

    /** A client for one worker, trusting one dev root and one model. */
    public static CocoonClient client(URI worker, byte[] devRoot, String modelDigest) {
        AttestationPolicy policy = AttestationPolicy.builder()
                .allowInsecureDevelopmentEvidence(devRoot)
                .allowModel(modelDigest)
                .maxPrice(new Price(1_000_000, 2_000_000))
                .build();
        return CocoonClient.builder().endpoint(worker).policy(policy).build();
    }

    /** One question, one verified answer. */
    public static String ask(CocoonClient client, String question) {
        VerifiedCompletion answer = client.chat(ChatRequest.builder().user(question).maxTokens(32).build());
        return answer.content();
    }
}
