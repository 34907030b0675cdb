package dev.hearth.media;

import dev.hearth.BadRequestException;
import dev.hearth.PayloadTooLargeException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.graphics.image.PDImage;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.rendering.PageDrawer;
import org.apache.pdfbox.rendering.PageDrawerParameters;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A client's PDF, opened to render its pages one at a time as grey images for an OCR engine.
 * Every page costs bounded memory and time: it is drawn at {@link #DPI} unless that would exceed
 * {@link #MAX_PIXELS} (then at the DPI that fits), an image inside it larger than
 * {@link #MAX_IMAGE_PIXELS} is refused before it is decoded, and drawing stops at the render timeout.
 * A PDF that needs a password, or that PDFBox cannot parse, is a 400 naming the field.
 */
public final class PdfPages implements AutoCloseable {
    /** Tesseract reads body text best at about 300 DPI. */
    public static final int DPI = 300;
    /** An A3 page at 300 DPI is ~17.4 million pixels; a grey page this size is 25 MB in memory. */
    public static final long MAX_PIXELS = 25_000_000L;
    /** The largest image a page may hold (an 8-bit RGBA one this size is 400 MB decoded). */
    public static final long MAX_IMAGE_PIXELS = 100_000_000L;
    public static final Duration RENDER_TIMEOUT = Duration.ofSeconds(60);

    /** One rendered page: its 0-based index, the image file, and the DPI and size it was drawn at. */
    public record Rendered(int index, Path file, int dpi, int width, int height) {}

    private final String field;
    private final PDDocument document;
    private final Duration renderTimeout;

    private PdfPages(String field, PDDocument document, Duration renderTimeout) {
        this.field = field;
        this.document = document;
        this.renderTimeout = renderTimeout;
    }

    /** Opens the PDF {@code field} names; a caller closes it. */
    public static PdfPages open(String field, Path pdf) {
        return open(field, pdf, RENDER_TIMEOUT);
    }

    public static PdfPages open(String field, Path pdf, Duration renderTimeout) {
        PDDocument document;
        try {
            // decoded streams go to temp files, not the heap: a small PDF can inflate to gigabytes
            document = Loader.loadPDF(pdf.toFile(), IOUtils.createTempFileOnlyStreamCache());
        } catch (InvalidPasswordException e) {
            throw new BadRequestException(field + ": the PDF is encrypted and needs a password to open;"
                    + " send a copy without one.", field);
        } catch (IOException e) {
            throw new BadRequestException(field + ": not a readable PDF (it is damaged or truncated).", field);
        }
        if (document.getNumberOfPages() == 0) {
            close(document);
            throw new BadRequestException(field + ": the PDF has no pages.", field);
        }
        return new PdfPages(field, document, renderTimeout);
    }

    /** How many pages the document has. */
    public int count() {
        return document.getNumberOfPages();
    }

    /**
     * Draws page {@code index} (0-based) as a grey image and writes it to {@code target} as
     * {@code format} ({@code png} or {@code jpg}).
     */
    public Rendered render(int index, Path target, String format) {
        PDPage page = document.getPage(index);
        float scale = scale(page);
        BufferedImage image;
        try {
            image = new BoundedRenderer(document, index, System.nanoTime() + renderTimeout.toNanos())
                    .renderImage(index, scale, ImageType.GRAY);
        } catch (PageRefused e) {
            throw e.refusal;
        } catch (IOException | RuntimeException e) {
            throw new BadRequestException(field + ": page " + index + " of the PDF cannot be drawn (it is damaged).", field);
        }
        try {
            Files.createDirectories(target.getParent());
            if (!ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, target.toFile())) {
                throw new IllegalArgumentException("no image writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing page " + index, e);
        }
        return new Rendered(index, target, Math.round(scale * 72), image.getWidth(), image.getHeight());
    }

    /** Points to pixels: {@link #DPI}, or less where the page would be more than {@link #MAX_PIXELS}. */
    static float scale(PDPage page) {
        PDRectangle box = page.getCropBox();
        return scale(Math.abs(box.getWidth()), Math.abs(box.getHeight()));
    }

    static float scale(float widthPoints, float heightPoints) {
        // PDFBox rounds the image's size down: a hair over DPI/72 keeps a Letter page 2550 x 3300, not 2549 x 3299
        float scale = DPI / 72f * 1.000001f;
        double area = Math.max(1.0, (double) widthPoints * heightPoints);
        double pixels = area * scale * scale;
        if (pixels > MAX_PIXELS) {
            scale = (float) (Math.sqrt(MAX_PIXELS / area) * 0.999); // float rounding must not tip it over
        }
        // a page far longer than wide could still make one side too long for an image: cap it too
        double longest = Math.max(widthPoints, heightPoints) * (double) scale;
        if (longest > 30_000) {
            scale = (float) (30_000 / Math.max(widthPoints, heightPoints));
        }
        return scale;
    }

    @Override
    public void close() {
        close(document);
    }

    private static void close(PDDocument document) {
        try {
            document.close();
        } catch (IOException e) {
            // read-only: nothing was written that closing could lose
        }
    }

    /** Carries a 4xx out through PDFBox, which wraps or logs most exceptions a drawer throws. */
    private static final class PageRefused extends RuntimeException {
        final RuntimeException refusal;

        PageRefused(RuntimeException refusal) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }
    }

    /** A renderer whose drawer checks the deadline before each operator and each image's size before decoding it. */
    private final class BoundedRenderer extends PDFRenderer {
        private final int index;
        private final long deadline;

        BoundedRenderer(PDDocument document, int index, long deadline) {
            super(document);
            this.index = index;
            this.deadline = deadline;
            setSubsamplingAllowed(true);
        }

        @Override
        protected PageDrawer createPageDrawer(PageDrawerParameters parameters) throws IOException {
            return new PageDrawer(parameters) {
                @Override
                protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
                    if (System.nanoTime() - deadline > 0) {
                        throw new PageRefused(new BadRequestException(field + ": page " + index + " of the PDF took"
                                + " longer than " + renderTimeout.toSeconds() + "s to draw; it is too complex.", field));
                    }
                    super.processOperator(operator, operands);
                }

                @Override
                public void drawImage(PDImage image) throws IOException {
                    if ((long) image.getWidth() * image.getHeight() > MAX_IMAGE_PIXELS) {
                        throw new PageRefused(new PayloadTooLargeException(field + ": page " + index + " of the PDF"
                                + " holds an image of " + image.getWidth() + "x" + image.getHeight() + " pixels, more"
                                + " than the " + MAX_IMAGE_PIXELS + " Hearth draws.", field));
                    }
                    super.drawImage(image);
                }
            };
        }
    }
}
