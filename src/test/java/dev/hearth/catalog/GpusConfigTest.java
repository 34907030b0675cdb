package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import dev.hearth.config.Gpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.hearth.catalog.ConfigFiles.load;
import static dev.hearth.catalog.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code gpus:} (scheduler rule 9): a count, a list of indexes, or the entry's CUDA_VISIBLE_DEVICES. */
class GpusConfigTest {
    @TempDir
    Path dir;

    private static final String BASE = "engine: process\n    cmd: srv --port ${PORT}\n    memory: 1GiB\n    ";

    @Test
    void aCount_aList_theEnvsCudaVisibleDevices_orOneGpuWhereverItFits() {
        HearthConfig c = load(dir, """
                models:
                  two:
                    %1$sgpus: 2
                  pinned:
                    %1$sgpus: [2, 3]
                  from-env:
                    %1$senv: { CUDA_VISIBLE_DEVICES: "1,0" }
                  plain:
                    %1$sidle_unload: 5m
                """.formatted(BASE));

        assertThat(c.models().get("two").sharing().gpus()).isEqualTo(new Gpus(List.of(), 2));
        assertThat(c.models().get("pinned").sharing().gpus()).isEqualTo(new Gpus(List.of(2, 3), 0));
        assertThat(c.models().get("from-env").sharing().gpus().pinned()).containsExactly(1, 0);
        assertThat(c.models().get("plain").sharing().gpus()).isEqualTo(Gpus.ANY_ONE);
    }

    @Test
    void wrongGpus_areRefused_sayingWhatWasExpected() {
        ConfigException e = refused(dir, """
                models:
                  zero:
                    %1$sgpus: 0
                  twice:
                    %1$sgpus: [1, 1]
                  empty:
                    %1$sgpus: []
                """.formatted(BASE));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).endsWith("models.zero.gpus: expected a number of GPUs like 2, or a list of GPU indexes like [0, 1], got \"0\""))
                .anySatisfy(p -> assertThat(p).endsWith("models.twice.gpus: expected a list of distinct GPU indexes like [0, 1], got \"1\""))
                .anySatisfy(p -> assertThat(p).endsWith(
                        "models.empty.gpus: expected a number of GPUs like 2, or a list of GPU indexes like [0, 1], got an empty list"));
    }
}
