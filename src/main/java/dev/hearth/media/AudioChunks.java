package dev.hearth.media;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A long recording cut into pieces an engine transcribes one at a time: decoded once to 16 kHz
 * mono 16-bit PCM, cut near every {@code every} seconds at the quietest moment of the last quarter
 * before each cut (so a word is rarely split), each piece written in the format its engine reads.
 */
public final class AudioChunks {
    public static final int RATE = 16_000;
    public static final int BYTES_PER_SECOND = RATE * 2;
    /** Energy is measured per 100 ms window. */
    private static final int WINDOW_BYTES = BYTES_PER_SECOND / 10;

    private AudioChunks() {}

    /** One piece: bytes {@code from} (inclusive) to {@code to} (exclusive) of the PCM. */
    public record Chunk(int index, long from, long to) {
        public double start() { return from / (double) BYTES_PER_SECOND; }

        public double seconds() { return (to - from) / (double) BYTES_PER_SECOND; }
    }

    /**
     * Any audio ffmpeg reads, as raw PCM at {@code pcm}; its length in seconds.
     *
     * @throws dev.hearth.BadRequestException naming {@code field} when ffmpeg finds no audio in it
     */
    public static double decode(String field, Path in, Path pcm) throws IOException {
        Ffmpeg.toEngineAudio(field, in, pcm, "raw");
        return Files.size(pcm) / (double) BYTES_PER_SECOND;
    }

    /**
     * The pieces of a PCM file of about {@code every} seconds each. A recording up to a quarter
     * longer than {@code every} stays whole.
     */
    public static List<Chunk> plan(Path pcm, double every) throws IOException {
        long size = Files.size(pcm) & ~1L;
        long target = Math.max(WINDOW_BYTES, Math.round(every * BYTES_PER_SECOND) / WINDOW_BYTES * WINDOW_BYTES);
        List<Chunk> chunks = new ArrayList<>();
        if (size <= target + target / 4) {
            chunks.add(new Chunk(0, 0, size));
            return chunks;
        }
        double[] energy = energies(pcm, size);
        long from = 0;
        while (size - from > target + target / 4) {
            int last = (int) ((from + target) / WINDOW_BYTES);   // the window that ends at the target
            int first = (int) ((from + target - target / 4) / WINDOW_BYTES);
            int quietest = last - 1;
            for (int w = last - 1; w >= first; w--) {
                if (energy[w] < energy[quietest]) quietest = w;
            }
            long cut = (long) quietest * WINDOW_BYTES + WINDOW_BYTES / 2;
            chunks.add(new Chunk(chunks.size(), from, cut));
            from = cut;
        }
        chunks.add(new Chunk(chunks.size(), from, size));
        return chunks;
    }

    /** Mean square of each 100 ms window, read in one pass. */
    private static double[] energies(Path pcm, long size) throws IOException {
        double[] energy = new double[(int) (size / WINDOW_BYTES) + 1];
        byte[] window = new byte[WINDOW_BYTES];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(pcm), 1 << 16)) {
            for (int w = 0; w < energy.length; w++) {
                int n = in.readNBytes(window, 0, WINDOW_BYTES) & ~1;
                if (n == 0) break;
                ByteBuffer samples = ByteBuffer.wrap(window, 0, n).order(ByteOrder.LITTLE_ENDIAN);
                double sum = 0;
                for (int i = 0; i < n / 2; i++) {
                    double s = samples.getShort();
                    sum += s * s;
                }
                energy[w] = sum / (n / 2.0);
            }
        }
        return energy;
    }

    /**
     * One piece as the file an engine reads: {@code raw} (the PCM as it is), {@code wav} (with its
     * header), or flac, mp3, ogg (encoded by ffmpeg from the WAV).
     */
    public static Path write(Path pcm, Chunk chunk, Path dir, String format) throws IOException {
        Path wav = dir.resolve("chunk-" + chunk.index() + (format.equals("raw") ? ".raw" : ".wav"));
        try (FileChannel src = FileChannel.open(pcm, StandardOpenOption.READ);
             OutputStream out = Files.newOutputStream(wav)) {
            long length = chunk.to() - chunk.from();
            if (!format.equals("raw")) out.write(wavHeader(length));
            out.flush();
            try (FileChannel dst = FileChannel.open(wav, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                long done = 0;
                while (done < length) done += src.transferTo(chunk.from() + done, length - done, dst);
            }
        }
        if (format.equals("raw") || format.equals("wav")) return wav;
        Path encoded = dir.resolve("chunk-" + chunk.index() + "." + format);
        Ffmpeg.toEngineAudio("audio", wav, encoded, format);
        Files.deleteIfExists(wav);
        return encoded;
    }

    /** Removes a work directory of pieces and everything in it; a failure only leaves files behind. */
    public static void discard(Path dir) {
        try {
            Files2.deleteTree(dir);
        } catch (IOException e) {
            // retention removes the job's directories later
        }
    }

    /** A 44-byte RIFF header for 16 kHz mono 16-bit PCM of {@code dataBytes}. */
    static byte[] wavHeader(long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
        b.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(RATE).putInt(BYTES_PER_SECOND).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.array();
    }
}
