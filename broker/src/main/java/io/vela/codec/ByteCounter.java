package io.vela.codec;

/** Receives byte counts from the network layer (for metrics and $SYS). */
public interface ByteCounter {

  void received(int bytes);

  void sent(int bytes);
}
