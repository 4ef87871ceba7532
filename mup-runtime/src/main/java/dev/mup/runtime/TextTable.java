package dev.mup.runtime;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns: left for text, right for numbers. */
public final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * Starts a table.
     *
     * @param header the column titles
     */
    public TextTable(String... header) {
        this.header = List.of(header);
    }

    /**
     * Adds a row; doubles are printed with six significant digits.
     *
     * @param cells one per column
     * @return this table
     */
    public TextTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(c instanceof Double ? format((Double) c) : String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    /**
     * Formats a number as the table prints it.
     *
     * @param v the number
     * @return plain for moderate magnitudes, scientific otherwise
     */
    public static String format(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.6g", v))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.4e", v);
    }

    @Override
    public String toString() {
        int[] widths = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (List<String> r : rows) {
                widths[c] = Math.max(widths[c], r.get(c).length());
                numeric[c] &= r.get(c).matches("-?[0-9.eE+-]+|NaN");
            }
        }
        StringBuilder sb = new StringBuilder();
        append(sb, header, widths, numeric);
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
        }
        sb.append(rule).append('\n');
        for (List<String> r : rows) {
            append(sb, r, widths, numeric);
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, List<String> cells, int[] widths, boolean[] numeric) {
        for (int c = 0; c < widths.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            sb.append(c == 0 ? "" : "  ").append(numeric[c] ? pad + cell : cell + pad);
        }
        sb.append('\n');
    }
}
