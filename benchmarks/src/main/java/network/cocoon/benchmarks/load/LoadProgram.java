package network.cocoon.benchmarks.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.worker.training.AdditionTask;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * Drives a real worker (the command line, in its own JVM, bundled model, dev TEE, dev payments) on loopback with
 * hundreds of concurrent users for a fixed time. Each user loops over sealed requests of one kind, single-shot or
 * streamed; by default every request is paid, each user on its own channel ({@code --unpaid}: a worker with
 * payments off). A refusal with
 * {@code Retry-After} is honoured before the user's next request, as a well-behaved client does.
 *
 * <p>It reports throughput, latency percentiles, outcomes by type and the worker's resident memory, and checks:
 * every request ends in a verified answer or a typed refusal that names when to retry; no request is still running
 * a request timeout after the end; every answer is the one the worker gives the same prompt alone; the worker's
 * memory in the last third of the run is within 10% (plus 32 MiB) of its peak in the first third; the worker still
 * answers afterwards. Exit status 1 when any check fails.
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" network.cocoon.benchmarks.load.LoadProgram \
 *     [--users 256] [--seconds 60] [--max-tokens 8] [--heap 512m] [--model DIR] [--json FILE] [--unpaid]
 * </pre>
 */
public final class LoadProgram {
    static final long DEPOSIT = 1_000_000_000_000L;
    static final TonAddress PAYOUT = TonAddress.parse("0:" + "ab".repeat(32), "payout");
    static final TonAddress WALLET = TonAddress.parse("0:" + "11".repeat(32), "wallet");
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private LoadProgram() {
    }

    /** The run's settings. */
    record Settings(int users, Duration duration, int maxTokens, String heap, Path model, Path json, boolean paid,
            String device) {
        static Settings parse(String[] args) {
            Map<String, String> o = new LinkedHashMap<>();
            boolean paid = true;
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--unpaid")) {
                    paid = false;
                    continue;
                }
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: [--users N] [--seconds S] [--max-tokens N] [--heap SIZE]"
                            + " [--model DIR] [--device cpu|gpu|auto] [--json FILE] [--unpaid]; got " + args[i]);
                }
                o.put(args[i].substring(2), args[++i]);
            }
            Settings s = new Settings(Integer.parseInt(o.getOrDefault("users", "256")),
                    Duration.ofSeconds(Long.parseLong(o.getOrDefault("seconds", "60"))),
                    Integer.parseInt(o.getOrDefault("max-tokens", "8")), o.getOrDefault("heap", "512m"),
                    Path.of(o.getOrDefault("model", "cocoon-worker/models/cocoon-add-tiny")),
                    o.containsKey("json") ? Path.of(o.get("json")) : null, paid, o.getOrDefault("device", "cpu"));
            o.keySet().removeAll(List.of("users", "seconds", "max-tokens", "heap", "model", "json", "device"));
            if (!o.isEmpty() || s.users < 2 || s.duration.isNegative() || s.duration.isZero() || s.maxTokens < 1
                    || !List.of("cpu", "gpu", "auto").contains(s.device)) {
                throw new IllegalArgumentException("unknown options " + o.keySet() + " or users < 2, seconds < 1,"
                        + " max-tokens < 1 (users >= 2: one of each kind), or a device other than cpu, gpu, auto");
            }
            return s;
        }
    }

    public static void main(String[] args) throws Exception {
        LoadReport report = run(Settings.parse(args));
        System.out.print(report.markdown());
        if (report.json() != null) {
            System.out.println("written " + report.json());
        }
        System.exit(report.passed() ? 0 : 1);
    }

    static LoadReport run(Settings settings) throws Exception {
        Path scratch = Files.createTempDirectory("cocoon-load");
        byte[] devRootSeed = new byte[32];
        byte[] channelKeySeed = new byte[32];
        Random random = new Random();
        random.nextBytes(devRootSeed);
        random.nextBytes(channelKeySeed);
        Files.writeString(scratch.resolve("dev-root.seed"), HexFormat.of().formatHex(devRootSeed));
        Files.writeString(scratch.resolve("channel-key.seed"), HexFormat.of().formatHex(channelKeySeed));
        List<String> workerArgs = new ArrayList<>(List.of("--model", settings.model().toString(), "--port", "0",
                "--device", settings.device(), "--tee", "dev", "--dev-root-seed",
                scratch.resolve("dev-root.seed").toString()));
        workerArgs.addAll(settings.paid() ? List.of("--payments", "dev", "--channel-key-seed",
                scratch.resolve("channel-key.seed").toString(), "--payout", PAYOUT.toString(), "--dev-deposit",
                Long.toString(DEPOSIT), "--ledger", scratch.resolve("ledger.db").toString())
                : List.of("--payments", "off"));
        AttestationPolicy policy = AttestationPolicy.builder()
                .allowInsecureDevelopmentEvidence(Ed25519KeyPair.fromSeed(devRootSeed).publicKey()).build();
        OkHttpClient http = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(settings.users() + 8, 5, TimeUnit.SECONDS)).build();
        try (WorkerProcess worker = WorkerProcess.start(workerArgs, settings.heap(), scratch.resolve("worker.log"),
                Duration.ofMinutes(3))) {
            List<AdditionTask.Problem> problems = new AdditionTask(64).heldOutProblems();
            Map<String, String> alone = new ConcurrentHashMap<>();
            List<CocoonClient> clients = new ArrayList<>();
            try {
                CocoonClient probe = client(worker, policy, http, settings.paid());
                clients.add(probe);
                for (AdditionTask.Problem p : problems) {
                    alone.put(p.prompt(), probe.chat(request(p, settings.maxTokens())).content());
                }
                LoadRecorder.Kind[] kinds = LoadRecorder.Kind.values();
                CocoonClient shared = settings.paid() ? null : probe;
                List<User> users = new ArrayList<>();
                for (int i = 0; i < settings.users(); i++) {
                    // A channel has one request in flight at a time, so each paying user has its own.
                    CocoonClient client = shared != null ? shared : client(worker, policy, http, true);
                    if (client != shared) {
                        clients.add(client);
                    }
                    users.add(new User(kinds[i % kinds.length], client, problems, alone, settings.maxTokens(),
                            new Random(i)));
                }
                return drive(settings, worker, users, probe, problems);
            } finally {
                for (CocoonClient c : clients) {
                    c.close();
                }
            }
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private static LoadReport drive(Settings settings, WorkerProcess worker, List<User> users, CocoonClient probe,
                                    List<AdditionTask.Problem> problems) throws InterruptedException {
        LoadRecorder recorder = new LoadRecorder();
        MemorySampler memory = new MemorySampler(worker);
        Thread sampler = Thread.ofPlatform().daemon().name("load-memory").start(memory);
        long workerCpuStart = worker.cpuNanos();
        long ownCpuStart = ownCpuNanos();
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (User u : users) {
            threads.add(Thread.ofVirtual().name("load-user").start(() -> u.loop(recorder, end)));
        }
        long joinDeadline = end + REQUEST_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(30);
        int hung = 0;
        for (Thread t : threads) {
            long left = joinDeadline - System.nanoTime();
            if (left > 0) {
                t.join(Duration.ofNanos(left));
            }
            if (t.isAlive()) {
                hung++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Cpu cpu = new Cpu(workerCpuStart < 0 ? -1 : worker.cpuNanos() - workerCpuStart,
                ownCpuStart < 0 ? -1 : ownCpuNanos() - ownCpuStart);
        memory.stop();
        sampler.join(5_000);
        String after;
        try {
            AdditionTask.Problem p = problems.get(0);
            after = probe.chat(request(p, settings.maxTokens())).content().equals(users.get(0).alone.get(p.prompt()))
                    ? "answered as before" : "answered differently";
        } catch (RuntimeException e) {
            after = LoadRecorder.outcome(e);
        }
        return new LoadReport(settings, seconds, recorder, memory, cpu, hung, after, worker.alive(),
                settings.json());
    }

    /** CPU time used during the run by the worker's process and by this one (the load generator); -1 unknown. */
    record Cpu(long workerNanos, long generatorNanos) {
    }

    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    static ChatRequest request(AdditionTask.Problem p, int maxTokens) {
        return ChatRequest.builder().user(p.prompt()).maxTokens(maxTokens).temperature(0).build();
    }

    private static CocoonClient client(WorkerProcess worker, AttestationPolicy policy, OkHttpClient http,
                                       boolean paying) {
        CocoonClient.Builder b = CocoonClient.builder().endpoint(worker.endpoint()).policy(policy).httpClient(http)
                .requestTimeout(REQUEST_TIMEOUT);
        if (paying) {
            b.payment(PaymentChannel.builder().devMode().clientKey(Ed25519KeyPair.generate()).clientAddress(WALLET)
                    .channelId(PaymentChannel.randomChannelId()).deposit(DEPOSIT).maxCostPerRequest(1_000_000_000L)
                    .store(SpendStore.inMemory()).build());
        }
        return b.build();
    }

    /** One simulated user: requests of one kind, one after another, until the end. */
    record User(LoadRecorder.Kind kind, CocoonClient client, List<AdditionTask.Problem> problems,
                Map<String, String> alone, int maxTokens, Random random) {
        void loop(LoadRecorder recorder, long end) {
            while (System.nanoTime() < end) {
                AdditionTask.Problem p = problems.get(random.nextInt(problems.size()));
                long t0 = System.nanoTime();
                try {
                    VerifiedCompletion answer;
                    AtomicLong first = new AtomicLong();
                    if (kind.streamed()) {
                        answer = client.chatStream(request(p, maxTokens),
                                text -> first.compareAndSet(0, System.nanoTime() - t0));
                    } else {
                        answer = client.chat(request(p, maxTokens));
                    }
                    recorder.answered(kind, System.nanoTime() - t0, first.get(),
                            answer.completion().usage().completionTokens(),
                            answer.content().equals(alone.get(p.prompt())));
                } catch (RuntimeException e) {
                    recorder.failed(kind, e);
                    if (e instanceof WorkerRejectedException r && r.retryAfter().isPresent()) {
                        long wait = Math.min(r.retryAfter().get().toNanos(), Math.max(0, end - System.nanoTime()));
                        try {
                            Thread.sleep(Duration.ofNanos(wait));
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /** The worker's resident memory, twice a second. */
    static final class MemorySampler implements Runnable {
        private final WorkerProcess worker;
        private final List<long[]> samples = new ArrayList<>();
        private volatile boolean stopped;

        MemorySampler(WorkerProcess worker) {
            this.worker = worker;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            while (!stopped) {
                long rss = worker.residentBytes();
                long threads = worker.threads();
                synchronized (samples) {
                    samples.add(new long[] {System.nanoTime() - start, rss, threads});
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            stopped = true;
        }

        /** Samples as (nanos since start, resident bytes, threads). */
        List<long[]> samples() {
            synchronized (samples) {
                return List.copyOf(samples);
            }
        }
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
