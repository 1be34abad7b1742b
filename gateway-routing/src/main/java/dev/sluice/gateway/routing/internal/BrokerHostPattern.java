package dev.sluice.gateway.routing.internal;

import java.util.Locale;

/**
 * A broker host name pattern such as {@code broker-$(nodeId).gw.example.com}: a literal prefix, the
 * broker's node id in decimal, a literal suffix. It turns an id into a host name and, allocation-free,
 * a host name back into an id.
 *
 * <p>The reverse direction accepts exactly the names the forward direction produces, ignoring the
 * case of ASCII letters: the id must be canonical (digits only, no sign, no leading zero unless it
 * is {@code 0}, at most {@link Integer#MAX_VALUE}), so every broker has one name and no name means
 * two brokers.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * BrokerHostPattern pattern = BrokerHostPattern.parse("broker-$(nodeId).gw.example.com");
 * pattern.hostOf(100);                                    // "broker-100.gw.example.com"
 * String name = "Broker-100.GW.example.com";
 * pattern.nodeIdOf(name, name.length());                  // 100
 * pattern.nodeIdOf("broker-0100.gw.example.com", 26);     // -1: not canonical
 * }</pre>
 */
public final class BrokerHostPattern {

    /** The placeholder a pattern contains exactly once, where the node id goes. */
    public static final String PLACEHOLDER = "$(nodeId)";

    /** The digits of {@link Integer#MAX_VALUE}, the longest id. */
    private static final int MAX_ID_DIGITS = 10;

    private final String prefix;
    private final String suffix;

    private BrokerHostPattern(String prefix, String suffix) {
        this.prefix = prefix;
        this.suffix = suffix;
    }

    /**
     * Parses a pattern. It must contain {@link #PLACEHOLDER} exactly once, and put in place of the
     * placeholder, any node id must give a valid {@linkplain SniHostNames SNI host name}; which also
     * means the placeholder lies inside one label. The pattern is kept in lower case.
     *
     * @throws IllegalArgumentException quoting the pattern when it is not of that form
     */
    public static BrokerHostPattern parse(String pattern) {
        int at = pattern.indexOf(PLACEHOLDER);
        if (at < 0 || pattern.indexOf(PLACEHOLDER, at + 1) >= 0) {
            throw new IllegalArgumentException("brokerHostPattern must contain the placeholder " + PLACEHOLDER
                    + " exactly once, was '" + pattern + "'");
        }
        String prefix = pattern.substring(0, at);
        String suffix = pattern.substring(at + PLACEHOLDER.length());
        // The longest id gives the longest name; every other id gives a name of the same shape.
        String longest = prefix + Integer.MAX_VALUE + suffix;
        String problem = SniHostNames.problem(longest);
        if (problem != null) {
            throw new IllegalArgumentException("brokerHostPattern '" + pattern + "' does not give valid host names: "
                    + "for node id " + Integer.MAX_VALUE + " it gives '" + longest + "', and " + problem);
        }
        return new BrokerHostPattern(prefix.toLowerCase(Locale.ROOT), suffix.toLowerCase(Locale.ROOT));
    }

    /**
     * The host name of broker {@code nodeId}, in lower case.
     *
     * @throws IllegalArgumentException when {@code nodeId} is negative
     */
    public String hostOf(int nodeId) {
        if (nodeId < 0) {
            throw new IllegalArgumentException("nodeId must be >= 0, was " + nodeId);
        }
        return prefix + nodeId + suffix;
    }

    /**
     * The node id that the first {@code length} characters of {@code name} stand for, or {@code -1}
     * when they do not match the pattern. Never throws for any {@code name} and {@code 0 <= length
     * <= name.length()}; allocation-free.
     */
    public int nodeIdOf(String name, int length) {
        int digitsFrom = prefix.length();
        int digitsTo = length - suffix.length();
        int digits = digitsTo - digitsFrom;
        if (digits < 1 || digits > MAX_ID_DIGITS) {
            return -1;
        }
        if (digits > 1 && name.charAt(digitsFrom) == '0') {
            return -1;
        }
        long id = 0;
        for (int i = digitsFrom; i < digitsTo; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            id = id * 10 + (c - '0');
        }
        if (id > Integer.MAX_VALUE
                || !SniHostNames.matchesLowerCase(name, 0, prefix)
                || !SniHostNames.matchesLowerCase(name, digitsTo, suffix)) {
            return -1;
        }
        return (int) id;
    }

    /**
     * Whether {@code host} has the pattern's prefix and suffix around any run of digits, canonical or
     * not (say {@code broker-007.gw.example.com}): a name a reader would take for a broker's.
     */
    public boolean resembles(String host) {
        int digitsTo = host.length() - suffix.length();
        if (digitsTo - prefix.length() < 1
                || !SniHostNames.matchesLowerCase(host, 0, prefix)
                || !SniHostNames.matchesLowerCase(host, digitsTo, suffix)) {
            return false;
        }
        for (int i = prefix.length(); i < digitsTo; i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The pattern, in lower case: prefix, {@link #PLACEHOLDER}, suffix. */
    @Override
    public String toString() {
        return prefix + PLACEHOLDER + suffix;
    }
}
