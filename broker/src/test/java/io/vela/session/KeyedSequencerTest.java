package io.vela.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyedSequencerTest {

  @Test
  void tasksForOneKeyRunOneAfterAnotherAndOthersDoNotWait() {
    KeyedSequencer seq = new KeyedSequencer();
    List<String> log = new ArrayList<>();
    Promise<Void> first = Promise.promise();
    seq.submit("k", () -> {
      log.add("k1 start");
      return first.future();
    });
    seq.submit("k", () -> {
      log.add("k2 start");
      return Future.succeededFuture();
    });
    seq.submit("other", () -> {
      log.add("other start");
      return Future.succeededFuture();
    });
    assertThat(log).containsExactly("k1 start", "other start");
    first.complete();
    assertThat(log).containsExactly("k1 start", "other start", "k2 start");
    assertThat(seq.pending()).isZero();
  }

  @Test
  void aFailedTaskDoesNotBlockTheNext() {
    KeyedSequencer seq = new KeyedSequencer();
    List<String> log = new ArrayList<>();
    seq.submit("k", () -> {
      throw new IllegalStateException("boom");
    });
    seq.submit("k", () -> {
      log.add("ran");
      return Future.succeededFuture();
    });
    assertThat(log).containsExactly("ran");
  }
}
