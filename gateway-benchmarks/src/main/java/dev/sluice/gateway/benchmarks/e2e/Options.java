package dev.sluice.gateway.benchmarks.e2e;

import dev.sluice.gateway.tls.TlsProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The harness's command line; every option has a default. */
record Options(int rounds, int warmupRounds, int records, int recordSize, int latencyRate, int latencySeconds,
        int partitions, List<Scenario> scenarios, TlsProvider gatewayTlsProvider, List<String> gatewayJvmOptions,
        @Nullable Path report) {

    static final String USAGE = """
            usage: EndToEnd [--rounds 4] [--warmup 1] [--records 250000] [--record-size 1024]
                            [--latency-rate 1000] [--latency-seconds 6] [--partitions 2]
                            [--scenarios plain,interceptor,tls] [--gateway-tls-provider JDK|OPENSSL]
                            [--gateway-jvm "-XX:StartFlightRecording=filename=gw.jfr,settings=profile"]
                            [--report FILE.md]   (also writes FILE.svg, a chart of the ratios)""";

    Options {
        positive("rounds", rounds);
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, was " + warmupRounds);
        }
        positive("records", records);
        if (recordSize < 16) {
            throw new IllegalArgumentException("--record-size must be >= 16 (latency stamp), was " + recordSize);
        }
        positive("latency-rate", latencyRate);
        if (latencySeconds < 2) {
            throw new IllegalArgumentException("--latency-seconds must be >= 2 (the first is left out), was "
                    + latencySeconds);
        }
        positive("partitions", partitions);
        scenarios = List.copyOf(scenarios);
        gatewayJvmOptions = List.copyOf(gatewayJvmOptions);
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("--scenarios must name at least one of plain, interceptor, tls");
        }
    }

    static Options parse(String[] args) {
        int rounds = 4;
        int warmup = 1;
        int records = 250_000;
        int recordSize = 1024;
        int latencyRate = 1000;
        int latencySeconds = 6;
        int partitions = 2;
        List<Scenario> scenarios = List.of(Scenario.values());
        TlsProvider provider = TlsProvider.JDK;
        List<String> gatewayJvm = List.of();
        Path report = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            try {
                switch (option) {
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--records" -> records = Integer.parseInt(value);
                    case "--record-size" -> recordSize = Integer.parseInt(value);
                    case "--latency-rate" -> latencyRate = Integer.parseInt(value);
                    case "--latency-seconds" -> latencySeconds = Integer.parseInt(value);
                    case "--partitions" -> partitions = Integer.parseInt(value);
                    case "--scenarios" -> {
                        List<Scenario> chosen = new ArrayList<>();
                        for (String id : value.split(",")) {
                            chosen.add(Scenario.of(id));
                        }
                        scenarios = chosen;
                    }
                    case "--gateway-tls-provider" -> provider = TlsProvider.valueOf(value);
                    case "--gateway-jvm" -> gatewayJvm = List.of(value.trim().split("\\s+"));
                    case "--report" -> report = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad value '" + value + "' for " + option + ": " + e.getMessage(), e);
            }
        }
        return new Options(rounds, warmup, records, recordSize, latencyRate, latencySeconds, partitions, scenarios,
                provider, gatewayJvm, report);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be >= 1, was " + value);
        }
    }
}
