package dev.mup.workflow.coord;

import dev.mup.runtime.coord.CoordinateCheckResult;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a coordinate check the way mup's figures show it: one panel per step, width on a log
 * x axis, the mean absolute coordinate on a log y axis, one line per layer. Flat lines mean the
 * parametrization keeps activations stable as the model widens. A check over depth
 * ({@link CoordinateCheckResult#axis()}) has depth on the x axis.
 */
public final class CoordinateCheckPlot {

    private CoordinateCheckPlot() {}

    /**
     * Writes the figure as a PNG.
     *
     * @param result the check
     * @param title what was checked, for example {@code "μP MLP, Adam lr 0.01"}
     * @param file the PNG to write; its folder is created if needed
     * @throws IOException if the file cannot be written
     */
    public static void write(CoordinateCheckResult result, String title, Path file) throws IOException {
        List<XYChart> panels = new ArrayList<>();
        List<Integer> widths = result.widths();
        double[] x = widths.stream().mapToDouble(Integer::doubleValue).toArray();
        for (int t = 1; t <= result.steps(); t++) {
            XYChart chart = new XYChartBuilder()
                    .width(t == result.steps() ? 640 : 420)
                    .height(Math.max(420, 90 + 19 * result.layers().size()))
                    .title(t == 1 ? title + " — t = 1" : "t = " + t)
                    .xAxisTitle(result.axis())
                    .yAxisTitle(t == 1 ? "mean |activation|" : "")
                    .build();
            Styler styler = chart.getStyler();
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
            styler.setLegendVisible(t == result.steps());
            styler.setLegendPosition(Styler.LegendPosition.OutsideE);
            styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(12f));
            for (String layer : result.layers()) {
                double[] y = new double[widths.size()];
                for (int i = 0; i < widths.size(); i++) {
                    y[i] = Math.max(result.l1(layer, widths.get(i), t), Double.MIN_NORMAL);
                }
                XYSeries series = chart.addSeries(layer, x, y);
                series.setMarker(SeriesMarkers.CIRCLE);
            }
            panels.add(chart);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // panels side by side, each at its own width (the last is wider: it carries the legend)
        List<BufferedImage> images = new ArrayList<>();
        int width = 0;
        int height = 0;
        for (XYChart panel : panels) {
            BufferedImage image = BitmapEncoder.getBufferedImage(panel);
            images.add(image);
            width += image.getWidth();
            height = Math.max(height, image.getHeight());
        }
        BufferedImage figure = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = figure.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int x0 = 0;
        for (BufferedImage image : images) {
            g.drawImage(image, x0, 0, null);
            x0 += image.getWidth();
        }
        g.dispose();
        if (!ImageIO.write(figure, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    /**
     * Draws the ε probe of a check ({@link CoordinateCheckReport#epsilonProbeTable}): width on a
     * log x axis, the fraction of hidden-weight entries with {@code √v̂ < factor·ε} on a linear y
     * axis from 0 to 1, one line per step. Flat lines mean ε keeps its share of Adam's denominator
     * as the model widens.
     *
     * @param result a check run with the ε probe
     * @param factor the probe's multiple of ε, for the axis title
     * @param title what was checked
     * @param file the PNG to write; its folder is created if needed
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException when the check has no probe records
     */
    public static void writeEpsilonProbe(CoordinateCheckResult result, double factor, String title, Path file)
            throws IOException {
        if (!CoordinateCheckReport.hasEpsilonProbe(result)) {
            throw new IllegalArgumentException("the check did not record the ε probe");
        }
        List<Integer> widths = result.widths();
        double[] x = widths.stream().mapToDouble(Integer::doubleValue).toArray();
        String k = factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor);
        XYChart chart = new XYChartBuilder().width(640).height(420).title(title)
                .xAxisTitle("width").yAxisTitle("fraction of hidden entries with √v̂ < " + k + "·ε").build();
        Styler styler = chart.getStyler();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(12f));
        for (int t = 1; t <= result.steps(); t++) {
            double[] y = new double[widths.size()];
            for (int i = 0; i < widths.size(); i++) {
                y[i] = result.l1(dev.mup.runtime.coord.CoordinateCheck.EPSILON_PROBE, widths.get(i), t);
            }
            chart.addSeries("t = " + t, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
