package io.vela.protocol;

/**
 * A shared subscription's topic filter {@code $share/{shareName}/{filter}} (MQTT 5 section 4.8.2; accepted from
 * MQTT 3.1.1 clients too, as most brokers do).
 *
 * @param shareName the group name: at least one character, no '/', '+' or '#'
 * @param filter    the topic filter that is matched against topic names
 */
public record SharedFilter(String shareName, String filter) {

  public static final String PREFIX = "$share/";

  /**
   * Parses a filter that starts with {@code $share/}.
   *
   * @return the parts, or null when it breaks [MQTT-4.8.2-1] (ShareName at least one character) or [MQTT-4.8.2-2]
   *     (no '/', '+' or '#' in the ShareName, which is followed by '/' and a valid Topic Filter)
   */
  public static SharedFilter parse(String sharedFilter) {
    if (!sharedFilter.startsWith(PREFIX)) {
      return null;
    }
    int slash = sharedFilter.indexOf('/', PREFIX.length());
    if (slash <= PREFIX.length()) {
      return null; // no '/' after the share name, or an empty share name
    }
    String shareName = sharedFilter.substring(PREFIX.length(), slash);
    if (shareName.indexOf('+') >= 0 || shareName.indexOf('#') >= 0) {
      return null;
    }
    String filter = sharedFilter.substring(slash + 1);
    if (!Topics.isValidFilter(filter)) {
      return null;
    }
    return new SharedFilter(shareName, filter);
  }

  @Override
  public String toString() {
    return PREFIX + shareName + "/" + filter;
  }
}
