package dev.sluice.gateway.benchmarks.e2e;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code key=value} arguments of the harness's child processes. */
final class Args {

    private Args() {}

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }

    static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing argument " + key + "=..., got " + options.keySet());
        }
        return value;
    }
}
