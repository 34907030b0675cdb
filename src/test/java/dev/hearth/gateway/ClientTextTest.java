package dev.hearth.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages written for the operator, as a client is shown them. */
class ClientTextTest {
    // regression: 502 bodies carried 1.6 KB of the engine's log, which holds other users' prompts
    @Test
    void ClientText_dropsTheEngineLogLines_andPointsAdminsToTheLogRoute_whenAnEngineFailed() {
        String m = "Engine for model 'qwen' exited with code 1 while starting. Last log lines:\n"
                + "INFO prompt: 'my secret plan'\nCUDA error: out of memory";

        assertThat(ClientText.of(m, null)).isEqualTo("Engine for model 'qwen' exited with code 1 while starting."
                + " The engine's log is at /api/models/qwen/logs (admins).");
    }

    @Test
    void ClientText_pointsToTheLogOfTheEngineThatFailed_whenAJobsErrorNamesAnotherModelFirst() {
        String m = "The prompt enhancer model 'writer' could not be used: Engine for model 'writer' exited with"
                + " code 3 while starting. Last log lines:\nno such weights";

        assertThat(ClientText.of(m, "video-model")).endsWith("The engine's log is at /api/models/writer/logs (admins).");
    }

    @Test
    void ClientText_dropsLowerCaseLogLineBlocks_tooAsTheCrashReasonWritesThem() {
        assertThat(ClientText.of("Engine for model 'm' exited with code 137; last log lines:\nsecret", "m"))
                .isEqualTo("Engine for model 'm' exited with code 137. The engine's log is at /api/models/m/logs (admins).");
    }

    // regression: job errors showed absolute server paths (the data dir's layout)
    @Test
    void ClientText_keepsOnlyTheFileName_whenAMessageNamesAnAbsolutePath() {
        assertThat(ClientText.of("cannot decode /srv/hearth/data/inputs/j_1/image.png: bad header", "m"))
                .isEqualTo("cannot decode …/image.png: bad header");
        assertThat(ClientText.of("Cannot run program \"/opt/venv/bin/python3\": error=2", "m"))
                .isEqualTo("Cannot run program \"…/python3\": error=2");
    }

    @Test
    void ClientText_leavesUrlsRoutesAndPlainText_whenThereIsNoServerPath() {
        String m = "could not fetch https://example.com/a/b.png (HTTP 404); see GET /v1/jobs/j_1 and /api/models/m/logs";

        assertThat(ClientText.of(m, "m")).isEqualTo(m);
        assertThat(ClientText.of("ratio 16/9 and 1/2", "m")).isEqualTo("ratio 16/9 and 1/2");
        assertThat(ClientText.of(null, "m")).isNull();
    }
}
