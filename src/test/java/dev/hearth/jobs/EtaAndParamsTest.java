package dev.hearth.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EtaAndParamsTest {
    @Test
    void eta_startsFromThePrior_andMovesTowardsWhatFinishedJobsMeasured() {
        Map<String, Double> priors = new HashMap<>();
        priors.put("wan", 0.5);
        priors.put("ltx", null);
        Eta eta = new Eta(priors);
        assertThat(eta.secondsPerUnit("wan")).hasValue(0.5);
        assertThat(eta.secondsPerUnit("ltx")).isEmpty();

        eta.learn("wan", 100, 100);   // measured 1.0 s/unit
        eta.learn("ltx", 10, 2);      // no prior: the first measurement is the estimate

        assertThat(eta.secondsPerUnit("wan").getAsDouble()).isCloseTo(0.5 + Eta.ALPHA * 0.5, within(1e-9));
        assertThat(eta.secondsPerUnit("ltx")).hasValue(0.2);
    }

    @Test
    void units_areFramesTimesSteps() {
        ObjectNode p = Json.object().put("fps", 16).put("seconds", 5).put("steps", 30);
        assertThat(JobParams.units(p)).isEqualTo(80 * 30);
        assertThat(JobParams.units(Json.object().put("fps", 24).put("seconds", 2))).isEqualTo(48);
    }

    // issue 7: params were a JSON string re-parsed by every reader
    @Test
    void params_areParsedOnce_typed_keepOtherKeys_andCannotBeChangedFromOutside() {
        Params p = Params.parse("{\"size\":\"832x480\",\"fps\":16,\"seconds\":5.0,\"steps\":30,\"seed\":7,\"hold\":true}");

        assertThat(p.size()).hasValue("832x480");
        assertThat(p.fps()).hasValue(16);
        assertThat(p.seconds()).hasValue(5.0);
        assertThat(p.steps()).hasValue(30);
        assertThat(p.seed()).hasValue(7);
        assertThat(p.units()).isEqualTo(80 * 30);
        assertThat(p.json().get("hold").asBoolean()).isTrue();
        p.json().put("fps", 1);
        assertThat(p.fps()).hasValue(16);
        assertThat(Params.parse(p.text())).isEqualTo(p);
        assertThat(Params.parse("not json")).isEqualTo(Params.EMPTY);
        assertThat(Params.parse("[1]").text()).isEqualTo("{}");
    }

    @Test
    void merge_fillsDefaults_andNamesTheDialectsField_inA400() {
        ObjectNode given = Json.object().put("fps", "12").put("seed", 3);
        ObjectNode p = JobParams.merge(Map.of("size", "832x480", "fps", 16), given, Map.of());
        assertThat(p.get("size").asText()).isEqualTo("832x480");
        assertThat(p.get("fps").asLong()).isEqualTo(12);

        assertThatThrownBy(() -> JobParams.merge(Map.of(), Json.object().put("size", "832x481"),
                Map.of("size", "resolution")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("resolution");
                    assertThat(e.getMessage()).contains("'resolution'").contains("even");
                });
    }
}
