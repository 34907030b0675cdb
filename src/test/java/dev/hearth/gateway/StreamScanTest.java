package dev.hearth.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the proxy may end a stream for its client before the engine has ended its own. */
class StreamScanTest {
    private static boolean endsAtDone(String batch) {
        byte[] b = (batch + "trailing garbage the batch does not hold").getBytes(StandardCharsets.UTF_8);
        return StreamScan.endsAtDone(b, batch.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void theDoneEvent_atTheEndOfABatch_endsTheStream() {
        assertThat(endsAtDone("data: [DONE]\n\n")).isTrue();
        assertThat(endsAtDone("data:[DONE]\r\n\r\n")).isTrue();
        assertThat(endsAtDone("data: {\"choices\":[]}\n\ndata: [DONE]\n\n")).isTrue();
    }

    @Test
    void aTokenThatSpellsDone_orAnUnfinishedEvent_doesNot() {
        assertThat(endsAtDone("data: {\"choices\":[{\"delta\":{\"content\":\"[DONE]\"}}]}\n\n")).isFalse();
        assertThat(endsAtDone("data: {\"content\":\"x\ndata: [DONE]\"}\n\n")).isFalse();
        assertThat(endsAtDone("data: [DONE]\n")).as("no blank line yet").isFalse();
        assertThat(endsAtDone("data: [DONE]")).isFalse();
        assertThat(endsAtDone("xdata: [DONE]\n\n")).isFalse();
        assertThat(endsAtDone("\n\n")).isFalse();
        assertThat(endsAtDone("")).isFalse();
    }
}
