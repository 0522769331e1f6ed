package io.vela.bridge.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A bounded first-in first-out queue of byte records on disk: append-only segment files
 * ({@code <number>.seg}) of records {@code [length int][crc32c int][bytes]}, and a {@code head} file with the
 * position of the oldest record not yet taken off. Not thread-safe: one owner (a worker context) uses it.
 *
 * <p>Written records are in the page cache at once and survive a crash of the broker process; {@code fsync} is not
 * done per record, so an operating-system crash can lose the newest ones. Reopening skips a torn last record (CRC).
 */
final class Spool implements AutoCloseable {

  /** Where a record starts; ordered. */
  record Position(long segment, long offset) implements Comparable<Position> {
    @Override
    public int compareTo(Position o) {
      return segment != o.segment ? Long.compare(segment, o.segment) : Long.compare(offset, o.offset);
    }
  }

  /** One record read at {@code at}; {@code next} is where the one after it starts. */
  record Entry(Position at, Position next, byte[] data) {
  }

  private static final int HEADER = 8;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final TreeMap<Long, Long> segments = new TreeMap<>(); // number → size in bytes
  private final Map<Long, FileChannel> open = new TreeMap<>();
  private Position head;
  private long records;
  private volatile long bytes;

  Spool(Path dir, long maxBytes, long segmentBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    try {
      Files.createDirectories(dir);
      recover();
    } catch (IOException e) {
      throw new UncheckedIOException("kafka bridge spool " + dir + ": " + e.getMessage(), e);
    }
  }

  long records() {
    return records;
  }

  long bytes() {
    return bytes;
  }

  boolean fits(int size) {
    return bytes + HEADER + size <= maxBytes;
  }

  Position head() {
    return head;
  }

  /** Appends one record; the caller checked {@link #fits}. */
  void append(byte[] data) throws IOException {
    long last = segments.isEmpty() ? head.segment() : segments.lastKey();
    if (segments.isEmpty() || segments.get(last) + HEADER + data.length > segmentBytes && segments.get(last) > 0) {
      last = segments.isEmpty() ? last : last + 1;
      segments.put(last, 0L);
    }
    long size = segments.get(last);
    ByteBuffer b = ByteBuffer.allocate(HEADER + data.length);
    CRC32C crc = new CRC32C();
    crc.update(data);
    b.putInt(data.length).putInt((int) crc.getValue()).put(data).flip();
    FileChannel ch = channel(last);
    while (b.hasRemaining()) {
      ch.write(b, size + b.position());
    }
    segments.put(last, size + HEADER + data.length);
    records++;
    bytes += HEADER + data.length;
  }

  /** The record at {@code at}, or null when there is none (end of the spool). */
  Entry read(Position at) throws IOException {
    Position p = at;
    while (true) {
      Long size = segments.get(p.segment());
      if (size == null) {
        return null;
      }
      if (p.offset() < size) {
        break;
      }
      Long next = segments.higherKey(p.segment());
      if (next == null) {
        return null;
      }
      p = new Position(next, 0);
    }
    FileChannel ch = channel(p.segment());
    ByteBuffer h = ByteBuffer.allocate(HEADER);
    readFully(ch, h, p.offset());
    int length = h.getInt(0);
    byte[] data = new byte[length];
    readFully(ch, ByteBuffer.wrap(data), p.offset() + HEADER);
    return new Entry(p, new Position(p.segment(), p.offset() + HEADER + length), data);
  }

  /**
   * Takes every record before {@code to} off the spool: whole segments are deleted, the head position is saved.
   *
   * @param count how many records that is
   */
  void release(Position to, long count) throws IOException {
    if (to.compareTo(head) <= 0) {
      return;
    }
    records -= count;
    for (Long s : new ArrayList<>(segments.headMap(to.segment()).keySet())) {
      bytes -= segments.remove(s);
      FileChannel ch = open.remove(s);
      if (ch != null) {
        ch.close();
      }
      Files.deleteIfExists(segmentPath(s));
    }
    head = to;
    bytes = usedBytes();
    Path tmp = dir.resolve("head.tmp");
    Files.writeString(tmp, to.segment() + " " + to.offset());
    Files.move(tmp, dir.resolve("head"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Drops the oldest segment (or, if only one is left, everything); returns how many records were dropped. */
  long dropOldest() throws IOException {
    if (segments.isEmpty()) {
      return 0;
    }
    long first = segments.firstKey();
    Position end;
    Long second = segments.higherKey(first);
    end = second != null ? new Position(second, 0) : new Position(first, segments.get(first));
    long count = 0;
    Position p = head;
    Entry e;
    while (p.compareTo(end) < 0 && (e = read(p)) != null && e.at().compareTo(end) < 0) {
      count++;
      p = e.next();
    }
    release(end, count);
    return count;
  }

  @Override
  public void close() throws IOException {
    for (FileChannel ch : open.values()) {
      ch.close();
    }
    open.clear();
  }

  private void recover() throws IOException {
    head = new Position(1, 0);
    Path headFile = dir.resolve("head");
    if (Files.exists(headFile)) {
      String[] parts = Files.readString(headFile).trim().split(" ");
      head = new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    }
    List<Long> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.seg"))
          .forEach(n -> found.add(Long.parseLong(n.substring(0, 20))));
    }
    found.sort(null);
    for (long s : found) {
      if (s < head.segment()) {
        Files.deleteIfExists(segmentPath(s));
        continue;
      }
      segments.put(s, scan(s, s == head.segment() ? head.offset() : 0));
    }
    if (segments.isEmpty()) {
      head = new Position(head.segment(), 0);
      segments.put(head.segment(), 0L);
    } else if (!segments.containsKey(head.segment())) {
      head = new Position(segments.firstKey(), 0);
    }
    bytes = usedBytes();
  }

  private long usedBytes() {
    long sum = 0;
    for (long size : segments.values()) {
      sum += size;
    }
    return sum - head.offset();
  }

  /** Counts the intact records from {@code from}; truncates the file after the last one. */
  private long scan(long segment, long from) throws IOException {
    FileChannel ch = channel(segment);
    long size = ch.size();
    long p = from;
    ByteBuffer h = ByteBuffer.allocate(HEADER);
    while (p + HEADER <= size) {
      h.clear();
      readFully(ch, h, p);
      int length = h.getInt(0);
      if (length < 0 || p + HEADER + length > size) {
        break;
      }
      byte[] data = new byte[length];
      readFully(ch, ByteBuffer.wrap(data), p + HEADER);
      CRC32C crc = new CRC32C();
      crc.update(data);
      if ((int) crc.getValue() != h.getInt(4)) {
        break;
      }
      records++;
      p += HEADER + length;
    }
    if (p < size) {
      ch.truncate(p);
    }
    return p;
  }

  private FileChannel channel(long segment) throws IOException {
    FileChannel ch = open.get(segment);
    if (ch == null) {
      ch = FileChannel.open(segmentPath(segment), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      open.put(segment, ch);
    }
    return ch;
  }

  private Path segmentPath(long segment) {
    return dir.resolve(String.format("%020d.seg", segment));
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long p = at;
    while (b.hasRemaining()) {
      int n = ch.read(b, p);
      if (n < 0) {
        throw new IOException("unexpected end of spool segment");
      }
      p += n;
    }
  }
}
