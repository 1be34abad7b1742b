/**
 * JMH benchmarks of the gateway's hot paths, and the little infrastructure they share.
 *
 * <p>The benchmarks themselves sit in the gateway's internal packages (for example {@code
 * dev.sluice.gateway.internal.proxy}) so that they drive package-private classes directly; this
 * module runs on the class path, where a package may span jars. See the module's README for how to
 * build and run them.
 */
@NullMarked
package dev.sluice.gateway.benchmarks;

import org.jspecify.annotations.NullMarked;
