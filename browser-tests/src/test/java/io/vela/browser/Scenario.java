package io.vela.browser;

/**
 * The scenarios of scenarios.js (same names), each run per engine x client. Most run entirely in the page; a few
 * need the Java side to act on the page or to check from outside it ({@link JavaPart}).
 */
public enum Scenario {
  CONNECT("connect", "connect, CONNACK and the `mqtt` subprotocol", JavaPart.NONE),
  TAKEOVER("takeover", "a second connection with the same client id takes the session over; the page sees the first "
      + "one closed", JavaPart.NONE),
  WILDCARDS("wildcards", "subscribe with `+` and `#`", JavaPart.NONE),
  QOS("qos-0-1-2", "publish/receive at QoS 0, 1 and 2", JavaPart.NONE),
  RETAINED("retained", "retained message on subscribe", JavaPart.NONE),
  WILL("will", "will published when the page is closed abruptly (checked by a Java client)", JavaPart.CLOSE_PAGE),
  BINARY("binary-payloads", "binary payloads: all 256 byte values and 256 KiB", JavaPart.NONE),
  ORDERING("ordering-1000-qos1", "ordering of 1,000 QoS 1 messages", JavaPart.NONE),
  PERSISTENT_SESSION("persistent-session", "reconnect to a persistent session gets the messages queued while away",
      JavaPart.NONE),
  USER_PROPERTIES("user-properties", "MQTT 5 user properties", JavaPart.NONE),
  REQUEST_RESPONSE("request-response", "MQTT 5 request/response (response topic, correlation data)", JavaPart.NONE),
  WSS("wss", "WebSocket over TLS (test CA made at test time)", JavaPart.NONE),
  BACKGROUND_PAGE("background-page", "a background page keeps its connection for 2 x keep-alive "
      + "(answered by a Java client)", JavaPart.BACKGROUND),
  TOKEN_AUTH("token-auth", "token authentication: the page gets an access token from the identity provider "
      + "(client credentials, in the page) and connects with it; a bogus token is refused", JavaPart.NONE),
  ACL_DENIED("acl-denied", "ACL from the token's claim: a denied SUBSCRIBE is visible to the app (SUBACK failure), "
      + "an allowed one works", JavaPart.NONE);

  /** What the Java side does once the page reports it is ready. */
  public enum JavaPart {
    NONE,
    /** Close the page abruptly; a Java client must receive the page client's will. */
    CLOSE_PAGE,
    /** Put another tab in front; answer the page's ping from a Java client. */
    BACKGROUND
  }

  private final String id;
  private final String description;
  private final JavaPart javaPart;

  Scenario(String id, String description, JavaPart javaPart) {
    this.id = id;
    this.description = description;
    this.javaPart = javaPart;
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  public JavaPart javaPart() {
    return javaPart;
  }

  /** Whether the identity provider must be told to issue a token for this scenario's page. */
  public boolean needsToken() {
    return this == TOKEN_AUTH || this == ACL_DENIED;
  }

  @Override
  public String toString() {
    return id;
  }
}
