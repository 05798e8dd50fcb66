package network.cocoon.worker.cli;

import java.io.PrintStream;
import java.util.Locale;
import network.cocoon.worker.inference.LoadProgress;

/**
 * Prints model loading as percent of bytes per stage: one line per tenth, and the stage's end, so that a log
 * collector shows steady progress on a large checkpoint without a line per read.
 */
public final class LoadProgressPrinter implements LoadProgress {
    private final PrintStream out;
    private final String model;
    private String stage = "";
    private long lastTenth = -1;

    /**
     * @param out where lines go
     * @param model the model's name, for each line
     */
    public LoadProgressPrinter(PrintStream out, String model) {
        this.out = out;
        this.model = model;
    }

    @Override
    public void update(String stage, long done, long total) {
        if (!stage.equals(this.stage)) {
            this.stage = stage;
            lastTenth = -1;
        }
        long tenth = total == 0 ? 10 : done * 10 / total;
        if (tenth > lastTenth) {
            lastTenth = tenth;
            out.println(String.format(Locale.ROOT, "loading %s: %-9s %3d%% (%s of %s)", model, stage, tenth * 10,
                    megabytes(done), megabytes(total)));
        }
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
