package io.vela.protocol;

/** The protocol levels Vela speaks. */
public enum MqttVersion {
  V3_1(3, "3.1"), V3_1_1(4, "3.1.1"), V5(5, "5.0");

  private final int level;
  private final String label;

  MqttVersion(int level, String label) {
    this.level = level;
    this.label = label;
  }

  public int level() {
    return level;
  }

  public String label() {
    return label;
  }

  public boolean isV5() {
    return this == V5;
  }

  public static MqttVersion ofLevel(int level) {
    for (MqttVersion v : values()) {
      if (v.level == level) {
        return v;
      }
    }
    throw new IllegalArgumentException("unsupported protocol level " + level);
  }
}
