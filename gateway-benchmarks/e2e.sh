#!/usr/bin/env bash
# End-to-end harness of the gateway (issue 6): a real broker, HAProxy as a plain TCP relay and a
# Sluice gateway, each in its own process; the same load directly, through the relay and through the
# gateway, alternating over several rounds. Not part of the Maven build. Usage:
#
#   gateway-benchmarks/e2e.sh [--rounds 4] [--warmup 1] [--scenarios plain,interceptor,tls] [--report FILE.md] ...
#
# Builds what it needs the first time (or with E2E_REBUILD=1): the module's classes and its full run-time
# class path, copied into <build dir>/e2e-lib by the e2e profile. SLUICE_BUILD_DIR picks the build
# directory (default: target); MVN_ARGS adds Maven options (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  echo "e2e.sh: HAProxy is not installed; the harness uses it as the plain TCP relay." >&2
  echo "        Install it: sudo apt-get install -y haproxy   (Debian/Ubuntu; 2.6 on Debian 12)" >&2
  exit 3
fi

BUILD_DIR="${SLUICE_BUILD_DIR:-target}"
MODULE_TARGET="$PWD/gateway-benchmarks/${BUILD_DIR}"
if [ "${E2E_REBUILD:-0}" = 1 ] || [ ! -d "${MODULE_TARGET}/e2e-lib" ] || [ ! -d "${MODULE_TARGET}/classes" ]; then
  echo "e2e.sh: building gateway-benchmarks with -Pe2e into ${MODULE_TARGET}" >&2
  # -am builds the modules it depends on in the same reactor, so no prior `install` is needed.
  # shellcheck disable=SC2086
  ./mvnw -B -q ${MVN_ARGS:-} -Dsluice.build.directory="${BUILD_DIR}" -pl gateway-benchmarks -am -Pe2e \
    package -DskipTests
fi

# The broker's JVMs: the test kit starts them C1-only with serial GC and 512 MiB for fast test start-up.
# A benchmark wants a broker that runs like a production one (C2, G1, 1 GiB, as kafka-server-start.sh).
# _JAVA_OPTIONS is read after the command line, so it wins; the harness removes it again for the
# gateway's and the load generator's JVMs. Override with E2E_BROKER_JVM.
export _JAVA_OPTIONS="${E2E_BROKER_JVM:--XX:TieredStopAtLevel=4 -XX:-UseSerialGC -XX:+UseG1GC -Xms1g -Xmx1g}"

exec java -Xmx512m -cp "${MODULE_TARGET}/classes:${MODULE_TARGET}/e2e-lib/*" \
  dev.sluice.gateway.benchmarks.e2e.EndToEnd "$@"
