package dev.sluice.gateway.api.intercept;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;

/**
 * Registers an interceptor: the API keys (and versions) it sees, the clients it applies to, and how
 * its instances are made.
 *
 * <pre>{@code
 * // one instance for every connection (must be thread-safe)
 * InterceptorSpec.on(Api.PRODUCE).name("acks-policy").use(new AcksPolicy());
 * // one instance per connection, for per-connection state; only for principal team-a
 * InterceptorSpec.on(Api.FETCH, Api.PRODUCE)
 *     .when(connection -> "team-a".equals(connection.saslPrincipal()))
 *     .perConnection(RateLimiter::new);
 * }</pre>
 *
 * <p>Requests of keys no spec names are never decoded. The predicate is evaluated per request, on
 * the connection's event loop, so it sees identity as it fills in; keep it cheap.
 */
public final class InterceptorSpec {

    private final String name;
    private final Set<ApiKeys> apis;
    private final short minVersion;
    private final short maxVersion;
    private final Predicate<ConnectionContext> when;
    private final @Nullable Interceptor shared;
    private final @Nullable Supplier<? extends Interceptor> factory;

    private InterceptorSpec(Builder builder, @Nullable Interceptor shared, @Nullable Supplier<? extends Interceptor> factory,
            String defaultName) {
        this.name = builder.name != null ? builder.name : defaultName;
        EnumSet<ApiKeys> keys = EnumSet.noneOf(ApiKeys.class);
        keys.addAll(builder.apis);
        this.apis = Collections.unmodifiableSet(keys);
        this.minVersion = builder.minVersion;
        this.maxVersion = builder.maxVersion;
        this.when = builder.when;
        this.shared = shared;
        this.factory = factory;
    }

    /** Starts a spec for requests of these APIs. */
    public static Builder on(Api<?, ?>... apis) {
        List<ApiKeys> keys = new ArrayList<>();
        for (Api<?, ?> api : apis) {
            keys.add(Objects.requireNonNull(api, "api").key());
        }
        return new Builder(keys);
    }

    /** Starts a spec for requests of these API keys. */
    public static Builder on(ApiKeys... keys) {
        return new Builder(List.of(keys));
    }

    /** The name used in logs, events and errors: the builder's, or the interceptor's class name. */
    public String name() {
        return name;
    }

    public Set<ApiKeys> apis() {
        return apis;
    }

    /** Whether requests of {@code key} at {@code version} are for this interceptor at all. */
    public boolean covers(ApiKeys key, short version) {
        return apis.contains(key) && version >= minVersion && version <= maxVersion;
    }

    /** Whether this interceptor applies to a request on {@code connection}. */
    public boolean appliesTo(ConnectionContext connection) {
        return when.test(connection);
    }

    /** Whether {@link #newInstance()} makes a new interceptor per connection. */
    public boolean perConnection() {
        return factory != null;
    }

    /** The shared interceptor, or a new one from the per-connection factory. */
    public Interceptor newInstance() {
        if (shared != null) {
            return shared;
        }
        Interceptor made = Objects.requireNonNull(factory).get();
        if (made == null) {
            throw new IllegalStateException("the factory of interceptor " + name + " returned null");
        }
        return made;
    }

    @Override
    public String toString() {
        return "InterceptorSpec[" + name + " on " + apis + (minVersion > 0 || maxVersion < Short.MAX_VALUE
                ? " v" + minVersion + ".." + maxVersion : "") + (perConnection() ? ", per connection" : "") + "]";
    }

    /** Collects a spec's settings; each may be given once. */
    public static final class Builder {

        private final List<ApiKeys> apis;
        private @Nullable String name;
        private short minVersion;
        private short maxVersion = Short.MAX_VALUE;
        private boolean versionsSet;
        private Predicate<ConnectionContext> when = connection -> true;
        private boolean whenSet;

        private Builder(List<ApiKeys> apis) {
            if (apis.isEmpty()) {
                throw new IllegalArgumentException("an interceptor must name at least one API");
            }
            for (ApiKeys key : apis) {
                Objects.requireNonNull(key, "api key");
            }
            this.apis = List.copyOf(apis);
        }

        /** A name for logs, events and errors. Default: the interceptor's class name. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (this.name != null) {
                throw new IllegalStateException("name already set to '" + this.name + "', cannot set '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** Only requests of versions {@code min..max} (inclusive). Default: every version. */
        public Builder versions(short min, short max) {
            if (versionsSet) {
                throw new IllegalStateException("versions already set to " + minVersion + ".." + maxVersion);
            }
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("versions must be 0 <= min <= max, got " + min + ".." + max);
            }
            this.minVersion = min;
            this.maxVersion = max;
            this.versionsSet = true;
            return this;
        }

        /** Only connections for which {@code predicate} holds, e.g. a principal or a client id. */
        public Builder when(Predicate<ConnectionContext> predicate) {
            Objects.requireNonNull(predicate, "predicate");
            if (whenSet) {
                throw new IllegalStateException("when(...) already set");
            }
            this.when = predicate;
            this.whenSet = true;
            return this;
        }

        /** One instance for every connection: it is called concurrently and must be thread-safe. */
        public InterceptorSpec use(Interceptor interceptor) {
            Objects.requireNonNull(interceptor, "interceptor");
            return new InterceptorSpec(this, interceptor, null, interceptor.getClass().getName());
        }

        /** A new instance for each connection, from {@code factory}: for per-connection state. */
        public InterceptorSpec perConnection(Supplier<? extends Interceptor> factory) {
            Objects.requireNonNull(factory, "factory");
            return new InterceptorSpec(this, null, factory, factory.getClass().getName());
        }
    }
}
