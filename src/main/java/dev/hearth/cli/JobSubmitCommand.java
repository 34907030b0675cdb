package dev.hearth.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

@Command(name = "submit", description = {"Submit a job to a model (any task); with --wait, follow it to its end.",
        "  hearth jobs submit testsrc --prompt 'a red fox in the snow' --param seconds=2 --wait --output out/",
        "  hearth jobs submit whisper --audio talk.mp3 --param language=en --wait --output out/",
        "A local --image goes as a data URI; a local --audio as a multipart upload (part 'file'); URLs as they are."})
final class JobSubmitCommand implements Callable<Integer> {
    @Mixin
    ApiClient api;

    @Parameters(index = "0", paramLabel = "MODEL", description = "the model (or alias) to run the job")
    String model;

    @Option(names = "--task", description = "the task (t2v, i2v, transcribe…; default: the model's, i2v with an image)")
    String task;

    @Option(names = "--prompt", description = "the prompt")
    String prompt;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "a parameter, repeatable (numbers, true/false and"
            + " JSON are sent as such: --param seconds=2 --param seed=7)")
    List<String> paramList = new ArrayList<>();

    @Option(names = "--params", paramLabel = "JSON", description = "parameters as a JSON object; --param adds to it")
    String paramsJson;

    @Option(names = "--image", paramLabel = "FILE|URL", description = "an input image: a file, an http(s) URL or a data URI")
    String image;

    @Option(names = "--audio", paramLabel = "FILE|URL", description = "a recording to transcribe: a file, an http(s) URL or"
            + " a data URI")
    String audio;

    @Option(names = "--priority", description = "a higher number runs sooner (default: 0)")
    Integer priority;

    @Option(names = "--wait", description = "follow the job to its end with a progress bar; exit non-zero if it fails")
    boolean await;

    @Option(names = "--output", paramLabel = "DIR", description = "when the job succeeds, download its outputs here (implies --wait)")
    Path output;

    @Option(names = "--timeout", description = "with --wait, give up after this many minutes (default: 1440)")
    long timeoutMinutes = 1440;

    @Override
    public Integer call() throws InterruptedException {
        ObjectNode params;
        try {
            params = params(paramsJson, paramList);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (String[] in : new String[][] {{"--image", image}, {"--audio", audio}}) {
            if (in[1] != null && !isReference(in[1]) && !Files.isRegularFile(Path.of(in[1]))) {
                System.err.println(in[0] + ": no such file: " + in[1]);
                return 2;
            }
        }
        return JobsCommand.guarded(() -> {
            ApiClient.Answer a = audio != null && !isReference(audio) ? submitForm(params) : api.postJson("/v1/jobs", json(params));
            if (a.status() != 200) {
                System.err.println(ApiClient.error(a));
                return 1;
            }
            JsonNode job = a.body();
            String id = job.path("id").asText();
            System.out.println(id + " " + job.path("state").asText()
                    + (job.path("queue_position").isNumber() ? " (position " + job.path("queue_position").asInt() + ")" : ""));
            if (!await && output == null) return 0;
            return JobsCommand.follow(api, id, output, Duration.ofMinutes(timeoutMinutes));
        });
    }

    private static boolean isReference(String s) {
        return s.startsWith("http://") || s.startsWith("https://") || s.startsWith("data:");
    }

    private ObjectNode json(ObjectNode params) throws IOException {
        ObjectNode body = JobsCommand.MAPPER.createObjectNode().put("model", model);
        if (task != null) body.put("task", task);
        if (prompt != null) body.put("prompt", prompt);
        if (priority != null) body.put("priority", priority);
        if (image != null) body.put("image", isReference(image) ? image : dataUri(Path.of(image)));
        if (audio != null) body.put("audio", audio);
        body.set("params", params);
        return body;
    }

    /** multipart/form-data, as POST /v1/jobs takes a recording: model, task, params (JSON), priority, the file. */
    private ApiClient.Answer submitForm(ObjectNode params) throws IOException, InterruptedException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model", model);
        if (task != null) fields.put("task", task);
        if (prompt != null) params.put("prompt", prompt);
        fields.put("params", params.toString());
        if (priority != null) fields.put("priority", String.valueOf(priority));
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("file", Path.of(audio));
        if (image != null && !isReference(image)) files.put("image", Path.of(image));
        else if (image != null) throw new IOException("--image as a URL cannot go with a local --audio file; give the image as a file");
        return api.postForm("/v1/jobs", fields, files);
    }

    static String dataUri(Path file) throws IOException {
        String type = Objects.requireNonNullElse(Files.probeContentType(file), "application/octet-stream");
        return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }

    /** --params, then each --param on top; a value that reads as JSON (2, true, [1,2]) is sent as that. */
    static ObjectNode params(String json, List<String> pairs) {
        ObjectNode p = JobsCommand.MAPPER.createObjectNode();
        if (json != null) {
            JsonNode given;
            try {
                given = JobsCommand.MAPPER.readTree(json);
            } catch (IOException e) {
                throw new IllegalArgumentException("--params: not JSON: " + json);
            }
            if (!(given instanceof ObjectNode o)) throw new IllegalArgumentException("--params: expected a JSON object, got " + json);
            p.setAll(o);
        }
        for (String kv : pairs) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--param: expected KEY=VALUE, got '" + kv + "'");
            String v = kv.substring(eq + 1);
            JsonNode value;
            try {
                value = JobsCommand.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(v);
                if (value == null || value.isMissingNode() || value.isTextual() && !v.strip().startsWith("\"")) value = null;
            } catch (IOException e) {
                value = null;
            }
            p.set(kv.substring(0, eq), value != null ? value : JobsCommand.MAPPER.getNodeFactory().textNode(v));
        }
        return p;
    }
}
