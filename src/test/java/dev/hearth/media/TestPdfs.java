package dev.hearth.media;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.color.PDDeviceGray;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.DeflaterOutputStream;

/**
 * Real PDFs made with PDFBox, as clients send them: pages of text in a standard-14 font (a text
 * layer, drawn by the renderer), pages that are only a picture of text drawn with Java2D (a scan),
 * blank pages, and the broken kinds a client may send.
 */
public final class TestPdfs {
    /** A strip of a page (8.5 x 3 inches): big enough for a line of large text, quick to read. */
    static final PDRectangle STRIP = new PDRectangle(612, 216);

    /** One page of a test PDF. */
    public sealed interface Page {
        /** Words set in Helvetica 40 pt: the page has a text layer. */
        record Text(String words) implements Page {}

        /** Words drawn with Java2D into an image that fills the page: a scan, no text layer. */
        record Picture(String words) implements Page {}

        record Blank() implements Page {}

        /** An image XObject that claims {@code side x side} pixels; its data is never decoded. */
        record HugeImage(int side) implements Page {}
    }

    private TestPdfs() {}

    public static byte[] pdf(Page... pages) {
        try (PDDocument doc = document(pages)) {
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same pages, encrypted with a user password (so it cannot be opened without one). */
    public static byte[] encrypted(Page... pages) {
        try (PDDocument doc = document(pages)) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret",
                    new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PDF cut off after its first 200 bytes: the header is right, the rest is missing. */
    public static byte[] truncated() {
        byte[] whole = pdf(new Page.Text("cut short"));
        return java.util.Arrays.copyOf(whole, 200);
    }

    private static PDDocument document(Page... pages) throws IOException {
        PDDocument doc = new PDDocument();
        for (Page page : pages) {
            PDPage p = new PDPage(STRIP);
            doc.addPage(p);
            try (PDPageContentStream content = new PDPageContentStream(doc, p)) {
                switch (page) {
                    case Page.Text t -> {
                        content.beginText();
                        content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 40);
                        content.newLineAtOffset(36, 90);
                        content.showText(t.words());
                        content.endText();
                    }
                    case Page.Picture pic -> content.drawImage(LosslessFactory.createFromImage(doc, picture(pic.words())),
                            0, 0, STRIP.getWidth(), STRIP.getHeight());
                    case Page.Blank b -> { }
                    case Page.HugeImage huge -> content.drawImage(hugeImage(doc, huge.side()), 0, 0, 100, 100);
                }
            }
        }
        return doc;
    }

    /** Words drawn at 300 DPI for the strip: 2550 x 900 pixels, black on white. */
    static BufferedImage picture(String words) {
        BufferedImage img = new BufferedImage(2550, 900, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 160));
        g.drawString(words, 150, 500);
        g.dispose();
        return img;
    }

    private static PDImageXObject hugeImage(PDDocument doc, int side) throws IOException {
        var deflated = new ByteArrayOutputStream();
        try (var out = new DeflaterOutputStream(deflated)) {
            out.write(new byte[1024]);
        }
        return new PDImageXObject(doc, new ByteArrayInputStream(deflated.toByteArray()), COSName.FLATE_DECODE,
                side, side, 8, PDDeviceGray.INSTANCE);
    }

    private static byte[] save(PDDocument doc) throws IOException {
        var out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }
}
