package dev.hearth.scheduler;

import dev.hearth.NoCapacityException;
import dev.hearth.gateway.Errors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/** A 503 for a model that is not loaded says where it is: {@code loading: {state, elapsed_s, eta_s}}. */
class SchedulerCoreLoadingTest extends CoreTestSupport {

    @Test
    void aRequestThatTimesOutWaitingForAColdModel_isToldItsStateAndWait_andAfterOneLoad_anEta() {
        use(config(model("a", 10 * GIB), model("b", 10 * GIB).queueTimeout(Duration.ofSeconds(30))), 10 * GIB);
        long busy = request("a", 0);
        core.onLoaded("a", at(0));
        long first = request("b", 10);
        core.onTick(at(40));

        assertThat(fx.failures.get(first)).isInstanceOf(NoCapacityException.class)
                .satisfies(e -> assertThat(e.details()).isEqualTo(Map.of("loading",
                        loading("unloaded", 30, null))));

        // b loads once, in 12 s, and goes; the next request that times out on it hears that ETA
        core.onRelease("a", busy, at(41));
        long second = request("b", 45);                  // a is idle since 41: nobody uses it, it gives way
        core.onStopped("a", at(46));
        core.onLoaded("b", at(58));                      // loaded in 12 s
        core.onRelease("b", second, at(59));
        unloadCommand("b", 60);
        core.onStopped("b", at(61));
        request("a", 62);
        core.onLoaded("a", at(62));
        long third = request("b", 70);
        core.onTick(at(100));

        assertThat(fx.failures.get(third).details()).isEqualTo(Map.of("loading", loading("unloaded", 30, 12L)));
        assertThat(Errors.envelope(fx.failures.get(third)).toString())
                .contains("\"loading\":{\"state\":\"unloaded\",\"elapsed_s\":30,\"eta_s\":12}");
    }

    @Test
    void aModelAtItsConcurrencyLimit_isLoaded_soNoLoadingIsReported() {
        use(config(model("a", GIB).maxConcurrency(1).queueTimeout(Duration.ofSeconds(5))), 10 * GIB);
        request("a", 0);
        core.onLoaded("a", at(0));
        long waiting = request("a", 1);

        core.onTick(at(6));

        assertThat(fx.failures.get(waiting).details()).isEmpty();
    }

    private static Map<String, Object> loading(String state, long elapsed, Long eta) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("state", state);
        m.put("elapsed_s", elapsed);
        m.put("eta_s", eta);
        return m;
    }
}
