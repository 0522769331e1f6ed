package io.vela.browser;

import java.util.Map;

/** One result of the matrix: an engine running a client through a scenario. */
public record Cell(Engine engine, WebClient client, Scenario scenario, Status status, long millis, String detail,
    Map<String, String> observations) {

  /** pass, fail or not applicable (the client or its protocol version lacks the feature; the detail says why). */
  public enum Status {
    PASS("pass"), FAIL("FAIL"), NOT_APPLICABLE("n/a");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
