package io.vela.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IntrospectionCacheTest {

  @Test
  @DisplayName("bounded: the least recently used answer goes first; answers end at the TTL or the token's exp")
  void boundedAndTimed() {
    IntrospectionCache cache = new IntrospectionCache(2, 60);
    long now = 1_000_000_000L;
    cache.put("a", new JsonObject().put("sub", "a"), now);
    cache.put("b", null, now);
    assertThat(cache.get("a", now)).isInstanceOf(JsonObject.class); // a is now the most recently used
    cache.put("c", new JsonObject().put("sub", "c"), now);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("b", now)).as("evicted").isNull();
    assertThat(cache.get("a", now + 59_000)).isNotNull();
    assertThat(cache.get("a", now + 60_000)).as("past the TTL").isNull();

    cache.put("short", new JsonObject().put("exp", (now + 5_000) / 1000), now);
    assertThat(cache.get("short", now + 4_000)).isNotNull();
    assertThat(cache.get("short", now + 5_000)).as("past exp").isNull();
    cache.put("inactive", null, now);
    assertThat(cache.get("inactive", now)).isSameAs(IntrospectionCache.INACTIVE);
  }

  @Test
  @DisplayName("size 0 or TTL 0 caches nothing")
  void off() {
    IntrospectionCache cache = new IntrospectionCache(0, 60);
    cache.put("a", new JsonObject(), 0);
    assertThat(cache.get("a", 0)).isNull();
  }
}
