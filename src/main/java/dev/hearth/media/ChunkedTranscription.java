package dev.hearth.media;

import dev.hearth.media.AudioChunks.Chunk;
import dev.hearth.media.Transcripts.Transcript;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A recording transcribed piece by piece ({@link AudioChunks}) by any engine: each piece's words
 * are moved to their place in the whole, and a listener hears after each piece how far it got —
 * a job's progress by audio time, a stream's next delta.
 */
public final class ChunkedTranscription {
    private ChunkedTranscription() {}

    /** Transcribes one piece, a file in the engine's input format; times relative to the piece. */
    @FunctionalInterface
    public interface Engine {
        Transcript transcribe(Path piece, double seconds);
    }

    /** Hears each piece's transcript (times already in the whole) and the seconds done of the total. */
    @FunctionalInterface
    public interface Listener {
        void piece(Transcript piece, double doneSeconds, double totalSeconds);
    }

    /**
     * @param pcm    the whole recording as {@link AudioChunks#decode} wrote it
     * @param every  about how long a piece is, in seconds
     * @param format what the engine reads (wav, raw, flac, mp3, ogg)
     * @param work   a directory for the pieces, each deleted once transcribed
     * @param stop   checked before each piece: true ends the run with a {@link CancellationException}
     */
    public static Transcript run(Path pcm, double every, String format, Path work, Engine engine, Listener listener,
                                 BooleanSupplier stop) {
        try {
            double total = Files.size(pcm) / (double) AudioChunks.BYTES_PER_SECOND;
            List<Chunk> chunks = AudioChunks.plan(pcm, every);
            List<Transcript> done = new ArrayList<>();
            List<Double> offsets = new ArrayList<>();
            for (Chunk c : chunks) {
                if (stop.getAsBoolean()) throw new CancellationException("stopped");
                Path piece = AudioChunks.write(pcm, c, work, format);
                Transcript t;
                try {
                    t = engine.transcribe(piece, c.seconds());
                } finally {
                    Files.deleteIfExists(piece);
                }
                done.add(t);
                offsets.add(c.start());
                Transcript placed = Transcripts.join(List.of(t), List.of(c.start()), c.seconds());
                listener.piece(placed, c.start() + c.seconds(), total);
            }
            return Transcripts.join(done, offsets, total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
