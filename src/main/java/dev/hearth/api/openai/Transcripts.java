package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transcription engine's output, read ({@code text} or {@code timed_words}) and written in
 * OpenAI's response formats: json, text, srt, vtt, verbose_json.
 */
final class Transcripts {
    private Transcripts() {}

    static final List<String> FORMATS = List.of("json", "text", "srt", "vtt", "verbose_json");

    record Word(String word, double start, double end) {}

    /** One utterance; {@code start}/{@code end} are -1 when the engine gave no times. */
    record Segment(String text, double start, double end, List<Word> words) {}

    record Transcript(String text, List<Segment> segments, double duration) {}

    /** "word start end [confidence]", as pocketsphinx_continuous -time yes prints each word. */
    private static final Pattern TIMED = Pattern.compile("(\\S+) (\\d+(?:\\.\\d+)?) (\\d+(?:\\.\\d+)?)(?: \\S+)?");
    /** pocketsphinx's alternative pronunciations: "forward(2)". */
    private static final Pattern VARIANT = Pattern.compile("\\(\\d+\\)$");

    /** Plain text: one segment spanning the whole audio. */
    static Transcript text(String output, double duration) {
        String text = output.strip().replaceAll("\\s+", " ");
        List<Segment> one = text.isEmpty() ? List.of() : List.of(new Segment(text, 0, duration, List.of()));
        return new Transcript(text, one, duration);
    }

    /** Text lines, each followed by its words' times; silence and noise markers are dropped. */
    static Transcript timedWords(String output, double duration) {
        List<Segment> segments = new ArrayList<>();
        String text = null;
        List<Word> words = new ArrayList<>();
        double start = -1;
        double end = -1;
        for (String raw : output.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            Matcher m = TIMED.matcher(line);
            if (m.matches() && text != null) {
                double s = Double.parseDouble(m.group(2));
                double e = Double.parseDouble(m.group(3));
                String w = VARIANT.matcher(m.group(1)).replaceFirst("");
                if (w.startsWith("<") || w.startsWith("[") || w.startsWith("+")) continue;
                words.add(new Word(w, s, e));
                start = start < 0 ? s : start;
                end = e;
            } else {
                if (text != null) segments.add(new Segment(text, start, end, List.copyOf(words)));
                text = line.replaceAll("\\s+", " ");
                words.clear();
                start = -1;
                end = -1;
            }
        }
        if (text != null) segments.add(new Segment(text, start, end, List.copyOf(words)));
        // a segment without times is placed after the previous one
        List<Segment> timed = new ArrayList<>();
        double at = 0;
        for (Segment s : segments) {
            double st = s.start() >= 0 ? s.start() : at;
            double en = s.end() >= 0 ? s.end() : Math.max(st, duration);
            timed.add(new Segment(s.text(), st, en, s.words()));
            at = en;
        }
        String all = String.join(" ", timed.stream().map(Segment::text).toList());
        return new Transcript(all, timed, duration);
    }

    static ObjectNode json(Transcript t) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("text", t.text());
        return o;
    }

    static ObjectNode verboseJson(Transcript t, String language, boolean words) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("task", "transcribe");
        o.put("language", language == null ? "" : language);
        o.put("duration", round(t.duration()));
        o.put("text", t.text());
        ArrayNode segments = o.putArray("segments");
        int id = 0;
        for (Segment s : t.segments()) {
            ObjectNode n = segments.addObject();
            n.put("id", id++);
            n.put("seek", 0);
            n.put("start", round(s.start()));
            n.put("end", round(s.end()));
            n.put("text", s.text());
            n.putArray("tokens");
            n.put("temperature", 0.0);
            n.put("avg_logprob", 0.0);
            n.put("compression_ratio", 0.0);
            n.put("no_speech_prob", 0.0);
        }
        if (words) {
            ArrayNode list = o.putArray("words");
            for (Segment s : t.segments()) {
                for (Word w : s.words()) {
                    list.addObject().put("word", w.word()).put("start", round(w.start())).put("end", round(w.end()));
                }
            }
        }
        return o;
    }

    static String srt(Transcript t) {
        StringBuilder out = new StringBuilder();
        int i = 1;
        for (Segment s : t.segments()) {
            out.append(i++).append('\n').append(time(s.start(), ',')).append(" --> ").append(time(s.end(), ','))
                    .append('\n').append(s.text()).append("\n\n");
        }
        return out.toString();
    }

    static String vtt(Transcript t) {
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        for (Segment s : t.segments()) {
            out.append(time(s.start(), '.')).append(" --> ").append(time(s.end(), '.')).append('\n')
                    .append(s.text()).append("\n\n");
        }
        return out.toString();
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** 00:00:01,250 (srt) or 00:00:01.250 (vtt). */
    static String time(double seconds, char separator) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                separator, ms % 1000);
    }
}
