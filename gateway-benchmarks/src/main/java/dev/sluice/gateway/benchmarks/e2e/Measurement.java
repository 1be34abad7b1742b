package dev.sluice.gateway.benchmarks.e2e;

import java.util.List;

/**
 * What one load JVM measured on one route in one round.
 *
 * @param produceMBps produced value bytes per second, in 10^6 bytes
 * @param consumeMBps consumed value bytes per second, in 10^6 bytes
 * @param p50Ms median end-to-end latency at the fixed rate, milliseconds
 * @param p99Ms 99th percentile of the same, milliseconds
 */
record Measurement(Scenario scenario, int round, Route route, double produceMBps, double produceRecordsPerSecond,
        double consumeMBps, double consumeRecordsPerSecond, double p50Ms, double p99Ms, double p999Ms) {

    /** Parses the {@code RESULT} lines of {@link LoadMain}. */
    static Measurement parse(Scenario scenario, int round, Route route, List<String> output) {
        double[] produce = null;
        double[] consume = null;
        double[] latency = null;
        for (String line : output) {
            if (line.startsWith("RESULT produce ")) {
                produce = throughput(line);
            } else if (line.startsWith("RESULT consume ")) {
                consume = throughput(line);
            } else if (line.startsWith("RESULT latency ")) {
                latency = new double[] {
                    value(line, "p50Nanos") / 1e6, value(line, "p99Nanos") / 1e6, value(line, "p999Nanos") / 1e6};
            }
        }
        if (produce == null || consume == null || latency == null) {
            throw new IllegalStateException("load output lacks RESULT lines: " + output);
        }
        return new Measurement(scenario, round, route, produce[0], produce[1], consume[0], consume[1],
                latency[0], latency[1], latency[2]);
    }

    private static double[] throughput(String line) {
        double seconds = value(line, "nanos") / 1e9;
        return new double[] {value(line, "bytes") / 1e6 / seconds, value(line, "records") / seconds};
    }

    private static double value(String line, String key) {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) {
                return Double.parseDouble(part.substring(key.length() + 1));
            }
        }
        throw new IllegalStateException("no " + key + " in '" + line + "'");
    }
}
