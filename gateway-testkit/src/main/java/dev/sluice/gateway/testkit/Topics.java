package dev.sluice.gateway.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Topic creation as {@link KafkaCluster#createTopic} and {@link ForkedKafkaCluster#createTopic}
 * both do it: the argument checks, the {@link Admin} call and how its failures are reported. The
 * clusters differ only in how they then wait for their brokers to see the topic, so that part stays
 * with them; {@link #awaitedLeaders} names what they wait for.
 */
final class Topics {

    private Topics() {}

    /**
     * Has Kafka create the topic and returns once the controller accepted it. Does not wait for the
     * brokers to learn of it.
     *
     * @param admins makes the {@link Admin} to use; it is closed before this method returns
     * @param timeout how long to wait for the controller's answer
     * @throws IllegalArgumentException if {@code partitions} or {@code replicationFactor} is below 1
     * @throws KafkaClusterException if Kafka refused the topic, or did not answer within {@code timeout}
     */
    static void create(Supplier<Admin> admins, String name, int partitions, int replicationFactor, Duration timeout) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1 || replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("createTopic('" + name + "', " + partitions + ", "
                    + replicationFactor + "): partitions and replicationFactor must be at least 1");
        }
        try (Admin admin = admins.get()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) replicationFactor)))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaClusterException("Kafka refused createTopic('" + name + "', " + partitions
                    + ", " + replicationFactor + ")", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaClusterException("Interrupted creating topic '" + name + "'", e);
        } catch (TimeoutException e) {
            throw new KafkaClusterException("Timed out creating topic '" + name + "'", e);
        }
    }

    /** What a cluster waits for after {@link #create}, worded for its timeout message. */
    static String awaitedLeaders(String name, int partitions) {
        return "every running broker to see topic '" + name + "' with " + partitions + " led partitions";
    }
}
