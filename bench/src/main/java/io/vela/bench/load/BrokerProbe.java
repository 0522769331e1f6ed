package io.vela.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a broker process's CPU time and memory from /proc (Linux). A pid of 0 probes nothing. */
final class BrokerProbe {

  private final long pid;
  private final long clockTicks;

  BrokerProbe(long pid) {
    this.pid = pid;
    this.clockTicks = pid == 0 ? 100 : clockTicks();
  }

  boolean active() {
    return pid != 0;
  }

  /** utime + stime of the process in seconds (all threads, children excluded). */
  double cpuSeconds() {
    if (pid == 0) {
      return 0;
    }
    String stat = read("stat");
    // fields after the command name, which is in parentheses and may contain spaces
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(f[11]); // field 14 overall
    long stime = Long.parseLong(f[12]); // field 15
    return (utime + stime) / (double) clockTicks;
  }

  /**
   * CPU seconds (utime + stime) per kind of thread: thread names from /proc/PID/task/TID/comm with trailing digits
   * and separators stripped and spaces as '_' (e.g. {@code vert.x-eventloo}, {@code C2_CompilerThre},
   * {@code GC_Thread}), so a run can say how much went to the event loops, the JIT and the GC.
   */
  java.util.Map<String, Double> cpuByThreadKind() {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    if (pid == 0) {
      return out;
    }
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(t.resolve("comm")).trim();
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) clockTicks;
          String kind = comm.replaceAll("[-#_ ]*[0-9]+$", "").replace(' ', '_');
          out.merge(kind, cpu, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // no per-thread view
    }
    return out;
  }

  /** The difference {@code after - before} per thread kind, as {@code kind:seconds,...} (largest first, > 0.005 s). */
  static String diff(java.util.Map<String, Double> before, java.util.Map<String, Double> after) {
    StringBuilder sb = new StringBuilder();
    after.entrySet().stream()
        .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() > 0.005)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append(':')
            .append(String.format(java.util.Locale.ROOT, "%.2f", e.getValue())));
    return sb.length() == 0 ? "-" : sb.toString();
  }

  /**
   * The broker's live Java heap in KiB after a full GC ({@code jcmd PID GC.run}, then the "used" figure of
   * {@code GC.heap_info}), or -1 when the broker is not a JVM or jcmd is not available.
   */
  long liveHeapKb() {
    if (pid == 0) {
      return -1;
    }
    try {
      if (!jcmd("GC.run").contains("Command executed successfully")) {
        return -1;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private String jcmd(String command) throws IOException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** VmRSS in KiB. */
  long rssKb() {
    return status("VmRSS:");
  }

  /** VmHWM (peak resident set) in KiB. */
  long peakRssKb() {
    return status("VmHWM:");
  }

  /** Resets the peak RSS counter (writes 5 to clear_refs; needs the same user or root). True if it worked. */
  boolean resetPeak() {
    if (pid == 0) {
      return false;
    }
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private long status(String key) {
    if (pid == 0) {
      return 0;
    }
    for (String line : read("status").split("\n")) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), file));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/" + file + ": " + e.getMessage(), e);
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100; // Linux USER_HZ on every common platform
    }
  }
}
