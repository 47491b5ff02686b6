package dev.ocelli.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with left-aligned columns (right-aligned when a header starts with '>'). */
final class Table {
    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = new String[headers.length];
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers[i] = right[i] ? headers[i].substring(1) : headers[i];
        }
    }

    void row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length);
        }
        rows.add(cells.clone());
    }

    int size() {
        return rows.size();
    }

    /** Header line, then the rows. */
    void print(PrintWriter out, String indent) {
        int[] w = widths(true);
        out.println(line(indent, headers, w));
        printRows(out, indent, w);
    }

    /** Rows only (key/value style blocks). */
    void printBody(PrintWriter out, String indent) {
        printRows(out, indent, widths(false));
    }

    private void printRows(PrintWriter out, String indent, int[] w) {
        for (String[] r : rows) {
            out.println(line(indent, r, w));
        }
    }

    private int[] widths(boolean withHeaders) {
        int[] w = new int[headers.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = withHeaders ? headers[i].length() : 0;
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        return w;
    }

    private String line(String indent, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String c = cells[i];
            int pad = w[i] - c.length();
            if (right[i]) {
                sb.append(" ".repeat(pad)).append(c);
            } else {
                sb.append(c);
                if (!last) {
                    sb.append(" ".repeat(pad));
                }
            }
            if (!last) {
                sb.append("  ");
            }
        }
        return sb.toString().stripTrailing();
    }
}
