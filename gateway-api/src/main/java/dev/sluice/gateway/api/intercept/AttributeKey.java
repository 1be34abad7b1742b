package dev.sluice.gateway.api.intercept;

import java.util.Objects;

/**
 * A typed key for per-connection state in a {@link ConnectionContext}.
 *
 * <p>Keys compare by identity: create each once, as a constant, and share it between the
 * interceptors that use it.
 *
 * <pre>{@code
 * static final AttributeKey<String> TENANT = AttributeKey.of("tenant", String.class);
 * chain.connection().setAttribute(TENANT, "team-a");
 * String tenant = chain.connection().attribute(TENANT);
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class AttributeKey<T> {

    private final String name;
    private final Class<T> type;

    private AttributeKey(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    /** A new key; {@code name} is for diagnostics only. */
    public static <T> AttributeKey<T> of(String name, Class<T> type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        return new AttributeKey<>(name, type);
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return "AttributeKey[" + name + ": " + type.getSimpleName() + "]";
    }
}
