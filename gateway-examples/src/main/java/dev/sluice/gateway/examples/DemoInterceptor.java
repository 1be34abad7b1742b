package dev.sluice.gateway.examples;

import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.examples.interceptors.AuditInterceptor;
import dev.sluice.gateway.examples.interceptors.ChaosInterceptor;
import dev.sluice.gateway.examples.interceptors.LineageInterceptor;
import dev.sluice.gateway.examples.interceptors.SafeguardPolicy;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The example interceptors the demo can register, by the name {@code --interceptor NAME} takes;
 * each with the defaults of its builder.
 *
 * <pre>{@code
 * DemoOptions.parse("--interceptor", "safeguard", "--interceptor", "lineage").interceptors();
 * // [SAFEGUARD, LINEAGE]: the safeguard sees each request first, the lineage stamp runs after it
 * DemoInterceptor.SAFEGUARD.spec();   // SafeguardPolicy.builder().build().spec()
 * }</pre>
 *
 * <p>{@link #spec()} builds a new interceptor on every call: call it once per gateway.
 */
public enum DemoInterceptor {

    /** {@link SafeguardPolicy} with its defaults. */
    SAFEGUARD("safeguard", "refuses produce requests whose acks is not all, telling the client why") {
        @Override
        public InterceptorSpec spec() {
            return SafeguardPolicy.builder().build().spec();
        }
    },
    /** {@link ChaosInterceptor} with its defaults: a random seed, so every run differs. */
    CHAOS("chaos", "delays 10% of produce and fetch responses by up to 100 ms, fails 5%, drops 1%") {
        @Override
        public InterceptorSpec spec() {
            return ChaosInterceptor.builder().build().spec();
        }
    },
    /** {@link AuditInterceptor} with its defaults: the admin APIs, to the logger {@code sluice.audit}. */
    AUDIT("audit", "logs each admin request (topics, configs, ACLs, groups...) on logger sluice.audit") {
        @Override
        public InterceptorSpec spec() {
            return AuditInterceptor.builder().build().spec();
        }
    },
    /** {@link LineageInterceptor} with its defaults: headers prefixed {@code sluice.}. */
    LINEAGE("lineage", "stamps produced records with headers naming the gateway, client id and principal") {
        @Override
        public InterceptorSpec spec() {
            return LineageInterceptor.builder().build().spec();
        }
    };

    private final String cliName;
    private final String summary;

    DemoInterceptor(String cliName, String summary) {
        this.cliName = cliName;
        this.summary = summary;
    }

    /** The name {@code --interceptor} takes: {@code safeguard}, {@code chaos}, {@code audit}, {@code lineage}. */
    public String cliName() {
        return cliName;
    }

    /** What it does with its defaults, in one line of {@code --help}. */
    public String summary() {
        return summary;
    }

    /** A new interceptor of this kind with its defaults, registered as its {@code spec()} does. */
    public abstract InterceptorSpec spec();

    /** The interceptor {@code --interceptor} names with {@code cliName} (exactly, lower case), or {@code null}. */
    public static @Nullable DemoInterceptor named(String cliName) {
        for (DemoInterceptor interceptor : values()) {
            if (interceptor.cliName.equals(cliName)) {
                return interceptor;
            }
        }
        return null;
    }

    /** Every name {@code --interceptor} takes, comma-separated, for messages. */
    static String allNames() {
        return Arrays.stream(values()).map(DemoInterceptor::cliName).collect(Collectors.joining(", "));
    }
}
