package dev.hearth.media;

import dev.hearth.BadRequestException;
import dev.hearth.PayloadTooLargeException;
import dev.hearth.media.TestPdfs.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** PDFs drawn page by page with PDFBox, and the PDFs and limits that are refused. */
class PdfPagesTest {
    @TempDir
    Path dir;

    private Path write(byte[] pdf) throws IOException {
        return Files.write(Files.createTempFile(dir, "doc", ".pdf"), pdf);
    }

    @Test
    void render_drawsEachPageAt300Dpi_asAGreyPng() throws IOException {
        Path pdf = write(TestPdfs.pdf(new Page.Text("first"), new Page.Picture("second")));
        try (PdfPages pages = PdfPages.open("file", pdf)) {
            assertThat(pages.count()).isEqualTo(2);
            PdfPages.Rendered second = pages.render(1, dir.resolve("p1/page.png"), "png");
            assertThat(second.index()).isEqualTo(1);
            assertThat(second.dpi()).isEqualTo(300);
            assertThat(second.width()).isEqualTo(2550); // 8.5 in x 300
            assertThat(second.height()).isEqualTo(900); // 3 in x 300
            BufferedImage image = ImageIO.read(second.file().toFile());
            assertThat(image.getWidth()).isEqualTo(second.width());
            assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
            assertThat(MediaType.sniff(Files.readAllBytes(second.file()))).contains(MediaType.PNG);
            PdfPages.Rendered jpeg = pages.render(0, dir.resolve("p0/page.jpg"), "jpg");
            assertThat(MediaType.sniff(Files.readAllBytes(jpeg.file()))).contains(MediaType.JPEG);
        }
    }

    @Test
    void scale_staysUnderThePixelCap_forAHugeOrLongPage() {
        float a0 = PdfPages.scale(2384, 3370); // A0: 139 million pixels at 300 DPI
        assertThat((double) 2384 * a0 * 3370 * a0).isLessThanOrEqualTo(PdfPages.MAX_PIXELS);
        assertThat(a0 * 72).isLessThan(300);
        float strip = PdfPages.scale(14400, 20); // 200 in long, under 0.3 in high
        assertThat(14400 * strip).isLessThanOrEqualTo(30_000);
        assertThat(PdfPages.scale(612, 792) * 72).isCloseTo(300f, within(0.001f)); // Letter fits at 300 DPI
    }

    @Test
    void open_refusesAPasswordProtectedPdf_namingTheField() throws IOException {
        Path pdf = write(TestPdfs.encrypted(new Page.Text("secret")));
        assertThatThrownBy(() -> PdfPages.open("document", pdf)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("encrypted").extracting("param").isEqualTo("document");
    }

    @Test
    void open_refusesATruncatedPdf_namingTheField() throws IOException {
        Path pdf = write(TestPdfs.truncated());
        assertThatThrownBy(() -> PdfPages.open("file", pdf)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("file: ").extracting("param").isEqualTo("file");
    }

    @Test
    void render_stopsAPageStillDrawingAtTheDeadline() throws IOException {
        Path pdf = write(TestPdfs.pdf(new Page.Text("slow")));
        try (PdfPages pages = PdfPages.open("file", pdf, Duration.ZERO)) {
            assertThatThrownBy(() -> pages.render(0, dir.resolve("page.png"), "png"))
                    .isInstanceOf(BadRequestException.class).hasMessageContaining("too complex");
        }
    }

    @Test
    void render_refusesAnImageOverTheCap_beforeDecodingIt() throws IOException {
        Path pdf = write(TestPdfs.pdf(new Page.HugeImage(20_000)));
        try (PdfPages pages = PdfPages.open("file", pdf)) {
            assertThatThrownBy(() -> pages.render(0, dir.resolve("page.png"), "png"))
                    .isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("20000x20000");
        }
    }

    @Test
    void sniff_knowsAPdf_whichOnlyRoutesThatAskForItAccept() throws IOException {
        byte[] pdf = TestPdfs.pdf(new Page.Blank());
        assertThat(MediaType.sniff(pdf)).contains(MediaType.PDF);
        assertThat(MediaType.PDF.isImage()).isFalse();
        Inputs inputs = new Inputs(dir, MediaLimits.defaults());
        String uri = "data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf);
        // a video job's image: a PDF is refused, whether declared or only sniffed
        assertThatThrownBy(() -> inputs.fromReference("job", "image", uri)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("is not image/png, image/jpeg, image/webp or image/gif");
        assertThatThrownBy(() -> inputs.fromReference("job", "image", Base64.getEncoder().encodeToString(pdf)))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("not a PNG, JPEG, WebP or GIF image");
        StoredInput stored = inputs.fromReference("ocr", "document", uri, MediaType.IMAGES_AND_PDF);
        assertThat(stored.contentType()).isEqualTo("application/pdf");
        assertThat(stored.path().getFileName().toString()).isEqualTo("document.pdf");
        assertThatThrownBy(() -> inputs.fromReference("ocr", "document", "data:text/plain;base64,aGk=",
                MediaType.IMAGES_AND_PDF)).hasMessageContaining("image/gif or application/pdf");
    }
}
