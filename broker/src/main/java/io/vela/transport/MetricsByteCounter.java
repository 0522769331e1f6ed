package io.vela.transport;

import io.vela.codec.ByteCounter;
import io.vela.metrics.BrokerMetrics;

/** Counts a connection's bytes into the broker metrics. */
final class MetricsByteCounter implements ByteCounter {

  private final BrokerMetrics metrics;

  MetricsByteCounter(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void received(int n) {
    metrics.bytesReceived.add(n);
  }

  @Override
  public void sent(int n) {
    metrics.bytesSent.add(n);
  }
}
