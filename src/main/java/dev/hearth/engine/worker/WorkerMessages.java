package dev.hearth.engine.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.config.JobLimits;

import java.util.List;
import java.util.Map;

/**
 * The worker protocol of DESIGN.md as records: one JSON object per line, {@code type} says which.
 * Both sides use these, Hearth ({@link WorkerEngine}) and Java workers (testsrc), so the field
 * names live in one place. Field names are snake_case on the wire.
 */
public final class WorkerMessages {
    public static final int PROTOCOL = 1;

    /** Lenient on input: a newer worker may add fields, which must not break an older Hearth. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false); // {"type":"shutdown"} has no fields

    private WorkerMessages() { }

    /** Worker → Hearth. */
    public sealed interface FromWorker permits Ready, Progress, Output, Done, Error, Cancelled, Unknown {
        /** The job it is about, or null (ready, unknown). */
        default String job() { return null; }
    }

    /**
     * The worker loaded its model. {@code limits} (optional, {@link JobLimits#KEYS}): what it accepts;
     * absent (an older worker) = Hearth checks nothing beyond its own rules.
     */
    public record Ready(int protocol, List<String> tasks,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> limits) implements FromWorker {
        public Ready(int protocol, List<String> tasks) {
            this(protocol, tasks, null);
        }

        /** The advertised limits, with the advertised tasks; {@link JobLimits#NONE} when it sent none. */
        public JobLimits jobLimits() {
            return limits == null ? JobLimits.NONE : JobLimits.of(limits, false).withTasks(tasks);
        }
    }

    public record Progress(String job, double progress, String stage, int step, int steps) implements FromWorker { }

    public record Output(String job, String path, String contentType) implements FromWorker { }

    public record Done(String job) implements FromWorker { }

    public record Error(String job, String code, String message) implements FromWorker { }

    public record Cancelled(String job) implements FromWorker { }

    /** A type this Hearth does not know: logged and ignored. */
    public record Unknown(String type, String line) implements FromWorker { }

    /** Hearth → worker. */
    public sealed interface ToWorker permits Run, Cancel, Shutdown { }

    public record Run(String job, String task, ObjectNode params, Map<String, String> inputs, String outputDir)
            implements ToWorker { }

    public record Cancel(String job) implements ToWorker { }

    public record Shutdown() implements ToWorker { }

    /** A line that is not a protocol message (not JSON, no type, wrong field types). */
    public static final class MalformedLine extends Exception {
        MalformedLine(String message) {
            super(message);
        }
    }

    /** A run's params as plain Java values, for {@link JobLimits#check}. */
    static Map<String, Object> plain(ObjectNode params) {
        return JSON.convertValue(params, new TypeReference<Map<String, Object>>() { });
    }

    public static FromWorker parseFromWorker(String line) throws MalformedLine {
        JsonNode node = tree(line);
        String type = node.path("type").asText("");
        Class<? extends FromWorker> cls = switch (type) {
            case "ready" -> Ready.class;
            case "progress" -> Progress.class;
            case "output" -> Output.class;
            case "done" -> Done.class;
            case "error" -> Error.class;
            case "cancelled" -> Cancelled.class;
            default -> null;
        };
        return cls == null ? new Unknown(type, line) : convert(node, cls);
    }

    public static ToWorker parseToWorker(String line) throws MalformedLine {
        JsonNode node = tree(line);
        String type = node.path("type").asText("");
        return switch (type) {
            case "run" -> convert(node, Run.class);
            case "cancel" -> convert(node, Cancel.class);
            case "shutdown" -> new Shutdown();
            default -> throw new MalformedLine("unknown message type '" + type + "'");
        };
    }

    /** One line of JSON with {@code type} first; never contains a newline. */
    public static String write(Record message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", typeOf(message));
        node.setAll((ObjectNode) JSON.valueToTree(message));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of our own records always serializes
        }
    }

    private static String typeOf(Record message) {
        return switch (message) {
            case Ready r -> "ready";
            case Progress p -> "progress";
            case Output o -> "output";
            case Done d -> "done";
            case Error e -> "error";
            case Cancelled c -> "cancelled";
            case Run r -> "run";
            case Cancel c -> "cancel";
            case Shutdown s -> "shutdown";
            default -> throw new IllegalArgumentException("not a protocol message: " + message);
        };
    }

    private static JsonNode tree(String line) throws MalformedLine {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedLine("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new MalformedLine("not a JSON object");
        }
        return node;
    }

    private static <T> T convert(JsonNode node, Class<T> cls) throws MalformedLine {
        try {
            return JSON.treeToValue(node, cls);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedLine("bad '" + node.path("type").asText() + "' message: " + e.getMessage());
        }
    }
}
