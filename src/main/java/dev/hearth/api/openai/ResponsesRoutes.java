package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.gateway.Proxy;
import dev.hearth.gateway.Routes;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * OpenAI's Responses API, {@code POST /v1/responses} and {@code /v1/{model}/responses}. An engine that
 * serves it (vLLM, SGLang) gets the request as sent, the model renamed as for chat, and its answer comes
 * back untouched; any other chat engine gets it translated to a chat completion
 * ({@link ResponsesTranslator}) and its answer retold as a Response ({@link ResponsesOutput},
 * {@link ResponsesStream}). Either way it runs under the model's lease with the chat route's metrics.
 */
final class ResponsesRoutes {
    /** Presets whose servers answer /v1/responses themselves. */
    static final Set<String> NATIVE = Set.of("vllm", "sglang");

    /** A native stream's last events; the proxy reports a stream that closes before one as broken. */
    static final List<byte[]> FINAL_EVENTS = Stream.of("response.completed", "response.incomplete", "response.failed")
            .map(type -> ("\"" + type + "\"").getBytes(StandardCharsets.US_ASCII)).toList();

    private final OpenAiRoutes routes;
    private final ResponseStore store;

    ResponsesRoutes(OpenAiRoutes routes, ResponseStore store) {
        this.routes = routes;
        this.store = store;
    }

    void register(HttpRouting.Builder r) {
        r.post("/v1/responses", (req, res) -> serve(req, res, null));
        r.post("/v1/{model}/responses", (req, res) -> serve(req, res, req.path().pathParameters().get("model")));
    }

    static boolean servesNatively(ModelSpec spec) {
        return spec.options().get("preset") instanceof String preset && NATIVE.contains(preset);
    }

    private void serve(ServerRequest req, ServerResponse res, String pathModel) {
        byte[] bytes = Routes.body(req);
        routes.refuseIfQueueFull(bytes, pathModel, Task.CHAT);
        ObjectNode body = Json.parseObject(bytes);
        ModelSpec spec = routes.resolve(OpenAiRequests.model(body, pathModel));
        if (!spec.task().serves(Task.CHAT)) {
            throw new BadRequestException("Model '" + spec.name() + "' is a " + spec.task().wire()
                    + " model; it cannot serve " + req.path().path() + ".", "model");
        }
        // several nodes: a model loaded on another node only is served there, the request as it came
        if (routes.servedByPeer(req, res, spec, Task.CHAT, bytes, OpenAiRequests.stream(body), FINAL_EVENTS)) return;
        if (servesNatively(spec)) {
            boolean stream = OpenAiRequests.stream(body);
            if (!body.has("max_output_tokens") && spec.defaults().get("max_tokens") != null) {
                body.set("max_output_tokens", Json.MAPPER.valueToTree(spec.defaults().get("max_tokens")));
            }
            body.put("model", spec.upstreamName());
            routes.forward(req, res, spec, Task.CHAT, "/v1/responses", publisher(body), "application/json", stream,
                    FINAL_EVENTS, Proxy.Reshape.NONE);
            return;
        }
        ResponsesTranslator.Translated t = ResponsesTranslator.toChat(body, spec.upstreamName(), store::conversation);
        OpenAiRequests.applyDefaults(t.chat(), spec.defaults());
        ResponsesOutput response = ResponsesOutput.start(spec.name(), t.echo());
        routes.forward(req, res, spec, Task.CHAT, "/v1/chat/completions", publisher(t.chat()), "application/json",
                t.stream(), List.of(Proxy.DONE), new Retold(response, t));
    }

    private static HttpRequest.BodyPublisher publisher(ObjectNode body) {
        return Proxy.bytes(Json.bytes(body));
    }

    /** The engine's chat answer as a Response; an error answer passes as the engine sent it. */
    private final class Retold implements Proxy.Reshape {
        private final ResponsesOutput response;
        private final ResponsesTranslator.Translated request;

        Retold(ResponsesOutput response, ResponsesTranslator.Translated request) {
            this.response = response;
            this.request = request;
        }

        @Override
        public byte[] whole(int status, byte[] body) {
            if (status != 200) return body;
            JsonNode completion;
            try {
                completion = Json.MAPPER.readTree(body);
            } catch (IOException e) {
                return body;
            }
            ObjectNode r = response.fromChat(completion);
            keep(r);
            return Json.bytes(r);
        }

        @Override
        public OutputStream stream(OutputStream client) {
            return new ResponsesStream(client, response, this::keep);
        }

        /** This turn, its output included, for a later previous_response_id (unless store: false). */
        private void keep(JsonNode r) {
            if (!request.store()) return;
            ArrayNode conversation = request.conversation().deepCopy();
            conversation.add(ResponsesOutput.assistant(r.path("output")));
            store.put(r.path("id").asText(), conversation);
        }
    }
}
