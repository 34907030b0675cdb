package dev.hearth.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** What a reader of an engine's last lines gets. */
class LogBufferTest {

    @Test
    void oneLaunchsLines_includeThoseTheFreshenerBringsIn_andNoneOfAnEarlierLaunch() {
        var ring = new LogBuffer(10);
        ring.add("earlier launch: exited with code 1");
        long firstOfThisLaunch = ring.written();
        ring.add("this launch: loading");
        var pumpBehind = new AtomicBoolean(true);
        ring.freshenWith(() -> { // as a pausing pump: a line the engine wrote, read only now
            if (pumpBehind.getAndSet(false)) ring.add("this launch: out of memory");
        });

        assertThat(ring.tail(10, firstOfThisLaunch))
                .containsExactly("this launch: loading", "this launch: out of memory");
        assertThat(ring.tail(1)).containsExactly("this launch: out of memory");
        assertThat(ring.tail(10)).hasSize(3);
    }
}
