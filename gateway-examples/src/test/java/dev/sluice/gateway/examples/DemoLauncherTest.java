package dev.sluice.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher's answers that need no gateway: help and bad command lines. */
class DemoLauncherTest {

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int launch(String... args) {
        return DemoLauncher.launch(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsUsageToStdoutAndExitsZero() {
        assertThat(launch("--help")).isEqualTo(DemoLauncher.EXIT_OK).isZero();

        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(DemoOptions.usage());
        assertThat(stderr.size()).isZero();
    }

    @Test
    void unknownOptionIsReportedOnStderrWithExitCodeTwo() {
        assertThat(launch("--bogus")).isEqualTo(DemoLauncher.EXIT_USAGE).isEqualTo(2);

        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .isEqualTo("sluice-demo: unknown option '--bogus'" + System.lineSeparator()
                        + "Run with --help to see every option." + System.lineSeparator());
        assertThat(stdout.size()).isZero();
    }

    @Test
    void unknownOrRepeatedInterceptorIsReportedOnStderrWithExitCodeTwo() {
        assertThat(launch("--interceptor", "firewall")).isEqualTo(DemoLauncher.EXIT_USAGE);
        assertThat(launch("--interceptor", "audit", "--interceptor", "audit")).isEqualTo(DemoLauncher.EXIT_USAGE);

        assertThat(stderr.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("sluice-demo:")))
                .containsExactly(
                        "sluice-demo: --interceptor: unknown interceptor 'firewall'; use one of safeguard, chaos,"
                                + " audit, lineage",
                        "sluice-demo: --interceptor audit is given twice; each interceptor can be registered once");
        assertThat(stdout.size()).isZero();
    }

    @Test
    void tlsOptionsWithoutSniDomainAreReportedOnStderrWithExitCodeTwo() {
        assertThat(launch("--tls-generate", "tls")).isEqualTo(DemoLauncher.EXIT_USAGE);

        assertThat(stderr.toString(StandardCharsets.UTF_8)).startsWith("sluice-demo: --tls-generate is for SNI routing"
                + " over TLS and needs --sni-domain DOMAIN; the port-per-broker listeners are plaintext"
                + System.lineSeparator());
        assertThat(stdout.size()).isZero();
    }

    @Test
    void badValueIsReportedOnStderrWithExitCodeTwo() {
        assertThat(launch("--port", "99999")).isEqualTo(DemoLauncher.EXIT_USAGE);

        assertThat(stderr.toString(StandardCharsets.UTF_8)).startsWith("sluice-demo: --port must be in 1..65535, was 99999");
        assertThat(stdout.size()).isZero();
    }
}
