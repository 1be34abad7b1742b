package dev.sluice.gateway.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.ObjIntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes SIGINT and SIGTERM over from the JVM, so that the launcher decides how to stop and with which
 * exit code.
 *
 * <p>Why not only a shutdown hook: on these signals the JVM runs its shutdown hooks <em>concurrently</em>
 * and exits with 130 or 143. Kafka's test kit registers hooks of its own that delete the embedded
 * cluster's directories, which would race the brokers' orderly shutdown, and the demo promises exit
 * code 0 after a clean stop. With the signals handled here, the launcher stops everything first and
 * only then exits.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every OpenJDK build)
 * through reflection, as Kafka's own {@code LoggingSignalHandler} does, so that compiling does not
 * warn about a proprietary API. Where it is missing or refuses a signal (e.g. under {@code -Xrs}),
 * the JVM's default stays in effect and {@link #install} says so. A signal the process inherited as
 * ignored (a script's background job ignores SIGINT) stays ignored, as the JVM itself does.
 *
 * <p>Handlers run on a thread the JVM starts for each signal received.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {}

    /**
     * Installs {@code handler} for each named signal ({@code "INT"}, {@code "TERM"}).
     *
     * @param handler receives the signal's name and number
     * @return whether every signal is now handled; signals that are not keep the JVM's default
     */
    static boolean install(List<String> names, ObjIntConsumer<String> handler) {
        Class<?> signalType;
        Class<?> handlerType;
        Method handle;
        Method getName;
        Method getNumber;
        Object ignored;
        try {
            signalType = Class.forName("sun.misc.Signal");
            handlerType = Class.forName("sun.misc.SignalHandler");
            handle = signalType.getMethod("handle", signalType, handlerType);
            getName = signalType.getMethod("getName");
            getNumber = signalType.getMethod("getNumber");
            ignored = handlerType.getField("SIG_IGN").get(null);
        } catch (ReflectiveOperationException e) {
            LOG.warn("This JVM offers no signal handling ({}); SIGINT and SIGTERM keep their default", e.toString());
            return false;
        }
        InvocationHandler dispatch = (proxy, method, args) -> {
            switch (method.getName()) {
                case "handle" -> {
                    handler.accept((String) getName.invoke(args[0]), (int) getNumber.invoke(args[0]));
                    return null;
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "StopSignals handler for " + names;
                }
                default -> throw new UnsupportedOperationException(method.toString());
            }
        };
        Object signalHandler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(),
                new Class<?>[] {handlerType}, dispatch);
        boolean all = true;
        for (String name : names) {
            try {
                Object previous = handle.invoke(null, signalType.getConstructor(String.class).newInstance(name),
                        signalHandler);
                if (previous == ignored) {
                    // The JVM leaves a signal ignored that was ignored when it started, as POSIX programs do.
                    LOG.warn("SIG{} is ignored by this process (a script's background job?) and stays ignored;"
                            + " stop it with another signal", name);
                    all = false;
                }
            } catch (InvocationTargetException e) {
                LOG.warn("Cannot handle SIG{} ({}); it keeps the JVM's default", name, e.getCause().toString());
                all = false;
            } catch (ReflectiveOperationException e) {
                LOG.warn("Cannot handle SIG{} ({}); it keeps the JVM's default", name, e.toString());
                all = false;
            }
        }
        return all;
    }
}
