package io.vela.auth;

/**
 * A rule's topic filter, split once into levels, matched without allocating: against a PUBLISH topic name, or
 * against a SUBSCRIBE filter, which it must cover entirely (rule {@code a/#} covers {@code a/+/b}; rule {@code a/+}
 * does not cover {@code a/#}). As in MQTT matching, a wildcard first level never covers a {@code $} topic.
 * {@code eq FILTER} matches only that exact string (EMQX's form for rules about a wildcard filter itself).
 */
final class AclFilter {

  private final String[] levels;
  private final String exact;

  private AclFilter(String[] levels, String exact) {
    this.levels = levels;
    this.exact = exact;
  }

  static AclFilter of(String filter) {
    if (filter.startsWith("eq ")) {
      return new AclFilter(null, filter.substring(3));
    }
    return new AclFilter(filter.split("/", -1), null);
  }

  /** Whether {@code subject} (a topic name or a topic filter) lies within this filter. */
  boolean covers(String subject) {
    if (exact != null) {
      return exact.equals(subject);
    }
    int length = subject.length();
    boolean dollar = length > 0 && subject.charAt(0) == '$';
    int pos = 0;
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.equals("#")) {
        return !(i == 0 && dollar);
      }
      if (pos > length) {
        return false; // the subject has fewer levels
      }
      int end = subject.indexOf('/', pos);
      if (end < 0) {
        end = length;
      }
      int segLength = end - pos;
      if (level.equals("+")) {
        if (i == 0 && dollar || segLength == 1 && subject.charAt(pos) == '#') {
          return false;
        }
      } else if (segLength != level.length() || !subject.regionMatches(pos, level, 0, segLength)) {
        return false;
      }
      pos = end + 1;
    }
    return pos == length + 1;
  }
}
