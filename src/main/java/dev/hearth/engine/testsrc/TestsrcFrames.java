package dev.hearth.engine.testsrc;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Random;

/**
 * Draws testsrc's frames: the input image or a gradient, a pattern whose motion comes from the
 * seed (so two seeds give visibly different clips and one seed always the same clip), and the
 * prompt, seed and frame number as text, so a player shows at a glance what was asked for.
 */
final class TestsrcFrames {
    private static final int BALLS = 5;

    private final int width;
    private final int height;
    private final int fps;
    private final int frames;
    private final String prompt;
    private final long seed;
    private final BufferedImage background;
    private final BufferedImage canvas;
    private final double[][] balls;   // x, y, vx, vy (pixels per second), radius, hue
    private final byte[] rgb;

    TestsrcFrames(int width, int height, int fps, int frames, String prompt, long seed, BufferedImage background) {
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.frames = frames;
        this.prompt = prompt;
        this.seed = seed;
        this.background = background;
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.rgb = new byte[width * height * 3];
        var random = new Random(seed);
        this.balls = new double[BALLS][];
        for (int i = 0; i < BALLS; i++) {
            double speed = (0.2 + random.nextDouble()) * Math.min(width, height);
            double angle = random.nextDouble() * 2 * Math.PI;
            balls[i] = new double[] {
                random.nextDouble() * width, random.nextDouble() * height,
                speed * Math.cos(angle), speed * Math.sin(angle),
                (0.04 + 0.06 * random.nextDouble()) * Math.min(width, height), random.nextDouble()};
        }
    }

    /** Frame {@code i} (0-based) as packed rgb24, the layout ffmpeg's {@code -pix_fmt rgb24} reads. */
    byte[] frame(int i) {
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            double t = (double) i / fps;
            drawBackground(g, t);
            drawPattern(g, t);
            drawText(g, i, t);
        } finally {
            g.dispose();
        }
        int[] pixels = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        for (int p = 0, b = 0; p < pixels.length; p++) {
            int px = pixels[p];
            rgb[b++] = (byte) (px >> 16);
            rgb[b++] = (byte) (px >> 8);
            rgb[b++] = (byte) px;
        }
        return rgb;
    }

    private void drawBackground(Graphics2D g, double t) {
        if (background != null) {
            g.drawImage(background, 0, 0, width, height, null);
            return;
        }
        float hue = (float) ((seed % 360 + 360) % 360 / 360.0 + t * 0.05);
        g.setPaint(new java.awt.GradientPaint(0, 0, Color.getHSBColor(hue, 0.5f, 0.35f),
                width, height, Color.getHSBColor(hue + 0.3f, 0.5f, 0.15f)));
        g.fillRect(0, 0, width, height);
    }

    /** Balls bouncing off the edges, and a bar sweeping once per second, for motion a codec must encode. */
    private void drawPattern(Graphics2D g, double t) {
        for (double[] b : balls) {
            double r = b[4];
            double x = bounce(b[0] + b[2] * t, r, width - r);
            double y = bounce(b[1] + b[3] * t, r, height - r);
            g.setColor(Color.getHSBColor((float) b[5], 0.8f, 0.95f));
            g.fillOval((int) (x - r), (int) (y - r), (int) (2 * r), (int) (2 * r));
        }
        int barX = (int) ((t % 1.0) * width);
        g.setColor(new Color(255, 255, 255, 90));
        g.fillRect(barX, 0, Math.max(2, width / 40), height);
        g.setStroke(new BasicStroke(Math.max(1, height / 120f)));
        g.setColor(Color.WHITE);
        g.drawRect(0, 0, width - 1, height - 1);
    }

    /** Position on a line folded back and forth between lo and hi. */
    private static double bounce(double v, double lo, double hi) {
        double span = Math.max(1, hi - lo);
        double m = ((v - lo) % (2 * span) + 2 * span) % (2 * span);
        return lo + (m <= span ? m : 2 * span - m);
    }

    private void drawText(Graphics2D g, int i, double t) {
        int size = Math.max(10, height / 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        var lines = new String[] {
            abbreviate(prompt.isBlank() ? "(no prompt)" : prompt, Math.max(8, width / (size / 2 + 1))),
            "seed " + seed,
            String.format(java.util.Locale.ROOT, "frame %d/%d  t=%.2fs", i + 1, frames, t),
            "testsrc: not a model"};
        int y = size + size / 2;
        for (String line : lines) {
            g.setColor(new Color(0, 0, 0, 160));
            g.drawString(line, size / 2 + 2, y + 2);
            g.setColor(Color.WHITE);
            g.drawString(line, size / 2, y);
            y += size + size / 3;
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "…";
    }
}
