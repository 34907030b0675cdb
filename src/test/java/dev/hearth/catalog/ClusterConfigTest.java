package dev.hearth.catalog;

import dev.hearth.config.ClusterConfig;
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

    @Test
    void aBucket_isReadFromBlobDir_withItsEndpointAndRegion() {
        HearthConfig c = ConfigFiles.load(dir, """
                server:
                  database: "jdbc:postgresql://db:5432/hearth"
                  blob_dir: s3://hearth-media/prod/jobs
                  s3_endpoint: http://minio.lan:9000
                  s3_region: eu-west-1
                models: {}
                """);
        assertThat(c.cluster().bucket()).isEqualTo(new ClusterConfig.Bucket("hearth-media", "prod/jobs",
                URI.create("http://minio.lan:9000"), "eu-west-1"));
        assertThat(c.cluster().blobDir()).isNull();
        assertThat(c.cluster().blobs(c.server().dataDir())).isEqualTo(c.server().dataDir());
    }

    @Test
    void aBadBucketName_andS3SettingsWithoutABucket_areRefused() {
        assertThat(ConfigFiles.refused(dir, """
                server:
                  database: "jdbc:postgresql://db:5432/hearth"
                  blob_dir: s3://Bad_Bucket
                models: {}
                """).getMessage()).contains("server.blob_dir: expected s3://bucket or s3://bucket/prefix");
        assertThat(ConfigFiles.refused(dir, """
                server:
                  database: "jdbc:postgresql://db:5432/hearth"
                  blob_dir: /mnt/shared
                  s3_endpoint: http://minio.lan:9000
                models: {}
                """).getMessage()).contains("server.s3_endpoint: only for a bucket");
        assertThat(ConfigFiles.refused(dir, """
                server:
                  blob_dir: s3://hearth-media
                models: {}
                """).getMessage()).contains("server.blob_dir: only for several nodes sharing one PostgreSQL");
    }
}
