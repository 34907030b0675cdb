package dev.hearth.media;

import dev.hearth.BadRequestException;
import dev.hearth.EngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Conversions for audio and OCR models by Debian's ffmpeg: any audio ffmpeg reads into what an
 * engine needs (16 kHz mono 16-bit), an engine's speech into the format a client asked for, an
 * image into PNG or JPEG. Each run has a deadline and is killed past it.
 */
public final class Ffmpeg {
    private static final Duration LIMIT = Duration.ofMinutes(5);
    /** Speech comes back at OpenAI's rate, which every encoder below accepts (Opus refuses 22.05 kHz). */
    private static final String SPEECH_RATE = "24000";

    private Ffmpeg() {}

    /**
     * Before every input: only local files, and only demuxers of plain audio (or images). A user's
     * "audio" that is really an HLS or concat playlist would otherwise make ffmpeg open the URLs or
     * local files it names.
     */
    private static final List<String> AUDIO_INPUT = List.of("-protocol_whitelist", "file", "-format_whitelist",
            "wav,mp3,ogg,flac,mov,matroska,aac,aiff,au,caf,w64,amr,wv,asf,mpeg,mpegts");
    private static final List<String> IMAGE_INPUT = List.of("-protocol_whitelist", "file", "-format_whitelist",
            "png_pipe,jpeg_pipe,webp_pipe,gif,image2");

    /** A speech response format: its content type and ffmpeg's output options. */
    public record Format(String contentType, List<String> args) {}

    /** OpenAI's speech response formats. */
    public static final Map<String, Format> SPEECH_FORMATS = Map.of(
            "mp3", new Format("audio/mpeg", List.of("-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3")),
            "opus", new Format("audio/ogg", List.of("-c:a", "libopus", "-b:a", "32k", "-f", "ogg")),
            "aac", new Format("audio/aac", List.of("-c:a", "aac", "-b:a", "64k", "-f", "adts")),
            "flac", new Format("audio/flac", List.of("-c:a", "flac", "-f", "flac")),
            "wav", new Format("audio/wav", List.of("-c:a", "pcm_s16le", "-f", "wav")),
            "pcm", new Format("audio/pcm", List.of("-c:a", "pcm_s16le", "-f", "s16le")));

    /**
     * An uploaded file as 16 kHz mono 16-bit audio in {@code format} (wav, raw, flac, mp3, ogg).
     *
     * @throws BadRequestException naming {@code field} when ffmpeg finds no audio in it
     */
    public static void toEngineAudio(String field, Path in, Path out, String format) {
        List<String> args = new ArrayList<>(AUDIO_INPUT);
        args.addAll(List.of("-i", in.toString(), "-vn", "-ac", "1", "-ar", "16000"));
        args.addAll(switch (format) {
            case "raw" -> List.of("-c:a", "pcm_s16le", "-f", "s16le");
            case "flac" -> List.of("-c:a", "flac", "-sample_fmt", "s16", "-f", "flac");
            case "mp3" -> List.of("-c:a", "libmp3lame", "-f", "mp3");
            case "ogg" -> List.of("-c:a", "libvorbis", "-f", "ogg");
            default -> List.of("-c:a", "pcm_s16le", "-f", "wav");
        });
        args.add(out.toString());
        if (run(args) != 0) {
            throw new BadRequestException(field + ": not audio that ffmpeg can read", field);
        }
    }

    /** An image as PNG or JPEG ({@code format} png or jpg), its first frame. */
    public static void toImage(String field, Path in, Path out, String format) {
        List<String> args = new ArrayList<>(IMAGE_INPUT);
        args.addAll(List.of("-i", in.toString(), "-frames:v", "1", "-update", "1",
                "-f", "image2", "-c:v", format.equals("jpg") ? "mjpeg" : "png", out.toString()));
        if (run(args) != 0) {
            throw new BadRequestException(field + ": not an image that ffmpeg can read", field);
        }
    }

    /**
     * An engine's speech as {@code format} (a key of {@link #SPEECH_FORMATS}) at 24 kHz mono,
     * played {@code speed} times as fast (1 = as it is).
     *
     * @throws EngineException when ffmpeg cannot read what the engine wrote
     */
    public static void toSpeech(String model, Path in, Path out, String format, double speed) {
        List<String> args = new ArrayList<>(AUDIO_INPUT);
        args.addAll(List.of("-i", in.toString(), "-vn", "-ac", "1", "-ar", SPEECH_RATE));
        if (speed != 1.0) args.addAll(List.of("-filter:a", tempo(speed)));
        args.addAll(SPEECH_FORMATS.get(format).args());
        args.add(out.toString());
        if (run(args) != 0) {
            throw new EngineException("Model '" + model + "' wrote audio that ffmpeg cannot convert to " + format + ".");
        }
    }

    /**
     * Seconds of the first audio stream of a client's file, by ffprobe with the same limits as
     * every input here (local files only, plain audio and video containers).
     *
     * @throws BadRequestException naming {@code field} when ffprobe finds no audio in it
     */
    public static double audioSeconds(String field, Path file) {
        List<String> argv = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        argv.addAll(AUDIO_INPUT);
        argv.addAll(List.of("-select_streams", "a:0", "-show_entries", "stream=codec_type:format=duration",
                "-of", "default=noprint_wrappers=1", file.toString()));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readNBytes(8192), StandardCharsets.UTF_8);
            if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BadRequestException(field + ": ffprobe could not read it in time", field);
            }
            double seconds = 0;
            boolean audio = false;
            for (String line : out.split("\n")) {
                if (line.strip().equals("codec_type=audio")) audio = true;
                if (line.startsWith("duration=")) {
                    try {
                        seconds = Double.parseDouble(line.substring("duration=".length()).strip());
                    } catch (NumberFormatException e) {
                        seconds = 0; // "N/A": a stream of unknown length
                    }
                }
            }
            if (p.exitValue() != 0 || !audio) {
                throw new BadRequestException(field + ": not audio that ffmpeg can read", field);
            }
            return seconds;
        } catch (IOException e) {
            throw new EngineException("ffprobe could not be run: is ffmpeg installed? (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadRequestException(field + ": interrupted while reading it", field);
        }
    }

    /** Seconds of audio in a file, by ffprobe; 0 when it cannot tell. */
    public static double duration(Path file) {
        try {
            Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "format=duration",
                    "-of", "default=noprint_wrappers=1:nokey=1", file.toString()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return 0;
            }
            return p.exitValue() == 0 ? Double.parseDouble(out) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** ffmpeg's atempo takes 0.5 to 2 per stage; 0.25 and 4 take two. */
    static String tempo(double speed) {
        List<String> stages = new ArrayList<>();
        double left = speed;
        while (left < 0.5) { stages.add("atempo=0.5"); left /= 0.5; }
        while (left > 2.0) { stages.add("atempo=2.0"); left /= 2.0; }
        stages.add(String.format(Locale.ROOT, "atempo=%.4f", left));
        return String.join(",", stages);
    }

    /** ffmpeg's exit code; its chatter is discarded (it would only echo the user's file back). */
    private static int run(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
        argv.addAll(args);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new EngineException("ffmpeg could not be run: is it installed? (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
