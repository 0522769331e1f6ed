package io.vela.config;

/** The $SYS/broker/... status topics. */
public final class SysConfig {

  public boolean enabled = true;

  /** Seconds between updates. */
  public int intervalSeconds = 10;
}
