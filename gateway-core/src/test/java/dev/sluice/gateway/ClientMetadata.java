package dev.sluice.gateway;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.Metadata;
import org.apache.kafka.common.Node;

/**
 * Reads the broker addresses a kafka-clients producer or consumer holds in its metadata cache, the
 * place KIP-951 node endpoints land. Test-only reflection into kafka-clients internals: the field
 * layout follows the kafka-clients version in the build.
 */
final class ClientMetadata {

    private ClientMetadata() {}

    static List<Node> nodesKnownTo(Object client) {
        Metadata metadata = find(client);
        return metadata.fetch().nodes();
    }

    private static Metadata find(Object root) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> queue = new ArrayDeque<>();
        queue.add(new Object[] {root, 0});
        while (!queue.isEmpty()) {
            Object[] next = queue.poll();
            Object object = next[0];
            int depth = (int) next[1];
            if (object instanceof Metadata metadata) {
                return metadata;
            }
            if (depth > 3 || !seen.add(object) || !object.getClass().getName().startsWith("org.apache.kafka")) {
                continue;
            }
            for (Class<?> type = object.getClass(); type != null; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (field.getType().isPrimitive() || java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                        continue;
                    }
                    try {
                        field.setAccessible(true);
                        Object value = field.get(object);
                        if (value != null) {
                            queue.add(new Object[] {value, depth + 1});
                        }
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // not accessible: not where the metadata lives
                    }
                }
            }
        }
        throw new IllegalStateException("no kafka-clients Metadata inside " + root.getClass());
    }
}
