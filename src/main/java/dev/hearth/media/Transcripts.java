package dev.hearth.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transcript: read from an engine ({@code text}, {@code timed_words}, or an OpenAI-compatible
 * server's verbose_json), joined from the chunks of a long recording, and written in OpenAI's
 * response formats: json, text, srt, vtt, verbose_json.
 */
public final class Transcripts {
    private Transcripts() {}

    public static final List<String> FORMATS = List.of("json", "text", "srt", "vtt", "verbose_json");

    public record Word(String word, double start, double end) {
        Word shifted(double by) { return new Word(word, start + by, end + by); }
    }

    /** One utterance; {@code start}/{@code end} are -1 when the engine gave no times. */
    public record Segment(String text, double start, double end, List<Word> words) {
        public Segment {
            words = List.copyOf(words);
        }

        Segment shifted(double by) {
            return new Segment(text, start + by, end + by, words.stream().map(w -> w.shifted(by)).toList());
        }
    }

    /**
     * @param language what the engine detected or was told, or null
     * @param task     transcribe or translate (into English)
     */
    public record Transcript(String text, List<Segment> segments, double duration, String language, String task) {
        public Transcript {
            segments = List.copyOf(segments);
        }

        public Transcript(String text, List<Segment> segments, double duration) {
            this(text, segments, duration, null, "transcribe");
        }

        public Transcript with(String language, String task) {
            return new Transcript(text, segments, duration, language, task);
        }

        /** Whether any segment carries word times. */
        public boolean hasWords() {
            return segments.stream().anyMatch(s -> !s.words().isEmpty());
        }
    }

    /** "word start end [confidence]", as pocketsphinx_continuous -time yes prints each word. */
    private static final Pattern TIMED = Pattern.compile("(\\S+) (\\d+(?:\\.\\d+)?) (\\d+(?:\\.\\d+)?)(?: \\S+)?");
    /** pocketsphinx's alternative pronunciations: "forward(2)". */
    private static final Pattern VARIANT = Pattern.compile("\\(\\d+\\)$");

    /** A command's output in its model's output_format ({@code timed_words}, else plain text). */
    public static Transcript of(String outputFormat, String output, double duration) {
        return outputFormat.equals("timed_words") ? timedWords(output, duration) : text(output, duration);
    }

    /** Plain text: one segment spanning the whole audio. */
    public static Transcript text(String output, double duration) {
        String text = output.strip().replaceAll("\\s+", " ");
        List<Segment> one = text.isEmpty() ? List.of() : List.of(new Segment(text, 0, duration, List.of()));
        return new Transcript(text, one, duration);
    }

    /** Text lines, each followed by its words' times; silence and noise markers are dropped. */
    public static Transcript timedWords(String output, double duration) {
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
        return placed(segments, duration);
    }

    /** A segment without times is placed after the previous one. */
    private static Transcript placed(List<Segment> segments, double duration) {
        List<Segment> timed = new ArrayList<>();
        double at = 0;
        for (Segment s : segments) {
            double st = s.start() >= 0 ? s.start() : at;
            double en = s.end() >= 0 ? s.end() : Math.max(st, duration);
            timed.add(new Segment(s.text(), st, en, s.words()));
            at = en;
        }
        return new Transcript(joined(timed), timed, duration);
    }

    /**
     * An OpenAI-compatible server's answer: verbose_json (segments, words) or json (text only,
     * one segment over the whole audio). Missing times are placed like {@link #timedWords}'s.
     */
    public static Transcript fromJson(JsonNode answer, double duration) {
        List<Segment> segments = new ArrayList<>();
        List<Word> words = new ArrayList<>();
        for (JsonNode w : answer.path("words")) {
            words.add(new Word(w.path("word").asText("").strip(), w.path("start").asDouble(-1), w.path("end").asDouble(-1)));
        }
        for (JsonNode s : answer.path("segments")) {
            double start = s.path("start").asDouble(-1);
            double end = s.path("end").asDouble(-1);
            List<Word> inside = words.stream().filter(w -> w.start() >= start && w.end() <= end + 0.001).toList();
            segments.add(new Segment(s.path("text").asText("").strip(), start, end, inside));
        }
        String text = answer.path("text").asText("").strip();
        if (segments.isEmpty() && !text.isEmpty()) segments.add(new Segment(text, 0, duration, words));
        Transcript t = placed(segments, duration);
        String language = answer.path("language").asText(null);
        return new Transcript(text.isEmpty() ? t.text() : text, t.segments(), duration,
                language == null || language.isBlank() ? null : language, "transcribe");
    }

    /** The chunks of one recording, each with its offset into it, as one transcript. */
    public static Transcript join(List<Transcript> chunks, List<Double> offsets, double duration) {
        List<Segment> all = new ArrayList<>();
        String language = null;
        for (int i = 0; i < chunks.size(); i++) {
            double by = offsets.get(i);
            chunks.get(i).segments().forEach(s -> all.add(s.shifted(by)));
            if (language == null) language = chunks.get(i).language();
        }
        String task = chunks.isEmpty() ? "transcribe" : chunks.getFirst().task();
        return new Transcript(joined(all), all, duration, language, task);
    }

    private static String joined(List<Segment> segments) {
        return String.join(" ", segments.stream().map(Segment::text).filter(t -> !t.isEmpty()).toList());
    }

    public static ObjectNode json(Transcript t) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("text", t.text());
        return o;
    }

    /** OpenAI's verbose_json; {@code words} adds the word list (timestamp_granularities[]=word). */
    public static ObjectNode verboseJson(Transcript t, String language, boolean words) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("task", t.task());
        String lang = language != null ? language : t.language();
        o.put("language", lang == null ? "" : lang);
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

    public static String srt(Transcript t) {
        StringBuilder out = new StringBuilder();
        int i = 1;
        for (Segment s : t.segments()) {
            out.append(i++).append('\n').append(time(s.start(), ',')).append(" --> ").append(time(s.end(), ','))
                    .append('\n').append(s.text()).append("\n\n");
        }
        return out.toString();
    }

    public static String vtt(Transcript t) {
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
    public static String time(double seconds, char separator) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                separator, ms % 1000);
    }
}
