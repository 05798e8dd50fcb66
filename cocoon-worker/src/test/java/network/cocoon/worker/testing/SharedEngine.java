package network.cocoon.worker.testing;

import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.inference.TokenSink;

/** An engine loaded once per test class and lent to several workers: closing a worker leaves it open. */
public record SharedEngine(InferenceEngine delegate) implements InferenceEngine {
    @Override
    public ModelInfo model() {
        return delegate.model();
    }

    @Override
    public Generation generate(GenerationRequest request, TokenSink sink) throws InterruptedException {
        return delegate.generate(request, sink);
    }

    @Override
    public int queued() {
        return delegate.queued();
    }

    @Override
    public boolean saturated() {
        return delegate.saturated();
    }

    @Override
    public void close() {
    }
}
