package dev.hearth.jobs;

import dev.hearth.jobs.store.JobStore;
import dev.hearth.jobs.store.JobStores;
import dev.hearth.observe.LocalEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The one owner of job changes, on a real SQLite file, with every store call it makes recorded. */
class JobTransitionsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dataDir;

    private JobStore real;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Job> published = new CopyOnWriteArrayList<>();
    private JobTransitions transitions;

    @BeforeEach
    void open() {
        real = JobStores.open("sqlite", dataDir, "node-a");
        JobStore recorded = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(),
                new Class<?>[] {JobStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("node")) calls.add(method.getName());
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        LocalEventBus bus = new LocalEventBus();
        bus.subscribe(Job.TOPIC, null, published::add);
        JobContext ctx = new JobContext(recorded, null, null, null, new JobEvents(bus), new Eta(Map.of()),
                Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC), Duration.ofSeconds(30), Duration.ZERO, null, null,
                null);
        transitions = new JobTransitions(ctx);
    }

    @AfterEach
    void close() { real.close(); }

    private Job claimed() {
        real.insert(Job.create("wan", "t2v", Dialect.NATIVE, "{}", Map.of(), 0, 3, "a cat", T0), 10);
        Job j = transitions.claim("wan", JobStore.Claim.ANY).orElseThrow();
        calls.clear();
        published.clear();
        return j;
    }

    @Test
    void progress_isOneStoreWrite_andPublishesTheJobAsStored_whenTheJobIsKnown() {
        Job j = claimed();
        Job after = transitions.progress(j, new Job.Progress(0.5, "denoise", 15, 30));
        assertThat(calls).containsExactly("updateProgress"); // one UPDATE; the job is not read back
        assertThat(published).containsExactly(after);
        assertThat(real.get(j.id())).contains(after);
        assertThat(after.progress().stage()).isEqualTo("denoise");
    }

    @Test
    void heartbeat_readsAgainAndRenews_whenACancelMadeTheKnownJobStale() {
        Job j = claimed();
        real.transition(j.id(), JobState.RUNNING, JobState.CANCELLING, null, "cancel requested", T0.plusSeconds(1));

        Job renewed = transitions.heartbeat(j.id(), j);

        assertThat(calls).containsExactly("heartbeat", "get", "heartbeat");
        assertThat(renewed.state()).isEqualTo(JobState.CANCELLING); // the run learns of the cancel from the beat
        assertThat(renewed.lease().expiresAt()).isEqualTo(T0.plusSeconds(35));
        assertThat(real.get(j.id())).contains(renewed);
        assertThat(published).isEmpty(); // only the lease moved
    }

    @Test
    void heartbeat_isRefused_whenTheJobIsNoLongerThisNodes() {
        Job j = claimed();
        real.transition(j.id(), JobState.RUNNING, JobState.QUEUED, null, "requeued", T0.plusSeconds(1));
        assertThat(transitions.heartbeat(j.id(), j)).isNull();
        assertThat(transitions.progress(j, new Job.Progress(0.1, "x", 1, 2))).isNull();
        assertThat(published).isEmpty();
    }

    @Test
    void promptEnhanced_bumpsTheVersion_andPublishes_soAnOlderTransitionCannotUndoIt() {
        real.insert(Job.create("wan", "t2v", Dialect.NATIVE, "{}", Map.of(), 0, 3, "a cat", T0)
                .withEnhancedPrompt("a cat"), 10);
        Job j = transitions.claim("wan", JobStore.Claim.TO_ENHANCE).orElseThrow();
        Job enhanced = transitions.promptEnhanced(j, "a cat in golden light");
        assertThat(enhanced.prompt()).isEqualTo("a cat in golden light");
        assertThat(enhanced.originalPrompt()).isEqualTo("a cat");
        assertThat(enhanced.version()).isEqualTo(j.version() + 1);
        assertThat(real.get(j.id())).contains(enhanced);
        assertThat(published).last().isEqualTo(enhanced);
    }
}
