package dev.hearth.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.EngineKind;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.jobs.JobService.InputSource;
import dev.hearth.media.AudioInputs;
import dev.hearth.media.BlobStore;
import dev.hearth.media.BlobStoreException;
import dev.hearth.media.Inputs;
import dev.hearth.media.StoredInput;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A submission's input files, checked and stored under the job's id before it is queued: images by
 * the media package's image rules, a transcribe job's recording by its own (ffprobe, the audio cap),
 * each named in the job's row by its key under the blob directory.
 */
final class JobInputs {
    private final Inputs images;
    private final AudioInputs recordings;
    private final BlobStore blobs;

    JobInputs(Inputs images, AudioInputs recordings, BlobStore blobs) {
        this.images = images;
        this.recordings = recordings;
        this.blobs = blobs;
    }

    AudioInputs recordings() { return recordings; }

    /**
     * Stores each input; a recording's length goes into {@code params} ({@link JobParams#AUDIO_SECONDS}).
     *
     * Each is published to the blob store, and this node's copy released, before the job is queued:
     * whichever node runs it reads them from there.
     *
     * @return the stored files' keys by input name
     */
    Map<String, String> store(String id, Map<String, InputSource> given, boolean transcription, ObjectNode params) {
        Map<String, String> stored = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (var in : given.entrySet()) {
            if (transcription && in.getKey().equals("audio")) {
                AudioInputs.StoredAudio audio = switch (in.getValue()) {
                    case InputSource.Reference r -> recordings.fromReference(id, r.field() == null ? "audio" : r.field(),
                            r.value());
                    case InputSource.Upload u -> recordings.fromUpload(id, u.upload());
                };
                stored.put("audio", blobs.key(audio.input().path()));
                files.add(audio.input().path());
                params.put(JobParams.AUDIO_SECONDS, Math.round(audio.seconds() * 1000) / 1000.0);
            } else {
                StoredInput image = switch (in.getValue()) {
                    case InputSource.Reference r -> images.fromReference(id, r.field() == null ? in.getKey() : r.field(),
                            r.value());
                    case InputSource.Upload u -> images.fromUpload(id, u.upload());
                };
                stored.put(in.getKey(), blobs.key(image.path()));
                files.add(image.path());
            }
        }
        try {
            for (Path f : files) blobs.publish(f);
        } catch (IOException e) {
            throw new BlobStoreException("The job's inputs could not be stored in the blob store; try again in a"
                    + " moment.", e);
        }
        if (!files.isEmpty()) blobs.release(id);
        return stored;
    }

    /**
     * The job tasks a model serves, checked at the door. A command model translates only when its
     * command takes ${TASK}; a worker refuses a task it did not announce itself.
     */
    static List<String> tasks(ModelSpec spec) {
        return switch (spec.task()) {
            case VIDEO -> List.of("t2v", "i2v");
            case TRANSCRIPTION -> spec.engine() == EngineKind.COMMAND && !CommandSettings.of(spec).template().uses("TASK")
                    ? List.of("transcribe") : List.of("transcribe", "translate");
            case CHAT, COMPLETION, EMBEDDINGS, SPEECH, OCR -> List.of();
        };
    }
}
