package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "jobs", description = {"Submit, list, follow and cancel jobs (video, transcription…) over the HTTP API:",
        "  hearth jobs submit testsrc --prompt 'a red fox' --wait --output out/",
        "  hearth jobs list --state running", "  hearth jobs show ID", "  hearth jobs watch ID", "  hearth jobs cancel ID",
        "The API key is $HEARTH_API_KEY (or --api-key)."},
        subcommands = {JobSubmitCommand.class, JobsCommand.ListJobs.class, JobsCommand.Show.class,
                JobsCommand.Cancel.class, JobsCommand.Watch.class})
final class JobsCommand implements Callable<Integer> {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Runs a request, turning "Hearth is not answering" and HTTP errors into one line and exit code 1. */
    interface Call {
        int run() throws IOException, InterruptedException, JobFollower.FollowException;
    }

    static int guarded(Call c) throws InterruptedException {
        try {
            return c.run();
        } catch (IOException | JobFollower.FollowException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    static String path(String id) {
        return "/v1/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Command(name = "list", description = "The latest jobs as a table: id, model, task, state, progress, age.")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        ApiClient api;

        @Option(names = "--state", split = ",", description = "only these states (queued, running, succeeded, failed, "
                + "cancelled, cancelling); repeatable or comma-separated")
        List<String> states = new ArrayList<>();

        @Option(names = "--model", description = "only this model's jobs")
        String model;

        @Option(names = "--limit", description = "at most this many (default: 20)")
        int limit = 20;

        @Override
        public Integer call() throws InterruptedException {
            return guarded(() -> {
                StringBuilder q = new StringBuilder("/v1/jobs?limit=").append(limit);
                for (String s : states) q.append("&state=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
                if (model != null) q.append("&model=").append(URLEncoder.encode(model, StandardCharsets.UTF_8));
                ApiClient.Answer a = api.get(q.toString());
                if (a.status() != 200) {
                    System.err.println(ApiClient.error(a));
                    return 1;
                }
                table(a.body().path("data"), Instant.now());
                if (a.body().path("has_more").asBoolean()) System.out.println("… more with --limit");
                return 0;
            });
        }
    }

    static void table(JsonNode jobs, Instant now) {
        System.out.printf("%-26s %-20s %-10s %-10s %8s %6s%n", "ID", "MODEL", "TASK", "STATE", "PROGRESS", "AGE");
        for (JsonNode j : jobs) {
            System.out.printf(Locale.ROOT, "%-26s %-20s %-10s %-10s %7.0f%% %6s%n", j.path("id").asText(),
                    j.path("model").asText(), j.path("task").asText(), j.path("state").asText(),
                    j.path("progress").asDouble() * 100, age(j.path("created_at").asText(), now));
        }
    }

    static String age(String createdAt, Instant now) {
        try {
            long s = Duration.between(Instant.parse(createdAt), now).toSeconds();
            if (s < 60) return Math.max(0, s) + "s";
            if (s < 3600) return s / 60 + "m";
            if (s < 86400) return s / 3600 + "h";
            return s / 86400 + "d";
        } catch (java.time.format.DateTimeParseException e) {
            return "?";
        }
    }

    @Command(name = "show", description = "One job: a readable summary, or its JSON with --json.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ApiClient api;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--json", description = "the job's JSON, pretty-printed")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            return guarded(() -> {
                ApiClient.Answer a = api.get(path(id));
                if (a.status() != 200) {
                    System.err.println(ApiClient.error(a));
                    return 1;
                }
                System.out.print(json ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(a.body()) + "\n"
                        : summary(a.body()));
                return 0;
            });
        }
    }

    static String summary(JsonNode j) {
        StringBuilder s = new StringBuilder();
        s.append(j.path("id").asText()).append("  ").append(j.path("model").asText()).append(" / ")
                .append(j.path("task").asText()).append("  ").append(j.path("state").asText())
                .append(String.format(Locale.ROOT, "  %.0f%%", j.path("progress").asDouble() * 100)).append('\n');
        if (j.path("stage").isTextual()) {
            s.append("  stage:    ").append(j.path("stage").asText()).append(' ').append(j.path("step").asInt()).append('/')
                    .append(j.path("steps").asInt()).append('\n');
        }
        if (j.path("queue_position").isNumber()) s.append("  queued:   position ").append(j.path("queue_position").asInt()).append('\n');
        if (j.path("prompt").isTextual()) s.append("  prompt:   ").append(j.path("prompt").asText()).append('\n');
        if (j.path("params").size() > 0) s.append("  params:   ").append(j.path("params")).append('\n');
        for (String k : List.of("created_at", "started_at", "finished_at")) {
            if (j.path(k).isTextual()) s.append(String.format("  %-9s ", k.replace("_at", ":"))).append(j.path(k).asText()).append('\n');
        }
        if (j.path("error").isObject()) {
            s.append("  error:    ").append(j.path("error").path("code").asText()).append(": ")
                    .append(j.path("error").path("message").asText()).append('\n');
        }
        for (JsonNode o : j.path("outputs")) {
            s.append("  output:   ").append(o.path("name").asText()).append(" (").append(Progress.bytes(o.path("size").asLong()))
                    .append(", ").append(o.path("content_type").asText()).append(")  ").append(o.path("url").asText()).append('\n');
        }
        return s.toString();
    }

    @Command(name = "cancel", description = "Cancel a job: a queued one at once, a running one once its worker stops.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        ApiClient api;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws InterruptedException {
            return guarded(() -> {
                ApiClient.Answer a = api.delete(path(id));
                if (a.status() != 200) {
                    System.err.println(ApiClient.error(a));
                    return 1;
                }
                System.out.println(id + ": " + a.body().path("state").asText());
                return 0;
            });
        }
    }

    @Command(name = "watch", description = "Follow a job until it ends (progress, stage, ETA); non-zero exit when it fails.")
    static final class Watch implements Callable<Integer> {
        @Mixin
        ApiClient api;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--output", description = "download every output into this directory when the job succeeds")
        Path output;

        @Option(names = "--timeout", description = "give up after this many minutes (default: 1440)")
        long timeoutMinutes = 1440;

        @Override
        public Integer call() throws InterruptedException {
            return guarded(() -> follow(api, id, output, Duration.ofMinutes(timeoutMinutes)));
        }
    }

    /** Follows the job to its end, downloads its outputs when asked, and tells how it ended. */
    static int follow(ApiClient api, String id, Path output, Duration timeout)
            throws IOException, InterruptedException, JobFollower.FollowException {
        Progress p = new Progress(System.err, Progress.stderrIsTerminal(), Duration.ofSeconds(5));
        JobFollower f = new JobFollower(api, p);
        JsonNode end;
        try (InterruptNote note = InterruptNote.on("Stopped following " + id + "; the job goes on: `hearth jobs watch " + id
                + "` follows it again, `hearth jobs cancel " + id + "` stops it")) {
            end = f.follow(id, timeout);
        }
        int code = JobFollower.verdict(end);
        if (code == 0 && output != null) f.download(end, output);
        if (code == 0) System.out.println(id + " succeeded");
        return code;
    }
}
