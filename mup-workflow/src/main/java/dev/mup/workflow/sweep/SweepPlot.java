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
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a sweep as μTransfer figures do: one panel per parametrization, side by side, the loss
 * ({@link SweepAnalysis#metric()}: validation or training) against log2 of the learning rate, one
 * curve per width (narrow light, wide dark) with its grid optimum marked by a red diamond and its
 * fitted optimum by a triangle of the curve's colour;
 * a dashed vertical line marks the proxy's (narrowest width's) best learning rate, and the panel
 * title gives the largest transfer regret. Under μP the optima line up on the line; under SP they
 * drift away from it. A sweep over depth draws one curve per depth ({@link SweepAnalysis#axis()}).
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
            java.util.OptionalDouble regret = analysis.maxRelativeRegret(param);
            String regretText = regret.isEmpty() ? ""
                    : Double.isFinite(regret.getAsDouble())
                            ? String.format(Locale.ROOT, " (largest transfer regret %.2f%%)", 100 * regret.getAsDouble())
                            : " (proxy's value diverges)";
            String chartTitle = name + " — " + title + regretText;
            // a long title (a sweep over depth names its width and α too) widens its panel rather than being cut
            XYChart chart = new XYChartBuilder().width(Math.max(720, 8 * chartTitle.length())).height(440)
                    .title(chartTitle)
                    .xAxisTitle("log2 learning rate")
                    .yAxisTitle(analysis.metric().label())
                    .build();
            Styler styler = chart.getStyler();
            // beside the plot, not on it: inside, the legend hid the points of the highest learning rates
            styler.setLegendPosition(Styler.LegendPosition.OutsideE);
            styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(12f));
            if (Double.isFinite(low) && Double.isFinite(high)) {
                // diverged and exploding points would flatten the interesting part: cap the axis
                double top = Math.min(high, low + 2.0 * Math.max(0.25, Math.abs(low) * 0.5));
                double bottom = low - 0.02 * (top - low);
                chart.getStyler().setYAxisMin(bottom);
                chart.getStyler().setYAxisMax(top);
                java.util.OptionalInt proxy = analysis.proxyWidth(param);
                if (proxy.isPresent()) {
                    double x = analysis.optimum(param, proxy.getAsInt()).orElseThrow().log2Lr();
                    XYSeries line = chart.addSeries("proxy's best lr", new double[] {x, x}, new double[] {bottom, top});
                    line.setLineColor(Color.GRAY);
                    line.setLineStyle(SeriesLines.DASH_DASH);
                    line.setMarker(SeriesMarkers.NONE);
                }
            }
            List<Integer> widths = analysis.widths(param);
            boolean fittedInLegend = false;
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
                XYSeries series = chart.addSeries(analysis.axis() + " " + width, x, y);
                series.setLineColor(color);
                series.setMarkerColor(color);
                series.setMarker(SeriesMarkers.CIRCLE);
                SweepAnalysis.Optimum o = analysis.optimum(param, width).orElseThrow();
                // the first curve's markers name the marker kinds in the legend, the others stay out of it
                XYSeries best = chart.addSeries(i == 0 ? "grid optimum" : String.format(Locale.ROOT, "optimum %d", width),
                        new double[] {o.log2Lr()}, new double[] {o.loss()});
                best.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                best.setMarker(SeriesMarkers.DIAMOND);
                best.setMarkerColor(Color.RED);
                best.setShowInLegend(i == 0);
                SweepAnalysis.FittedOptimum fit = analysis.fittedOptimum(param, width).orElseThrow();
                if (fit.interpolated()) {
                    boolean named = !fittedInLegend;
                    fittedInLegend = true;
                    XYSeries fitted = chart.addSeries(named ? "fitted optimum"
                                    : String.format(Locale.ROOT, "fitted optimum %d", width),
                            new double[] {fit.log2Lr()}, new double[] {fit.loss()});
                    fitted.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    fitted.setMarker(SeriesMarkers.TRIANGLE_DOWN);
                    fitted.setMarkerColor(color.darker());
                    fitted.setShowInLegend(named);
                }
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
