package dev.sluice.gateway.examples;

/** The demo launcher's {@code --help} text, kept apart from the parsing in {@link DemoOptions}. */
final class DemoUsage {

    private DemoUsage() {}

    /** The {@code --help} text. */
    static String text() {
        StringBuilder text = new StringBuilder()
                .append("Usage: java -jar gateway-examples-demo.jar [OPTIONS]\n")
                .append('\n')
                .append(wrap("Runs a Sluice Kafka gateway in front of a Kafka cluster: an existing one (--bootstrap)"
                        + " or an embedded one the demo starts itself. Kafka clients bootstrap from the gateway and"
                        + " reach every broker through it. When the gateway serves, the demo prints one line to"
                        + " stdout:", "", 100))
                .append('\n')
                .append("  READY bootstrap=HOST:PORT upstream=HOST:PORT[,HOST:PORT...]\n")
                .append('\n')
                .append(wrap("where bootstrap is the address clients bootstrap from: --advertised-host and --port, or"
                        + " bootstrap.DOMAIN and --port with --sni-domain DOMAIN. The demo serves until stopped with"
                        + " Ctrl-C (SIGINT) or SIGTERM; it then leaves its gateway cluster if it is in one, stops accepting"
                        + " clients, gives open connections "
                        + Demo.DRAIN_TIMEOUT.toSeconds() + " s to close, stops the embedded cluster and exits. A"
                        + " second signal exits at once.", "", 100))
                .append('\n')
                .append("Options (--name VALUE or --name=VALUE):\n");
        for (DemoOptions.Option option : DemoOptions.Option.values()) {
            text.append("  ").append(option.flag).append(' ').append(option.metavar).append('\n');
            text.append(wrap(option.description, "      ", 100));
            if (option == DemoOptions.Option.INTERCEPTOR) {
                for (DemoInterceptor interceptor : DemoInterceptor.values()) {
                    text.append(String.format("        %-10s %s\n", interceptor.cliName(), interceptor.summary()));
                }
                text.append(wrap("The safeguard's defaults also refuse produce and create-topics requests without a"
                        + " client.id, and new topics outside 1..1000 partitions. A producer with acks=0 reads no responses, so it cannot be"
                        + " told why: the safeguard closes its connection instead.", "      ", 100));
            }
        }
        text.append("  -h, --help\n")
                .append("      Print this help and exit.\n")
                .append('\n')
                .append("SNI routing (--sni-domain DOMAIN):\n")
                .append(wrap("One TLS port, PORT, serves the whole cluster: the host name a client asks for in its"
                        + " TLS handshake says which broker it means. Clients must therefore connect by name, and"
                        + " bootstrap.DOMAIN and every broker-N.DOMAIN must resolve to the gateway. Without DNS for"
                        + " DOMAIN, add lines like these to /etc/hosts on the client's machine, one per broker, with"
                        + " the gateway's address (127.0.0.1 on the gateway's own machine). Once it serves, the demo"
                        + " logs the names in use.", "  ", 100))
                .append("    127.0.0.1 bootstrap.DOMAIN\n")
                .append("    127.0.0.1 broker-0.DOMAIN\n")
                .append(wrap("Clients speak TLS and trust the CA of the gateway's certificate, DIR/" + SniOptions.CA_FILE
                        + " with --tls-generate DIR. For example:", "  ", 100))
                .append("    java -jar gateway-examples-demo.jar --sni-domain kafka.test --tls-generate tls\n")
                .append("    kcat -X security.protocol=ssl -X ssl.ca.location=tls/ca.pem -b bootstrap.kafka.test:9192 -L\n")
                .append(wrap("A Java client sets security.protocol=SSL, ssl.truststore.type=PEM and"
                        + " ssl.truststore.location=tls/ca.pem.", "  ", 100))
                .append('\n')
                .append("Gateway clusters (--cluster-id ID --node-id ID):\n")
                .append(wrap("Several demos with the same cluster id in front of the same Kafka cluster form one"
                        + " gateway cluster; each prints a line to stdout after READY, and again whenever a node"
                        + " joins, leaves or dies (after the session timeout):", "  ", 100))
                .append("    MEMBERS n1@localhost:9192,n2@localhost:9292\n")
                .append(wrap("On one machine, give each node its own --port and point all but the first at the"
                        + " first one's upstream:", "  ", 100))
                .append("    java -jar gateway-examples-demo.jar --cluster-id c1 --node-id n1 --port 9192\n")
                .append("    java -jar gateway-examples-demo.jar --bootstrap UPSTREAM --cluster-id c1 --node-id n2 \\\n")
                .append("        --port 9292\n")
                .append(wrap("where UPSTREAM is the upstream= address of the first node's READY line. Stop the"
                        + " node that runs the embedded cluster last. With --advertised-host HOST every node"
                        + " advertises HOST, for a TCP load balancer in front of the nodes that forwards each port"
                        + " to the same port of any node.", "  ", 100))
                .append('\n')
                .append("Exit codes: 0 stopped cleanly (or --help), 1 failed to start or to stop cleanly,\n")
                .append("2 bad command line.\n")
                .append('\n')
                .append("Logs go to stderr: Sluice and the audit log (logger sluice.audit) at INFO, Kafka and\n")
                .append("everything else at WARN. Change a level with a system property, e.g.\n")
                .append("java -Dorg.slf4j.simpleLogger.log.dev.sluice=debug -jar ...\n");
        return text.toString();
    }

    static String wrap(String text, String indent, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }
}
