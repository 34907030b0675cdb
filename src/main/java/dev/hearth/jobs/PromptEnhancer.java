package dev.hearth.jobs;

import dev.hearth.engine.Endpoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;
import dev.hearth.HttpClients;
import dev.hearth.scheduler.Lease;
import dev.hearth.scheduler.ModelScheduler;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Rewrites a video prompt with a chat model (item 9). It asks the scheduler for a lease on the
 * enhancer model like any chat request does, so the LLM is loaded on demand inside the one memory
 * budget (evicting idle models) and is idle-unloaded again afterwards; then it posts one
 * non-streaming {@code /v1/chat/completions} to the engine and returns the answer, trimmed.
 * Every failure (the model cannot load, no capacity, an HTTP error, an empty answer) is an
 * {@link EnhancerException} with a message a user can act on.
 */
public final class PromptEnhancer {
    static final int MAX_TOKENS = 200;
    static final double TEMPERATURE = 0.7;
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);

    private final ModelScheduler models;
    private final HttpClients.Lazy http = HttpClients.lazy(() -> HttpClients.engine(Duration.ofSeconds(10)));

    public PromptEnhancer(ModelScheduler models) {
        this.models = models;
    }

    /** The enhancer failed; the job fails as {@code enhancer_failed} with this message. */
    public static final class EnhancerException extends RuntimeException {
        EnhancerException(String message) { super(message); }
    }

    /** @return the rewritten prompt, never blank */
    public String enhance(String model, String instructions, String prompt) throws InterruptedException {
        CompletableFuture<Lease> acquiring = models.acquire(model);
        Lease lease;
        try {
            lease = acquiring.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new EnhancerException("The prompt enhancer model '" + model + "' could not be used: " + c.getMessage());
        } catch (InterruptedException e) {
            acquiring.cancel(false);
            throw e;
        }
        try (lease) {
            if (!(lease.engine().endpoint() instanceof Endpoint.Http http)) {
                throw new EnhancerException("The prompt enhancer model '" + model + "' has no HTTP server running.");
            }
            return ask(http.baseUrl(), model, instructions, prompt);
        }
    }

    private String ask(URI base, String model, String instructions, String prompt) throws InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        body.put("stream", false);
        body.put("max_tokens", MAX_TOKENS);
        body.put("temperature", TEMPERATURE);
        var messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", instructions);
        messages.addObject().put("role", "user").put("content", prompt);
        HttpResponse<String> res;
        try {
            res = http.get().send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).timeout(ANSWER_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new EnhancerException("The prompt enhancer model '" + model + "' did not answer: " + e);
        }
        if (res.statusCode() != 200) {
            throw new EnhancerException("The prompt enhancer model '" + model + "' answered HTTP " + res.statusCode()
                    + ": " + abbreviate(res.body()));
        }
        String text;
        try {
            JsonNode answer = Json.MAPPER.readTree(res.body());
            text = answer.path("choices").path(0).path("message").path("content").asText("").strip();
        } catch (IOException e) {
            throw new EnhancerException("The prompt enhancer model '" + model + "' answered something that is not"
                    + " a chat completion: " + abbreviate(res.body()));
        }
        if (text.isEmpty()) {
            throw new EnhancerException("The prompt enhancer model '" + model + "' answered with an empty prompt.");
        }
        return text;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** Enhancement was asked for and has not happened yet (see {@link JobCore#submit}: original = prompt). */
    static boolean pending(Job job) {
        return job.originalPrompt() != null && job.originalPrompt().equals(job.prompt());
    }
}
