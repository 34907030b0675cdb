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

    private static final String STREAM = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"[DON\"}}]}\n\n" // a token that spells part of it
            + "data:{\"choices\":[{\"delta\":{\"content\":\"data: x\"}}]}\r\n\r\n" // "data:" inside a line
            + ": a comment\n\n"
            + "data: {\"choices\":[],\"usage\":{\"completion_tokens\":3}}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void aStream_splitAnywhere_countsItsEventsAndFindsItsEnd() {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= all.length; cut++) {
            for (int cut2 = cut; cut2 <= all.length; cut2 += 7) {
                var scan = new StreamScan(java.util.List.of(Proxy.DONE, Proxy.TRANSCRIPT_DONE));
                feed(scan, all, 0, cut);
                feed(scan, all, cut, cut2);
                feed(scan, all, cut2, all.length);
                assertThat(scan.events()).as("events, cut at %d and %d", cut, cut2).isEqualTo(5);
                assertThat(scan.done()).as("done, cut at %d and %d", cut, cut2).isTrue();
            }
        }
    }

    @Test
    void aStreamThatStopsShortOfItsEnd_isNotDone_evenWhenATokenSpellsPartOfIt() {
        String cut = STREAM.substring(0, STREAM.indexOf("data: [DONE]")) + "data: [DON";
        var scan = new StreamScan(java.util.List.of(Proxy.DONE));
        byte[] b = cut.getBytes(StandardCharsets.UTF_8);
        feed(scan, b, 0, b.length);
        assertThat(scan.done()).isFalse();
        assertThat(scan.events()).isEqualTo(5);
    }

    @Test
    void aTranscriptionStream_endsAtItsOwnMarker() {
        byte[] b = ("data: {\"type\":\"transcript.text.delta\",\"delta\":\"hi\"}\n\n"
                + "data: {\"type\":\"transcript.text.done\",\"text\":\"hi\"}\n\n").getBytes(StandardCharsets.UTF_8);
        var scan = new StreamScan(java.util.List.of(Proxy.TRANSCRIPT_DONE));
        feed(scan, b, 0, 40);
        assertThat(scan.done()).isFalse();
        feed(scan, b, 40, b.length);
        assertThat(scan.done()).isTrue();
        assertThat(scan.events()).isEqualTo(2);
    }

    private static void feed(StreamScan scan, byte[] all, int from, int to) {
        scan.feed(java.util.Arrays.copyOfRange(all, from, to), to - from);
    }
}
