package dev.hearth.engine.onnx;

import dev.hearth.EngineException;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.hearth.engine.onnx.SharedEngine.cosine;
import static dev.hearth.engine.onnx.SharedEngine.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Runs the real bundled model. */
class OnnxEmbeddingEngineTest {
    private final OnnxEmbeddingEngine engine = SharedEngine.started();

    @Test
    void OnnxEmbeddingEngine_returnsUnitVectorsOf384Dims_whenStarted() {
        List<float[]> vectors = engine.embed(List.of("hello world", "Hearth keeps models inside one memory budget."));

        assertThat(vectors).hasSize(2).allSatisfy(v -> {
            assertThat(v).hasSize(384);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
        });
    }

    @Test
    void OnnxEmbeddingEngine_placesCatNearerKittenThanMarket_whenComparingMeaning() {
        List<float[]> v = engine.embed(List.of("a cat sits on the mat", "a kitten is on the rug", "stock market crash"));

        double kitten = cosine(v.get(0), v.get(1));
        double market = cosine(v.get(0), v.get(2));
        assertThat(kitten).isGreaterThan(market + 0.2);
    }

    @Test
    void OnnxEmbeddingEngine_keepsInputOrder_whenEmbeddingABatch() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.add("sentence number " + i + (i % 3 == 0 ? " about the weather in spring" : ""));
        }

        List<float[]> batch = engine.embed(texts);

        assertThat(batch).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            // one text per ONNX run, so a vector does not depend on its neighbours: exactly equal
            assertThat(batch.get(i)).as("input %d", i).containsExactly(engine.embed(List.of(texts.get(i))).getFirst());
        }
    }

    @Test
    void OnnxEmbeddingEngine_matchesLangchain4jModel_whenTextIsShorterThan128Tokens() {
        var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        String text = "The quick brown fox jumps over the lazy dog near the river bank.";

        float[] expected = reference.embed(text).content().vector();

        assertThat(engine.embed(List.of(text)).getFirst()).containsExactly(expected, within(1e-5f));
    }

    @Test
    void OnnxEmbeddingEngine_cutsInputAt256Tokens_whenTextIsLonger() {
        // "word " is one token each: 300 and 1000 words are both cut to the same first 254 word pieces.
        float[] fromThreeHundred = engine.embed(List.of("word ".repeat(300))).getFirst();
        float[] fromThousand = engine.embed(List.of("word ".repeat(1000))).getFirst();
        float[] fromHundred = engine.embed(List.of("word ".repeat(100))).getFirst();

        assertThat(fromThousand).containsExactly(fromThreeHundred);
        assertThat(fromThousand).isNotEqualTo(fromHundred);
        assertThat(norm(fromThousand)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void OnnxEmbeddingEngine_countsWordPiecesWithoutSpecialTokens_whenAskedForUsage() {
        assertThat(engine.countTokens(List.of("a cat sits on the mat"))).isEqualTo(6);
        assertThat(engine.countTokens(List.of("a cat", "embeddings"))).isEqualTo(2 + 4); // em ##bed ##ding ##s
        assertThat(engine.countTokens(List.of("word ".repeat(1000)))).isEqualTo(1000);
    }

    @Test
    void OnnxEmbeddingEngine_givesSameVectors_whenCalledFromManyThreads() throws Exception {
        List<String> texts = List.of("alpha beta", "gamma delta epsilon", "zeta", "eta theta iota kappa");
        List<float[]> expected = engine.embed(texts);
        List<Future<List<float[]>>> calls = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                calls.add(threads.submit((Callable<List<float[]>>) () -> engine.embed(texts)));
            }
            for (Future<List<float[]>> call : calls) {
                List<float[]> got = call.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(got.get(i)).containsExactly(expected.get(i));
                }
            }
        }
    }

    @Test
    void OnnxEmbeddingEngine_servesInJvm_withoutUrlOrCrash() {
        assertThat(engine.endpoint()).isInstanceOf(dev.hearth.engine.Endpoint.InProcess.class);
        assertThat(engine.crashed()).isNotDone();
        assertThat(engine.model()).isEqualTo("minilm");
        assertThat(engine.logs().tail(10)).anyMatch(l -> l.startsWith("loaded in ") && l.contains(" ms"));
    }

    @Test
    void OnnxEmbeddingEngine_refusesThenServesAgain_whenStoppedAndRestarted() {
        var own = new OnnxEmbeddingEngine(SharedEngine.spec("restartable", Map.of("threads", 1)));
        assertThatThrownBy(() -> own.embed(List.of("x"))).isInstanceOf(EngineException.class)
                .hasMessageContaining("'restartable' is not loaded");

        own.start();
        float[] first = own.embed(List.of("same text")).getFirst();
        own.stop();
        own.stop(); // idempotent
        assertThatThrownBy(() -> own.countTokens(List.of("x"))).isInstanceOf(EngineException.class);
        own.start();
        float[] again = own.embed(List.of("same text")).getFirst();
        own.stop();

        assertThat(again).containsExactly(first);
        assertThat(own.logs().tail(10)).filteredOn(l -> l.startsWith("loaded in ")).hasSize(2);
        assertThat(own.logs().tail(10)).contains("stopped: ONNX session and tokenizer closed");
    }
}
