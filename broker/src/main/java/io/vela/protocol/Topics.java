package io.vela.protocol;

/**
 * Topic name and topic filter rules (MQTT 3.1.1 section 4.7, MQTT 5 section 4.7) and matching.
 * Pure functions on strings; no allocation on the matching path beyond what String offers.
 */
public final class Topics {

  public static final int MAX_UTF8_LENGTH = 65535;

  private Topics() {
  }

  /**
   * A valid topic name for PUBLISH: at least one character [MQTT-4.7.3-1], no wildcard characters [MQTT-3.3.2-2],
   * no U+0000 [MQTT-1.5.3-2] and no U+FFFD (what an invalid UTF-8 sequence decodes to) [MQTT-1.5.3-1].
   */
  public static boolean isValidTopicName(String topic) {
    if (topic == null || topic.isEmpty() || !isValidUtf8Text(topic)) {
      return false;
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (c == '+' || c == '#') {
        return false;
      }
    }
    return true;
  }

  /**
   * A valid topic filter: non-empty, '#' only as the last level on its own [MQTT-4.7.1-2], '+' only as a whole level
   * [MQTT-4.7.1-3], valid UTF-8 text.
   */
  public static boolean isValidFilter(String filter) {
    if (filter == null || filter.isEmpty() || !isValidUtf8Text(filter)) {
      return false;
    }
    int n = filter.length();
    for (int i = 0; i < n; i++) {
      char c = filter.charAt(i);
      if (c == '#') {
        boolean wholeLevel = (i == 0 || filter.charAt(i - 1) == '/');
        if (!wholeLevel || i != n - 1) {
          return false;
        }
      } else if (c == '+') {
        boolean startsLevel = (i == 0 || filter.charAt(i - 1) == '/');
        boolean endsLevel = (i == n - 1 || filter.charAt(i + 1) == '/');
        if (!startsLevel || !endsLevel) {
          return false;
        }
      }
    }
    return true;
  }

  /** Text that a conforming client may send in a UTF-8 string field: no U+0000, no replacement character. */
  public static boolean isValidUtf8Text(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\u0000' || c == '\uFFFD') {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /** True for filters starting with {@code $share/}, valid or not (see {@link SharedFilter#parse}). */
  public static boolean isSharedFilter(String filter) {
    return filter.startsWith(SharedFilter.PREFIX);
  }

  public static boolean hasWildcard(String filter) {
    return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
  }

  /**
   * True when {@code topic} matches {@code filter}. Filters starting with a wildcard never match topics starting with
   * '$' [MQTT-4.7.2-1].
   */
  public static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
      return false;
    }
    int fi = 0;
    int ti = 0;
    int fn = filter.length();
    int tn = topic.length();
    while (true) {
      int fEnd = filter.indexOf('/', fi);
      if (fEnd < 0) {
        fEnd = fn;
      }
      int levelLen = fEnd - fi;
      if (levelLen == 1 && filter.charAt(fi) == '#') {
        return true;
      }
      int tEnd = topic.indexOf('/', ti);
      if (tEnd < 0) {
        tEnd = tn;
      }
      boolean plus = levelLen == 1 && filter.charAt(fi) == '+';
      if (!plus && (tEnd - ti != levelLen || !topic.regionMatches(ti, filter, fi, levelLen))) {
        return false;
      }
      if (fEnd == fn) {
        return tEnd == tn; // filter consumed: the topic must be too
      }
      fi = fEnd + 1;
      if (tEnd == tn) {
        // topic consumed, filter has more levels: only a final "#" may remain ("a/#" matches "a")
        return fn - fi == 1 && filter.charAt(fi) == '#';
      }
      ti = tEnd + 1;
    }
  }
}
