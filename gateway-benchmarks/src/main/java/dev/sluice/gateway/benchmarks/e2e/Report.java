package dev.sluice.gateway.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The harness's results: Markdown tables (absolute figures, ratios, added latency) and an SVG bar
 * chart of the throughput ratios. Ratios and latency differences are taken within each round, then
 * summarised over the rounds as median and min-max.
 */
final class Report {

    private final Options options;
    private final List<Measurement> measurements;
    private final Instant started;
    private final Instant finished;
    private final String loadAtStart;
    private final String loadAtEnd;
    private final String arguments;

    Report(Options options, List<Measurement> measurements, Instant started, Instant finished, String loadAtStart,
            String loadAtEnd, String arguments) {
        this.options = options;
        this.measurements = List.copyOf(measurements);
        this.started = started;
        this.finished = finished;
        this.loadAtStart = loadAtStart;
        this.loadAtEnd = loadAtEnd;
        this.arguments = arguments;
    }

    static Path svgPath(Path markdown) {
        String name = markdown.getFileName().toString();
        String base = name.endsWith(".md") ? name.substring(0, name.length() - 3) : name;
        return markdown.resolveSibling(base + ".svg");
    }

    void write(Path markdown) throws IOException {
        Path parent = markdown.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(markdown, markdown() + "\n![throughput ratios](" + svgPath(markdown).getFileName() + ")\n");
        Files.writeString(svgPath(markdown), svg());
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("## End-to-end run of ").append(started.toString(), 0, 10).append("\n\n");
        out.append("- Command: `gateway-benchmarks/e2e.sh ").append(arguments).append("`\n");
        out.append(String.format(Locale.ROOT, "- %d warm-up round(s), then %d rounds; each round runs every route once"
                + " in a rotating order (direct, relay, gateway, relay again), relay twice to show the noise.%n",
                options.warmupRounds(), options.rounds()));
        out.append(String.format(Locale.ROOT, "- Load per route and round (a fresh JVM): produce %,d records of %d B"
                + " (acks=all, linger.ms=5, no compression, %d partitions), consume them back from the beginning,"
                + " then %d records/s for %d s for end-to-end latency (first second left out).%n",
                options.records(), options.recordSize(), options.partitions(), options.latencyRate(),
                options.latencySeconds()));
        out.append("- Machine: ").append(Machine.describe()).append('\n');
        out.append("- Load average (1, 5, 15 min) at start: ").append(loadAtStart).append("; at end: ")
                .append(loadAtEnd).append('\n');
        out.append("- Duration: ").append(Duration.between(started, finished).toMinutes()).append(" min\n");
        for (Scenario scenario : options.scenarios()) {
            List<Measurement> runs = measurements.stream().filter(m -> m.scenario() == scenario).toList();
            if (runs.isEmpty()) {
                continue;
            }
            out.append("\n### ").append(scenario.title()).append("\n\n");
            out.append("Median [min-max] over the rounds.\n\n");
            out.append("| route | produce MB/s | produce records/s | consume MB/s | latency p50, ms | latency p99, ms |\n");
            out.append("| --- | --- | --- | --- | --- | --- |\n");
            for (Route route : Route.values()) {
                List<Measurement> r = runs.stream().filter(m -> m.route() == route).toList();
                out.append("| ").append(route.label())
                        .append(" | ").append(summary(values(r, Measurement::produceMBps), "%.1f"))
                        .append(" | ").append(summary(values(r, Measurement::produceRecordsPerSecond), "%.0f"))
                        .append(" | ").append(summary(values(r, Measurement::consumeMBps), "%.1f"))
                        .append(" | ").append(summary(values(r, Measurement::p50Ms), "%.3f"))
                        .append(" | ").append(summary(values(r, Measurement::p99Ms), "%.3f"))
                        .append(" |\n");
            }
            out.append("\nThroughput ratios, taken within each round:\n\n");
            out.append("| ratio | produce | consume |\n| --- | --- | --- |\n");
            for (Route[] pair : RATIOS) {
                out.append("| ").append(pair[0].label()).append(" / ").append(pair[1].label())
                        .append(" | ").append(summary(ratios(runs, pair[0], pair[1], Measurement::produceMBps), "%.2f"))
                        .append(" | ").append(summary(ratios(runs, pair[0], pair[1], Measurement::consumeMBps), "%.2f"))
                        .append(" |\n");
            }
            out.append("\nAdded end-to-end latency against direct (route minus direct, within each round), ms:\n\n");
            out.append("| route | added p50 | added p99 |\n| --- | --- | --- |\n");
            for (Route route : List.of(Route.RELAY, Route.RELAY_AGAIN, Route.GATEWAY)) {
                out.append("| ").append(route.label())
                        .append(" | ").append(summary(differences(runs, route, Measurement::p50Ms), "%+.3f"))
                        .append(" | ").append(summary(differences(runs, route, Measurement::p99Ms), "%+.3f"))
                        .append(" |\n");
            }
        }
        return out.toString();
    }

    private static final Route[][] RATIOS = {
        {Route.RELAY, Route.DIRECT},
        {Route.RELAY_AGAIN, Route.RELAY},
        {Route.GATEWAY, Route.DIRECT},
        {Route.GATEWAY, Route.RELAY},
    };

    private static double[] values(List<Measurement> runs, ToDoubleFunction<Measurement> metric) {
        return runs.stream().mapToDouble(metric).toArray();
    }

    private double[] ratios(List<Measurement> runs, Route top, Route bottom, ToDoubleFunction<Measurement> metric) {
        return perRound(runs, top, bottom, metric, true);
    }

    private double[] differences(List<Measurement> runs, Route route, ToDoubleFunction<Measurement> metric) {
        return perRound(runs, route, Route.DIRECT, metric, false);
    }

    private double[] perRound(List<Measurement> runs, Route a, Route b, ToDoubleFunction<Measurement> metric,
            boolean ratio) {
        List<Double> out = new ArrayList<>();
        for (int round = 0; round < options.rounds(); round++) {
            Measurement x = find(runs, round, a);
            Measurement y = find(runs, round, b);
            if (x != null && y != null) {
                double vx = metric.applyAsDouble(x);
                double vy = metric.applyAsDouble(y);
                out.add(ratio ? vx / vy : vx - vy);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static @Nullable Measurement find(List<Measurement> runs, int round, Route route) {
        return runs.stream().filter(m -> m.round() == round && m.route() == route).findFirst().orElse(null);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String summary(double[] values, String format) {
        if (values.length == 0) {
            return "-";
        }
        double min = Arrays.stream(values).min().orElseThrow();
        double max = Arrays.stream(values).max().orElseThrow();
        return String.format(Locale.ROOT, format + " [" + format + " to " + format + "]", median(values), min, max);
    }

    /** Grouped bars: per scenario, produce and consume ratios of relay and gateway to direct, with min-max whiskers. */
    String svg() {
        List<String> labels = new ArrayList<>();
        List<double[]> bars = new ArrayList<>(); // median, min, max, series (0 relay, 1 gateway)
        for (Scenario scenario : options.scenarios()) {
            List<Measurement> runs = measurements.stream().filter(m -> m.scenario() == scenario).toList();
            if (runs.isEmpty()) {
                continue;
            }
            for (String metric : List.of("produce", "consume")) {
                ToDoubleFunction<Measurement> f = metric.equals("produce")
                        ? Measurement::produceMBps : Measurement::consumeMBps;
                for (Route route : List.of(Route.RELAY, Route.GATEWAY)) {
                    double[] r = ratios(runs, route, Route.DIRECT, f);
                    if (r.length == 0) {
                        continue;
                    }
                    bars.add(new double[] {median(r), Arrays.stream(r).min().orElseThrow(),
                        Arrays.stream(r).max().orElseThrow(), route == Route.RELAY ? 0 : 1});
                    labels.add(scenario.id() + " " + metric);
                }
            }
        }
        int barWidth = 28;
        int gap = 14;
        int left = 50;
        int top = 40;
        int plotHeight = 260;
        double maxValue = Math.max(1.2, bars.stream().mapToDouble(b -> b[2]).max().orElse(1.2) * 1.05);
        int width = left + bars.size() * barWidth + (bars.size() / 2) * gap + 40;
        int height = top + plotHeight + 110;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"13\">Throughput / direct, median"
                + " and min-max over %d rounds (%s)</text>%n", left, options.rounds(), started.toString().substring(0, 10)));
        for (double tick = 0; tick <= maxValue + 1e-9; tick += 0.2) {
            double y = top + plotHeight - tick / maxValue * plotHeight;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", left, width - 20, y, y,
                    Math.abs(tick - 1.0) < 1e-9 ? "black" : "#ddd", left - 6, y + 4, tick));
        }
        int x = left + 8;
        for (int i = 0; i < bars.size(); i++) {
            double[] b = bars.get(i);
            double yMedian = top + plotHeight - b[0] / maxValue * plotHeight;
            double yMin = top + plotHeight - b[1] / maxValue * plotHeight;
            double yMax = top + plotHeight - b[2] / maxValue * plotHeight;
            String color = b[3] == 0 ? "#9e9e9e" : "#1f77b4";
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>%n",
                    x, yMedian, barWidth - 4, top + plotHeight - yMedian, color));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n",
                    x + (barWidth - 4) / 2, x + (barWidth - 4) / 2, yMin, yMax));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">%.2f</text>%n",
                    x + (barWidth - 4) / 2, yMax - 4, b[0]));
            if (b[3] == 1 || i + 1 == bars.size()) {
                svg.append(String.format(Locale.ROOT, "<text transform=\"translate(%d,%d) rotate(40)\">%s</text>%n",
                        x - barWidth / 2, top + plotHeight + 14, labels.get(i)));
                x += gap;
            }
            x += barWidth;
        }
        int legendY = height - 14;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#9e9e9e\"/>"
                + "<text x=\"%d\" y=\"%d\">relay (HAProxy) / direct</text>%n", left, legendY - 9, left + 14, legendY));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#1f77b4\"/>"
                + "<text x=\"%d\" y=\"%d\">gateway / direct</text>%n", left + 180, legendY - 9, left + 194, legendY));
        svg.append("</svg>\n");
        return svg.toString();
    }
}
