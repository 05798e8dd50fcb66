package network.cocoon.worker.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values from a properties file ({@code port = 8080}: an option's name without its dashes). It supplies
 * defaults, so a flag given on the command line wins over the file, and the file over the built-in default. A
 * key that names no option is refused by name rather than ignored.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    private final Properties values;

    private ConfigFile(Properties values) {
        this.values = values;
    }

    /** No file: built-in defaults only. */
    static ConfigFile none() {
        return new ConfigFile(new Properties());
    }

    /**
     * Reads a file and checks its keys against the command's options.
     *
     * @throws IllegalArgumentException naming the file or the key at fault
     */
    static ConfigFile read(Path file, CommandLine.Model.CommandSpec spec) {
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config file " + file);
        }
        Set<String> known = new TreeSet<>();
        for (OptionSpec option : spec.options()) {
            known.add(key(option));
        }
        for (String key : values.stringPropertyNames()) {
            if (!known.contains(key) || isControl(key)) {
                throw new IllegalArgumentException("config file " + file + ": unknown key '" + key + "'");
            }
        }
        return new ConfigFile(values);
    }

    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^--", "");
    }

    /** Options that steer the command line itself rather than configure the worker. */
    static boolean isControl(String key) {
        return key.equals("config") || key.equals("print-config") || key.equals("help") || key.equals("version")
                || key.equals("check");
    }

    /** A parsed command's effective options by name (without dashes); unset optional ones are absent. */
    static java.util.Map<String, String> values(CommandLine.Model.CommandSpec spec) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            String key = key(option);
            if (!isControl(key) && option.getValue() != null) {
                out.put(key, option.getValue().toString());
            }
        }
        return out;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            String value = values.getProperty(key(option));
            if (value != null) {
                return value.trim();
            }
        }
        return argSpec.defaultValue();
    }
}
