package io.vela.transport;

import io.vela.codec.ByteCounter;
import io.vela.metrics.BrokerMetrics;

/** Counts a connection's bytes into the broker metrics. */
final class MetricsByteCounter implements ByteCounter {

  private final BrokerMetrics metrics;
  private final BrokerMetrics.ListenerTraffic listener;

  MetricsByteCounter(BrokerMetrics metrics, String listenerName) {
    this.metrics = metrics;
    this.listener = metrics.listener(listenerName);
  }

  @Override
  public void received(int n) {
    metrics.bytesReceived.add(n);
    listener.bytesReceived.add(n);
  }

  @Override
  public void sent(int n) {
    metrics.bytesSent.add(n);
    listener.bytesSent.add(n);
  }
}
