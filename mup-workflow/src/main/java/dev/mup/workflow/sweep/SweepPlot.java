package dev.mup.workflow.sweep;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a sweep as μTransfer figures do: one panel per parametrization, side by side, validation
 * loss against log2 of the learning rate, one curve per width (narrow light, wide dark) with its
 * optimum marked by a larger dot. Under μP the optima line up; under SP they drift.
 */
public final class SweepPlot {

    private SweepPlot() {}

    /**
     * Writes the PNG.
     *
     * @param analysis the sweep's results
     * @param title what was swept
     * @param file the PNG to write
     * @throws IOException if it cannot be written
     */
    public static void write(SweepAnalysis analysis, String title, Path file) throws IOException {
        List<XYChart> panels = new ArrayList<>();
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (SweepAnalysis.Optimum o : analysis.optima()) {
            low = Math.min(low, o.loss());
        }
        for (String param : analysis.parametrizations()) {
            for (int width : analysis.widths(param)) {
                for (SweepAnalysis.Point p : analysis.curve(param, width)) {
                    if (!Double.isNaN(p.loss())) {
                        high = Math.max(high, p.loss());
                    }
                }
            }
        }
        for (String param : analysis.parametrizations()) {
            String name = "mup".equals(param) ? "μP" : "SP";
            XYChart chart = new XYChartBuilder().width(560).height(440)
                    .title(name + " — " + title)
                    .xAxisTitle("log2 learning rate")
                    .yAxisTitle("validation loss")
                    .build();
            Styler styler = chart.getStyler();
            styler.setLegendPosition(Styler.LegendPosition.InsideNE);
            styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(12f));
            if (Double.isFinite(low) && Double.isFinite(high)) {
                // diverged and exploding points would flatten the interesting part: cap the axis
                double top = Math.min(high, low + 2.0 * Math.max(0.25, Math.abs(low) * 0.5));
                chart.getStyler().setYAxisMin(low - 0.02 * (top - low));
                chart.getStyler().setYAxisMax(top);
            }
            List<Integer> widths = analysis.widths(param);
            for (int i = 0; i < widths.size(); i++) {
                int width = widths.get(i);
                Color color = shade(i, widths.size());
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (SweepAnalysis.Point p : analysis.curve(param, width)) {
                    if (!Double.isNaN(p.loss())) {
                        x.add(p.log2Lr());
                        y.add(p.loss());
                    }
                }
                if (x.isEmpty()) {
                    continue;
                }
                XYSeries series = chart.addSeries("width " + width, x, y);
                series.setLineColor(color);
                series.setMarkerColor(color);
                series.setMarker(SeriesMarkers.CIRCLE);
                SweepAnalysis.Optimum o = analysis.optimum(param, width).orElseThrow();
                XYSeries best = chart.addSeries(String.format(Locale.ROOT, "optimum %d", width),
                        new double[] {o.log2Lr()}, new double[] {o.loss()});
                best.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                best.setMarker(SeriesMarkers.DIAMOND);
                best.setMarkerColor(Color.RED);
                best.setShowInLegend(false);
            }
            panels.add(chart);
        }
        if (panels.isEmpty()) {
            throw new IllegalStateException("the store holds no finished trials to plot");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = file.toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(new ArrayList<>(panels), 1, panels.size(), base, BitmapEncoder.BitmapFormat.PNG);
    }

    private static Color shade(int i, int n) {
        float t = n <= 1 ? 1f : (float) i / (n - 1);
        return new Color((int) (200 - 170 * t), (int) (210 - 150 * t), (int) (255 - 115 * t));
    }
}
