package network.cocoon.worker.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import network.cocoon.worker.inference.llama.KvCache;
import network.cocoon.worker.inference.llama.LlamaModel;

/**
 * Continuous batching: one thread owns the model and runs steps; each step prefills the sequences that
 * joined and decodes one token for every running sequence, in one forward pass. Sequences join and leave
 * between steps. Callers wait on their own event queue, so a slow client never stalls the batch.
 */
final class BatchScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BatchScheduler.class.getName());

    /** What a waiting caller receives. */
    sealed interface Event {
        /** Releasable text. */
        record Text(String text) implements Event {
        }

        /** The sequence finished. */
        record Done(Generation generation) implements Event {
        }

        /** The step failed. */
        record Failed(RuntimeException error) implements Event {
        }
    }

    /** One request in the batch. */
    static final class Sequence {
        final long[] prompt;
        final int maxTokens;
        final Sampler sampler;
        final TextAssembler text;
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final List<Long> generated = new ArrayList<>();
        /** Whether the caller takes text as it is released; otherwise only the end wakes it. */
        final boolean textEvents;
        volatile boolean cancelled;
        KvCache cache;
        /** When text was first and last released; the scheduler's thread alone writes them. */
        long firstTextNanos;
        long lastTextNanos;

        Sequence(long[] prompt, int maxTokens, Sampler sampler, TextAssembler text) {
            this(prompt, maxTokens, sampler, text, true);
        }

        Sequence(long[] prompt, int maxTokens, Sampler sampler, TextAssembler text, boolean textEvents) {
            this.prompt = prompt;
            this.maxTokens = maxTokens;
            this.sampler = sampler;
            this.text = text;
            this.textEvents = textEvents;
        }

        /**
         * Text became final. A caller woken per token costs a thread wake-up each: on a small machine that time
         * is taken from the step the other sequences wait for.
         */
        void release(String piece) {
            if (piece.isEmpty()) {
                return;
            }
            lastTextNanos = System.nanoTime();
            if (firstTextNanos == 0) {
                firstTextNanos = lastTextNanos;
            }
            if (textEvents) {
                events.add(new Event.Text(piece));
            }
        }
    }

    private final LlamaModel model;
    private final TextTokenizer tokenizer;
    private final Set<Long> endTokens;
    private final int maxBatch;
    private final BlockingQueue<Sequence> pending;
    private final List<Sequence> running = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    BatchScheduler(LlamaModel model, TextTokenizer tokenizer, Set<Long> endTokens, int maxBatch, int queueCapacity) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.endTokens = Set.copyOf(endTokens);
        this.maxBatch = maxBatch;
        this.pending = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "cocoon-batch-scheduler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Sequences waiting to join the batch. */
    int queued() {
        return pending.size();
    }

    /** Whether the queue is full now. */
    boolean full() {
        return pending.remainingCapacity() == 0;
    }

    /** Queues a sequence, or refuses at once when the queue is full. */
    void submit(Sequence sequence) {
        if (closed || !pending.offer(sequence)) {
            throw new EngineBusyException("the engine's queue of " + (pending.size() + pending.remainingCapacity())
                    + " requests is full");
        }
    }

    private void run() {
        while (!closed) {
            try {
                if (running.isEmpty()) {
                    Sequence first = pending.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    running.add(first);
                }
                step();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "batch step failed: " + e.getClass().getName());
                for (Sequence s : running) {
                    finish(s, new Event.Failed(e));
                }
                running.clear();
            }
        }
        running.forEach(s -> finish(s, new Event.Failed(new IllegalStateException("engine closed"))));
    }

    private void step() {
        List<Sequence> joining = new ArrayList<>();
        while (running.size() + joining.size() < maxBatch) {
            Sequence next = pending.poll();
            if (next == null) {
                break;
            }
            joining.add(next);
        }
        running.addAll(joining);
        running.removeIf(s -> {
            if (s.cancelled) {
                finishGeneration(s, FinishReason.CANCELLED);
                return true;
            }
            return false;
        });
        // A sequence whose cache cannot be made fails alone; the others go on.
        running.removeIf(s -> {
            if (s.cache != null) {
                return false;
            }
            try {
                s.cache = model.newCache(cacheCapacity(s));
                return false;
            } catch (RuntimeException e) {
                fail(s, e);
                return true;
            }
        });
        if (running.isEmpty()) {
            return;
        }
        float[][] logits = forwardIsolated(running);
        Iterator<Sequence> it = running.iterator();
        int row = 0;
        while (it.hasNext()) {
            Sequence s = it.next();
            float[] own = logits[row++];
            if (own == null) {
                it.remove();
                continue;
            }
            try {
                if (advance(s, own)) {
                    it.remove();
                }
            } catch (RuntimeException e) {
                fail(s, e);
                it.remove();
            }
        }
    }

    /** Prompt plus the most tokens it may generate; the engine already capped that by the context. */
    private static int cacheCapacity(Sequence s) {
        return (int) Math.min((long) s.prompt.length + s.maxTokens, Integer.MAX_VALUE);
    }

    private static LlamaModel.Chunk chunkOf(Sequence s) {
        return s.generated.isEmpty() ? new LlamaModel.Chunk(s.prompt, s.cache)
                : new LlamaModel.Chunk(new long[] {s.generated.get(s.generated.size() - 1)}, s.cache);
    }

    /**
     * One forward pass for the whole batch. If it fails, each sequence runs alone so that the one at fault
     * fails by itself (its row is {@code null}) and the others still get their logits. Caches advance only
     * after a pass completes, so a failed pass leaves them as they were.
     */
    private float[][] forwardIsolated(List<Sequence> batch) {
        List<LlamaModel.Chunk> chunks = new ArrayList<>(batch.size());
        for (Sequence s : batch) {
            chunks.add(chunkOf(s));
        }
        try {
            return forward(chunks);
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                fail(batch.get(0), batchFailure);
                return new float[1][];
            }
            LOG.log(System.Logger.Level.WARNING, "batched step failed ({0}); running its {1} sequences one by one",
                    batchFailure.getClass().getName(), batch.size());
            float[][] rows = new float[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                try {
                    rows[i] = forward(List.of(chunks.get(i)))[0];
                } catch (RuntimeException e) {
                    fail(batch.get(i), e);
                }
            }
            return rows;
        }
    }

    private float[][] forward(List<LlamaModel.Chunk> chunks) {
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray out = model.forward(chunks, false, scratch);
            int vocab = (int) out.getShape().get(1);
            float[] flat = out.toFloatArray();
            float[][] rows = new float[chunks.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
            }
            return rows;
        }
    }

    /** Samples the next token of one sequence; whether it has finished. */
    private boolean advance(Sequence s, float[] logits) {
        long token = s.sampler.next(logits, 0, logits.length);
        s.generated.add(token);
        FinishReason reason = null;
        if (endTokens.contains(token)) {
            reason = FinishReason.STOP;
        } else {
            long[] ids = s.generated.stream().mapToLong(Long::longValue).toArray();
            s.release(s.text.update(tokenizer.decode(ids)));
            if (s.text.stopped()) {
                reason = FinishReason.STOP;
            } else if (s.generated.size() >= s.maxTokens || s.cache.length() >= s.cache.capacity()) {
                reason = FinishReason.LENGTH;
            }
        }
        if (reason != null) {
            finishGeneration(s, reason);
            return true;
        }
        return false;
    }

    private void fail(Sequence s, RuntimeException error) {
        LOG.log(System.Logger.Level.ERROR, "sequence failed: {0}", error.getClass().getName());
        finish(s, new Event.Failed(error));
    }

    private void finishGeneration(Sequence s, FinishReason reason) {
        s.release(s.text.flush());
        finish(s, new Event.Done(new Generation(s.text.text(), reason, s.prompt.length, s.generated.size(),
                s.firstTextNanos, s.lastTextNanos)));
    }

    private void finish(Sequence s, Event event) {
        if (s.cache != null) {
            s.cache.close();
            s.cache = null;
        }
        s.events.add(event);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Sequence s;
        while ((s = pending.poll()) != null) {
            finish(s, new Event.Failed(new IllegalStateException("engine closed")));
        }
    }
}
