package network.cocoon.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The published allow-list a worker checks itself against before going live (the values clients pin):
 *
 * <pre>{@code
 * {"models": ["09b85594...fec5c"],
 *  "tdx_images": [{"mrtd": "...", "rtmr0": "...", "rtmr1": "...", "rtmr2": "..."}]}
 * }</pre>
 *
 * An image names {@code mrtd} and any of {@code rtmr0}-{@code rtmr3}; a register it leaves out is not checked,
 * as in the SDK's {@code TdxMeasurements}. Unknown keys are refused by name.
 *
 * @param models allowed model digests, lowercase hex
 * @param tdxImages allowed TDX images, each a map of register name to lowercase hex
 */
record AllowList(List<String> models, List<Map<String, String>> tdxImages) {
    private static final Set<String> TOP = Set.of("models", "tdx_images");
    private static final Set<String> REGISTERS = Set.of("mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3");

    static AllowList read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the allow-list " + file);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("allow-list " + file + ": must be a JSON object");
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!TOP.contains(name)) {
                throw new IllegalArgumentException("allow-list " + file + ": unknown key '" + name + "'");
            }
        });
        List<String> models = new ArrayList<>();
        for (JsonNode m : array(file, root, "models")) {
            models.add(hex(file, "models[]", m, 64));
        }
        List<Map<String, String>> images = new ArrayList<>();
        for (JsonNode image : array(file, root, "tdx_images")) {
            if (!image.isObject() || !image.has("mrtd")) {
                throw new IllegalArgumentException("allow-list " + file + ": each tdx_images entry is an object"
                        + " with at least 'mrtd'");
            }
            Map<String, String> registers = new LinkedHashMap<>();
            image.fields().forEachRemaining(e -> {
                if (!REGISTERS.contains(e.getKey())) {
                    throw new IllegalArgumentException("allow-list " + file + ": unknown key 'tdx_images[]."
                            + e.getKey() + "'");
                }
                registers.put(e.getKey(), hex(file, "tdx_images[]." + e.getKey(), e.getValue(), 96));
            });
            images.add(registers);
        }
        return new AllowList(List.copyOf(models), List.copyOf(images));
    }

    /**
     * What about this worker the list does not allow, one line each; empty when it passes.
     *
     * @param digest the worker's model digest
     * @param platform its evidence platform
     * @param measurements its measurements, by register name
     */
    List<String> mismatches(String digest, String platform, Map<String, String> measurements) {
        List<String> problems = new ArrayList<>();
        if (!models.contains(digest)) {
            problems.add("model digest " + digest + " is not in the allow-list's models");
        }
        if (platform.equals("tdx")) {
            boolean allowed = tdxImages.stream().anyMatch(image -> image.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(measurements.get(e.getKey()))));
            if (!allowed) {
                problems.add("no tdx_images entry matches this TD (mrtd " + measurements.get("mrtd") + ")");
            }
        } else if (!tdxImages.isEmpty()) {
            problems.add("the allow-list names TDX images, but this worker's evidence platform is " + platform);
        }
        return problems;
    }

    private static Iterable<JsonNode> array(Path file, JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("allow-list " + file + ": '" + name + "' must be an array");
        }
        return node;
    }

    private static String hex(Path file, String name, JsonNode node, int digits) {
        String value = node.isTextual() ? node.textValue().toLowerCase(Locale.ROOT) : "";
        if (!value.matches("[0-9a-f]{" + digits + "}")) {
            throw new IllegalArgumentException("allow-list " + file + ": '" + name + "' must be " + digits
                    + " hex digits");
        }
        return value;
    }
}
