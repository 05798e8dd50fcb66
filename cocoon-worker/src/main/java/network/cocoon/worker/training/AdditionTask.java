package network.cocoon.worker.training;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import network.cocoon.sdk.chat.ChatMessage;

/**
 * The small model's task: add two non-negative integers below {@value #LIMIT}. A chat turn holds
 * {@code "a+b"} and the answer is the decimal sum, so every answer can be checked.
 */
public final class AdditionTask {
    /** Operands are below this. */
    public static final int LIMIT = 1000;
    private static final long HELD_OUT_SEED = 20_261_125L;

    /** One problem. */
    public record Problem(int a, int b) {
        /** The user message. */
        public String prompt() {
            return a + "+" + b;
        }

        /** The expected answer. */
        public String answer() {
            return Integer.toString(a + b);
        }

        /** The chat for this problem. */
        public List<ChatMessage> messages() {
            return List.of(ChatMessage.user(prompt()));
        }
    }

    private final Set<Problem> heldOut;

    /** The task with its {@code heldOutCount} held-out problems, fixed by a constant seed. */
    public AdditionTask(int heldOutCount) {
        this.heldOut = heldOut(heldOutCount);
    }

    /** The first {@code count} problems of the fixed held-out sequence; training never sees them. */
    public static Set<Problem> heldOut(int count) {
        Random random = new Random(HELD_OUT_SEED);
        Set<Problem> problems = new LinkedHashSet<>();
        while (problems.size() < count) {
            problems.add(sample(random));
        }
        return problems;
    }

    /** The held-out problems. */
    public List<Problem> heldOutProblems() {
        return new ArrayList<>(heldOut);
    }

    /** A training problem, never one held out. */
    public Problem trainingProblem(Random random) {
        while (true) {
            Problem p = sample(random);
            if (!heldOut.contains(p)) {
                return p;
            }
        }
    }

    /** Operand lengths are drawn uniformly (1 to 3 digits) so short sums are not rare. */
    private static Problem sample(Random random) {
        return new Problem(operand(random), operand(random));
    }

    private static int operand(Random random) {
        int digits = 1 + random.nextInt(3);
        int bound = (int) Math.pow(10, digits);
        return random.nextInt(bound);
    }
}
