package dev.sluice.gateway.routing.internal;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * How to read and write the broker address in one kafka-clients generated class, such as {@code
 * MetadataResponseData.MetadataResponseBroker}: a row of method references, so that one generic
 * loop ({@link AddressSite}) serves every class instead of one hand-written loop per class.
 *
 * <p>Immutable and thread-safe; the method references are non-capturing.
 *
 * <pre>{@code
 * BrokerEntryAccess<MetadataResponseBroker> access = BrokerEntryAccess.of(MetadataResponseBroker.class,
 *         MetadataResponseBroker::nodeId, MetadataResponseBroker::host, MetadataResponseBroker::port,
 *         MetadataResponseBroker::rack, MetadataResponseBroker::setHost, MetadataResponseBroker::setPort);
 * }</pre>
 *
 * @param type the generated class
 * @param nodeId reads the broker's node id
 * @param host reads the host
 * @param port reads the port
 * @param rack reads the rack; returns {@code null} for classes without one
 * @param setHost writes the host
 * @param setPort writes the port
 * @param namesBroker whether an entry names a broker at all (false for error entries, which carry
 *     node id -1 and no address)
 * @param <E> the generated class
 */
public record BrokerEntryAccess<E>(
        Class<E> type,
        ToIntFunction<E> nodeId,
        Function<E, String> host,
        ToIntFunction<E> port,
        Function<E, @Nullable String> rack,
        BiConsumer<E, String> setHost,
        ObjIntConsumer<E> setPort,
        Predicate<E> namesBroker) {

    /** Rejects a {@code null} component. */
    public BrokerEntryAccess {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(rack, "rack");
        Objects.requireNonNull(setHost, "setHost");
        Objects.requireNonNull(setPort, "setPort");
        Objects.requireNonNull(namesBroker, "namesBroker");
    }

    /** Access to a class whose every entry names a broker. */
    public static <E> BrokerEntryAccess<E> of(
            Class<E> type,
            ToIntFunction<E> nodeId,
            Function<E, String> host,
            ToIntFunction<E> port,
            Function<E, @Nullable String> rack,
            BiConsumer<E, String> setHost,
            ObjIntConsumer<E> setPort) {
        return new BrokerEntryAccess<>(type, nodeId, host, port, rack, setHost, setPort, entry -> true);
    }

    /** A copy that treats only entries matching {@code condition} as naming a broker. */
    public BrokerEntryAccess<E> onlyWhere(Predicate<E> condition) {
        return new BrokerEntryAccess<>(type, nodeId, host, port, rack, setHost, setPort, condition);
    }
}
