package dev.hearth.media;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TranscriptsTest {
    /** What pocketsphinx_continuous -time yes prints for two utterances. */
    private static final String TIMED = """
            go forward ten meters
            <s> 0.000 0.240 1.000000
            <sil> 0.250 0.450 0.706282
            go 0.460 0.630 0.997303
            forward(2) 0.640 1.160 0.996207
            ten 1.170 1.520 0.243981
            meters 1.530 2.110 0.806360
            </s> 2.120 2.600 1.000000
            turn left
            turn 3.100 3.400 0.9
            [NOISE] 3.400 3.500 0.5
            left 3.500 3.900 0.9
            """;

    @Test
    void timedWords_givesOneSegmentPerUtterance_withItsWordsTimes_andNoMarkers() {
        var t = Transcripts.timedWords(TIMED, 4.2);
        assertThat(t.text()).isEqualTo("go forward ten meters turn left");
        assertThat(t.segments()).hasSize(2);
        var first = t.segments().getFirst();
        assertThat(first.start()).isEqualTo(0.46);
        assertThat(first.end()).isEqualTo(2.11);
        assertThat(first.words()).extracting(Transcripts.Word::word).containsExactly("go", "forward", "ten", "meters");
        assertThat(t.segments().get(1).words()).extracting(Transcripts.Word::word).containsExactly("turn", "left");
    }

    @Test
    void srtAndVtt_writeEachSegment_withItsTimes() {
        var t = Transcripts.timedWords(TIMED, 4.2);
        assertThat(Transcripts.srt(t)).isEqualTo("1\n00:00:00,460 --> 00:00:02,110\ngo forward ten meters\n\n"
                + "2\n00:00:03,100 --> 00:00:03,900\nturn left\n\n");
        assertThat(Transcripts.vtt(t)).startsWith("WEBVTT\n\n00:00:00.460 --> 00:00:02.110\ngo forward ten meters\n\n");
    }

    @Test
    void text_isOneSegment_spanningTheAudio() {
        var t = Transcripts.text("  hello\n  world \n", 3.5);
        assertThat(t.text()).isEqualTo("hello world");
        assertThat(Transcripts.srt(t)).isEqualTo("1\n00:00:00,000 --> 00:00:03,500\nhello world\n\n");
        assertThat(Transcripts.text("\n", 1).segments()).isEmpty();
    }

    @Test
    void verboseJson_hasOpenAisFields_andWordsOnlyWhenAsked() {
        var t = Transcripts.timedWords(TIMED, 4.2);
        var v = Transcripts.verboseJson(t, "en", false);
        assertThat(v.path("task").asText()).isEqualTo("transcribe");
        assertThat(v.path("duration").asDouble()).isEqualTo(4.2);
        assertThat(v.path("segments").get(1).path("id").asInt()).isEqualTo(1);
        assertThat(v.has("words")).isFalse();
        assertThat(Transcripts.verboseJson(t, "en", true).path("words").size()).isEqualTo(6);
        assertThat(Transcripts.time(3725.5, ',')).isEqualTo("01:02:05,500");
    }
}
