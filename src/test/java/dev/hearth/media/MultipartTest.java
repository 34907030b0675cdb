package dev.hearth.media;

import dev.hearth.PayloadTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** multipart/form-data bodies as LightX2V's /v1/tasks/form and OpenAI's input_reference send them. */
class MultipartTest {
    private static final String BOUNDARY = "----hearthBoundary7MA4YWxkTrZu0gW";
    private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private static final byte[] PNG = TestImages.png();

    @TempDir
    Path data;

    private static byte[] body(byte[] file) throws IOException {
        var out = new ByteArrayOutputStream();
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n"
                + "a cat surfing, golden hour ☀\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"infer_steps\"\r\n\r\n"
                + "40\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"cat.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(file);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void parseMultipart_givesFieldsAndFile_whenBodyIsWellFormed() throws IOException {
        byte[] body = body(PNG);
        Inputs inputs = new Inputs(data, MediaLimits.defaults());

        Path temp;
        try (Multipart.Form form = inputs.parseMultipart(new ByteArrayInputStream(body), TYPE, body.length)) {
            temp = form.tempDir();
            assertThat(form.fields()).containsEntry("prompt", "a cat surfing, golden hour ☀").containsEntry("infer_steps", "40");
            Multipart.Upload up = form.files().get("image_file");
            assertThat(up.filename()).isEqualTo("cat.png");
            assertThat(up.size()).isEqualTo(PNG.length);

            StoredInput in = inputs.fromUpload("job7", up);

            assertThat(in.path()).isEqualTo(data.resolve("inputs/job7/image_file.png"));
            assertThat(Files.readAllBytes(in.path())).isEqualTo(PNG);
        }
        assertThat(temp).doesNotExist();
    }

    @Test
    void parseMultipart_answers413_whenFileOverCap() throws IOException {
        byte[] body = body(PNG);
        Inputs inputs = new Inputs(data, MediaLimits.defaults().withMaxBytes(PNG.length - 1));

        // unknown length (-1), as with a chunked request: the cap holds while streaming
        assertThatThrownBy(() -> inputs.parseMultipart(new ByteArrayInputStream(body), TYPE, -1))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.param()).isEqualTo("image_file");
                });
    }

    // regression: the 64-part cap was set on commons-fileupload, which applies it only to parseRequest()
    @Test
    void Multipart_answers413NamingTheLimit_whenTheFormHasMoreThan64Parts() {
        var out = new StringBuilder();
        for (int i = 0; i < 70; i++) {
            out.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"f").append(i)
                    .append("\"\r\n\r\nx\r\n");
        }
        byte[] body = out.append("--").append(BOUNDARY).append("--\r\n").toString().getBytes(StandardCharsets.UTF_8);
        Inputs inputs = new Inputs(data, MediaLimits.defaults());

        assertThatThrownBy(() -> inputs.parseMultipart(new ByteArrayInputStream(body), TYPE, body.length))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("more than 64 parts");
                });
    }

    @Test
    void parseMultipart_answers413_whenContentLengthFarOverCap() throws IOException {
        byte[] body = body(PNG);
        Inputs inputs = new Inputs(data, MediaLimits.defaults().withMaxBytes(10));

        assertThatThrownBy(() -> inputs.parseMultipart(new ByteArrayInputStream(body), TYPE, 10L * 1024 * 1024 * 1024))
                .isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void fromUpload_refuses_whenFileIsNotAnImage() throws IOException {
        byte[] body = body("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
        Inputs inputs = new Inputs(data, MediaLimits.defaults());

        try (Multipart.Form form = inputs.parseMultipart(new ByteArrayInputStream(body), TYPE, body.length)) {
            assertThatThrownBy(() -> inputs.fromUpload("job7", form.files().get("image_file")))
                    .isInstanceOfSatisfying(dev.hearth.BadRequestException.class,
                            e -> assertThat(e.param()).isEqualTo("image_file"));
        }
    }

    @Test
    void parseMultipart_refuses_whenNotMultipart() {
        Inputs inputs = new Inputs(data, MediaLimits.defaults());

        assertThatThrownBy(() -> inputs.parseMultipart(new ByteArrayInputStream(new byte[0]), "application/json", 0))
                .isInstanceOf(dev.hearth.BadRequestException.class);
    }

    @Test
    void parseMultipart_joinsARepeatedArrayField_withCommas_andKeepsTheLastOfAnotherField() throws IOException {
        var out = new ByteArrayOutputStream();
        for (String[] f : new String[][] {{"timestamp_granularities[]", "word"}, {"timestamp_granularities[]", "segment"},
                {"model", "a"}, {"model", "b"}}) {
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1]
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] body = out.toByteArray();
        try (Multipart.Form form = new Inputs(data, MediaLimits.defaults())
                .parseMultipart(new ByteArrayInputStream(body), TYPE, body.length)) {
            assertThat(form.fields()).containsEntry("timestamp_granularities[]", "word,segment").containsEntry("model", "b");
        }
    }
}
