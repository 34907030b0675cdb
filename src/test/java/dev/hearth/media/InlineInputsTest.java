package dev.hearth.media;

import dev.hearth.PayloadTooLargeException;
import dev.hearth.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Base64, data URIs and local paths: inputs that arrive inside the request. */
class InlineInputsTest {
    private static final String FIELD = "image_path";
    private static final byte[] PNG = TestImages.png();
    private static final byte[] JPEG = TestImages.jpeg();

    @TempDir
    Path data;

    @TempDir
    Path allowed;

    private Inputs inputs(MediaLimits limits) {
        return new Inputs(data, limits);
    }

    private Inputs defaults() {
        return inputs(MediaLimits.defaults());
    }

    @Test
    void fromReference_storesPng_whenDataUri() throws IOException {
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);

        StoredInput in = defaults().fromReference("job1", FIELD, uri);

        assertThat(in.path()).isEqualTo(data.resolve("inputs/job1/image_path.png"));
        assertThat(Files.readAllBytes(in.path())).isEqualTo(PNG);
        assertThat(in.contentType()).isEqualTo("image/png");
    }

    @Test
    void fromReference_storesJpeg_whenBareBase64StartsLikeAPath() throws IOException {
        String b64 = Base64.getEncoder().encodeToString(JPEG);
        assertThat(b64).startsWith("/9j/"); // looks like an absolute path, but is base64

        StoredInput in = defaults().fromReference("job1", FIELD, b64);

        assertThat(in.path().getFileName().toString()).isEqualTo("image_path.jpg");
        assertThat(Files.readAllBytes(in.path())).isEqualTo(JPEG);
    }

    @Test
    void fromReference_acceptsLineWrappedUrlSafeBase64() throws IOException {
        String b64 = Base64.getMimeEncoder().encodeToString(PNG).replace('+', '-').replace('/', '_');

        StoredInput in = defaults().fromReference("job1", FIELD, b64);

        assertThat(Files.readAllBytes(in.path())).isEqualTo(PNG);
    }

    @Test
    void fromReference_refuses_whenDataUriTypeDisagreesWithBytes() {
        String uri = "data:image/gif;base64," + Base64.getEncoder().encodeToString(PNG);

        assertThatThrownBy(() -> defaults().fromReference("job1", FIELD, uri))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo(FIELD))
                .hasMessageContaining("image/gif").hasMessageContaining("image/png");
    }

    @Test
    void fromReference_refuses_whenDataUriIsNotAnImageType() {
        String uri = "data:text/html;base64," + Base64.getEncoder().encodeToString("<b>".getBytes());

        assertThatThrownBy(() -> defaults().fromReference("job1", FIELD, uri))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("text/html");
    }

    @Test
    void fromReference_refuses_whenBase64IsNotAnImage() {
        String b64 = Base64.getEncoder().encodeToString("hello, not an image at all".getBytes());

        assertThatThrownBy(() -> defaults().fromReference("job1", FIELD, b64))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo(FIELD))
                .hasMessageContaining("not a PNG");
        assertThat(data.resolve("inputs/job1")).doesNotExist();
    }

    @Test
    void fromReference_refuses_whenBase64IsMalformed() {
        assertThatThrownBy(() -> defaults().fromReference("job1", FIELD, "data:image/png;base64,@@@notbase64"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("base64");
    }

    @Test
    void fromReference_answers413_whenDecodedImageOverCap() {
        Inputs small = inputs(MediaLimits.defaults().withMaxBytes(PNG.length - 1));
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);

        assertThatThrownBy(() -> small.fromReference("job1", FIELD, uri))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void fromReference_answers413BeforeDecoding_whenTextFarOverCap() {
        Inputs small = inputs(MediaLimits.defaults().withMaxBytes(10));
        String huge = "A".repeat(10_000); // not even a valid image: the size check comes first

        assertThatThrownBy(() -> small.fromReference("job1", FIELD, huge))
                .isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void fromReference_storesLocalFile_whenUnderAllowedDir() throws IOException {
        Path image = Files.write(allowed.resolve("cat.png"), PNG);
        Inputs local = inputs(MediaLimits.defaults().withAllowedDirs(List.of(allowed)));

        StoredInput in = local.fromReference("job1", FIELD, image.toString());

        assertThat(Files.readAllBytes(in.path())).isEqualTo(PNG);
        assertThat(image).exists(); // copied, the client's file is left alone
    }

    @Test
    void fromReference_refusesLocalFile_whenOutsideAllowedDirs() throws IOException {
        Path outside = Files.write(data.resolve("secret.png"), PNG);
        Inputs local = inputs(MediaLimits.defaults().withAllowedDirs(List.of(allowed)));

        assertThatThrownBy(() -> local.fromReference("job1", FIELD, outside.toString()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo(FIELD))
                .hasMessageContaining("not under an allowed directory");
        assertThatThrownBy(() -> local.fromReference("job1", FIELD, allowed + "/../" + outside.getFileName()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("not under an allowed directory");
    }

    @Test
    void fromReference_refusesLocalFile_whenSymlinkLeadsOut() throws IOException {
        Path outside = Files.write(data.resolve("secret.png"), PNG);
        Path link = Files.createSymbolicLink(allowed.resolve("link.png"), outside);
        Inputs local = inputs(MediaLimits.defaults().withAllowedDirs(List.of(allowed)));

        assertThatThrownBy(() -> local.fromReference("job1", FIELD, link.toString()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("not under an allowed directory");
    }

    @Test
    void fromReference_refusesLocalPaths_whenNoDirIsAllowed() throws IOException {
        Path image = Files.write(allowed.resolve("cat.png"), PNG);

        assertThatThrownBy(() -> defaults().fromReference("job1", FIELD, image.toString()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("not accepted");
    }

    @Test
    void dir_refusesJobIds_whenTheyCouldEscape() {
        assertThatThrownBy(() -> defaults().dir("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults().dir("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
