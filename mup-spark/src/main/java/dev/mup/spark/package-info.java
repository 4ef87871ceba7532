/**
 * Sweeps on Apache Spark: {@link dev.mup.spark.SparkSweep} from Java, {@link dev.mup.spark.SparkSweepMain}
 * for {@code spark-submit}. Spark is a provided dependency.
 */
package dev.mup.spark;
