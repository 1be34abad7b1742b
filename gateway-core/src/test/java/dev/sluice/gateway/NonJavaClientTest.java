package dev.sluice.gateway;

import dev.sluice.gateway.testkit.KafkaCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * librdkafka (through kcat) through the gateway: a client that negotiates other protocol versions
 * than kafka-clients and relies on nothing Java-specific. Skipped, visibly, where kcat is not
 * installed ({@code apt-get install kcat}; {@code .ci/run} installs it where it can).
 */
class NonJavaClientTest {

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1));

    @BeforeAll
    static void requireKcat() {
        Assumptions.assumeTrue(kcatInstalled(), "kcat is not installed (apt-get install kcat): librdkafka interop not tested");
    }

    @Test
    void kcatProducesAndConsumesWithAConsumerGroupThroughTheGateway() throws Exception {
        GATEWAY.kafka().createTopic("kcat-topic", 3, 1);
        String input = IntStream.range(0, 50).mapToObj(i -> "message-" + i).collect(Collectors.joining("\n")) + "\n";
        Run produce = kcat(input, "-P", "-t", "kcat-topic", "-X", "acks=all", "-z", "lz4");
        assertThat(produce.exitCode).as(produce.output).isZero();

        Run consume = kcat("", "-C", "-t", "kcat-topic", "-o", "beginning", "-e", "-q", "-c", "50");
        assertThat(consume.exitCode).as(consume.output).isZero();
        assertThat(consume.output.lines().filter(l -> l.startsWith("message-"))).hasSize(50);

        Run group = kcat("", "-G", "kcat-group", "kcat-topic", "-X", "auto.offset.reset=earliest", "-e", "-q", "-c", "50");
        assertThat(group.exitCode).as(group.output).isZero();
        assertThat(group.output.lines().filter(l -> l.startsWith("message-"))).hasSize(50);

        Run metadata = kcat("", "-L", "-J");
        assertThat(metadata.exitCode).as(metadata.output).isZero();
        assertThat(metadata.output).contains("\"name\":\"127.0.0.1:" + (GATEWAY.harness().bootstrapPort + 1) + "\"")
                .doesNotContain("localhost:");
    }

    private record Run(int exitCode, String output) {}

    private static Run kcat(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", GATEWAY.harness().bootstrapServers(),
                "-X", "broker.address.family=v4"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("kcat", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "timed out: " + Files.readString(out));
            }
            return new Run(process.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean kcatInstalled() {
        try {
            Process process = new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
