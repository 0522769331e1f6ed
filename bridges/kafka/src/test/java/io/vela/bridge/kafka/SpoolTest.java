package io.vela.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> all(Spool spool) throws IOException {
    List<String> out = new ArrayList<>();
    Spool.Position p = spool.head();
    Spool.Entry e;
    while ((e = spool.read(p)) != null) {
      out.add(new String(e.data(), StandardCharsets.UTF_8));
      p = e.next();
    }
    return out;
  }

  @Test
  void recordsComeBackInOrderAcrossSegmentsAndAfterReopen() throws IOException {
    try (Spool spool = new Spool(dir, 1 << 20, 4096)) {
      for (int i = 0; i < 1000; i++) {
        spool.append(b("record-" + i));
      }
      assertThat(spool.records()).isEqualTo(1000);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.filter(f -> f.toString().endsWith(".seg")).count()).isGreaterThan(2);
      }
    }
    try (Spool spool = new Spool(dir, 1 << 20, 4096)) {
      List<String> got = all(spool);
      assertThat(got).hasSize(1000);
      assertThat(got.get(0)).isEqualTo("record-0");
      assertThat(got.get(999)).isEqualTo("record-999");
    }
  }

  @Test
  void releasedRecordsStayGoneAfterReopenAndTheirSegmentsAreDeleted() throws IOException {
    Spool.Position after500;
    try (Spool spool = new Spool(dir, 1 << 20, 4096)) {
      for (int i = 0; i < 1000; i++) {
        spool.append(b("record-" + i));
      }
      Spool.Position p = spool.head();
      for (int i = 0; i < 500; i++) {
        p = spool.read(p).next();
      }
      after500 = p;
      spool.release(p, 500);
      assertThat(spool.records()).isEqualTo(500);
      assertThat(all(spool).get(0)).isEqualTo("record-500");
    }
    try (Spool spool = new Spool(dir, 1 << 20, 4096)) {
      assertThat(spool.head()).isEqualTo(after500);
      List<String> got = all(spool);
      assertThat(got).hasSize(500);
      assertThat(got.get(0)).isEqualTo("record-500");
      assertThat(spool.records()).isEqualTo(500);
    }
  }

  @Test
  void aTornLastRecordIsDroppedAtReopen() throws IOException {
    try (Spool spool = new Spool(dir, 1 << 20, 1 << 16)) {
      spool.append(b("first"));
      spool.append(b("second"));
    }
    Path seg;
    try (Stream<Path> files = Files.list(dir)) {
      seg = files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 2); // the write of "second" was cut short
    }
    try (Spool spool = new Spool(dir, 1 << 20, 1 << 16)) {
      assertThat(all(spool)).containsExactly("first");
      spool.append(b("third"));
      assertThat(all(spool)).containsExactly("first", "third");
    }
  }

  @Test
  void fullSpoolSaysSoAndDropOldestFreesTheOldestSegment() throws IOException {
    try (Spool spool = new Spool(dir, 65536, 8192)) {
      byte[] kb = new byte[1000];
      int n = 0;
      while (spool.fits(kb.length)) {
        spool.append(kb);
        n++;
      }
      assertThat(n).isBetween(60, 66);
      long dropped = spool.dropOldest();
      assertThat(dropped).isBetween(7L, 9L);
      assertThat(spool.records()).isEqualTo(n - dropped);
      assertThat(spool.fits(kb.length)).isTrue();
    }
  }
}
