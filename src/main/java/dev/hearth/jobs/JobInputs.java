package dev.hearth.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.EngineKind;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.jobs.JobService.InputSource;
import dev.hearth.media.AudioInputs;
import dev.hearth.media.Inputs;
import dev.hearth.media.StoredInput;

import java.nio.file.Path;
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
    private final Path root;

    JobInputs(Inputs images, AudioInputs recordings, Path root) {
        this.images = images;
        this.recordings = recordings;
        this.root = root;
    }

    AudioInputs recordings() { return recordings; }

    /**
     * Stores each input; a recording's length goes into {@code params} ({@link JobParams#AUDIO_SECONDS}).
     *
     * @return the stored files' keys by input name
     */
    Map<String, String> store(String id, Map<String, InputSource> given, boolean transcription, ObjectNode params) {
        Map<String, String> stored = new LinkedHashMap<>();
        for (var in : given.entrySet()) {
            if (transcription && in.getKey().equals("audio")) {
                AudioInputs.StoredAudio audio = switch (in.getValue()) {
                    case InputSource.Reference r -> recordings.fromReference(id, r.field() == null ? "audio" : r.field(),
                            r.value());
                    case InputSource.Upload u -> recordings.fromUpload(id, u.upload());
                };
                stored.put("audio", BlobKeys.key(root, audio.input().path()));
                params.put(JobParams.AUDIO_SECONDS, Math.round(audio.seconds() * 1000) / 1000.0);
            } else {
                StoredInput image = switch (in.getValue()) {
                    case InputSource.Reference r -> images.fromReference(id, r.field() == null ? in.getKey() : r.field(),
                            r.value());
                    case InputSource.Upload u -> images.fromUpload(id, u.upload());
                };
                stored.put(in.getKey(), BlobKeys.key(root, image.path()));
            }
        }
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
