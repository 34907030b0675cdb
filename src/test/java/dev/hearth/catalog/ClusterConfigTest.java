package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** server.node_id, advertise_url and blob_dir: for several nodes on PostgreSQL only. */
class ClusterConfigTest {
    @TempDir
    Path dir;

    @Test
    void onSqlite_theClusterKeysAreRefused_sayingWhy() {
        ConfigException e = ConfigFiles.refused(dir, """
                server:
                  node_id: gpu-1
                  advertise_url: http://10.0.0.5:8009
                models: {}
                """);
        assertThat(e.getMessage()).contains("server.node_id: only for several nodes sharing one PostgreSQL database")
                .contains("server.advertise_url: only for several nodes");
    }

    @Test
    void onPostgres_theyAreRead_andBlobDirIsResolvedFromTheFile() {
        HearthConfig c = ConfigFiles.load(dir, """
                server:
                  database: "jdbc:postgresql://db:5432/hearth"
                  node_id: gpu-1
                  advertise_url: http://10.0.0.5:8009
                  blob_dir: shared/blobs
                models: {}
                """);
        assertThat(c.cluster().shared()).isTrue();
        assertThat(c.cluster().nodeId()).isEqualTo("gpu-1");
        assertThat(c.cluster().advertiseUrl()).isEqualTo(URI.create("http://10.0.0.5:8009"));
        assertThat(c.cluster().blobDir()).isEqualTo(dir.resolve("shared/blobs").toAbsolutePath().normalize());
        assertThat(c.cluster().blobs(c.server().dataDir())).isEqualTo(c.cluster().blobDir());
    }

    @Test
    void aNodeIdThatIsNotAName_isRefused() {
        assertThat(ConfigFiles.refused(dir, """
                server:
                  database: "jdbc:postgresql://db:5432/hearth"
                  node_id: "gpu 1/a"
                models: {}
                """).getMessage()).contains("server.node_id: expected a name of letters");
    }
}
