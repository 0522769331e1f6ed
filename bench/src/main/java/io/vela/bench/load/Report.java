package io.vela.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the {@code RESULT ...} lines of several runs into a Markdown table (median and min–max per metric and broker,
 * the ratio of the first broker to the second) and writes it into a Markdown file between
 * {@code <!-- results:start -->} and {@code <!-- results:end -->}, replacing what was there.
 *
 * <p>Arguments: RESULTS_FILE MARKDOWN_FILE [header lines as key=value, printed in order].
 */
final class Report {

  static final String START = "<!-- results:start -->";
  static final String END = "<!-- results:end -->";

  /** metric key, label, what "better" is, target (from issue 5) per scenario. */
  private record Metric(String key, String label, String target) {
  }

  private static final Map<String, List<Metric>> METRICS = new LinkedHashMap<>();

  static {
    METRICS.put("seed", List.of(
        new Metric("rate", "msg/s", "≥ 80,000"),
        new Metric("cpu_s_per_m", "broker CPU-s per 1 M msgs", "≤ 15"),
        new Metric("peak_rss_kb", "broker peak RSS (MiB)", ""),
        new Metric("lost", "lost (sum over rounds)", "0"),
        new Metric("dup", "duplicated (sum)", "0"),
        new Metric("ooo", "out of order (sum)", "")));
    METRICS.put("fanout", List.of(
        new Metric("rate", "deliveries/s", "≥ 300,000"),
        new Metric("cpu_s_per_m", "broker CPU-s per 1 M deliveries", "≤ 4"),
        new Metric("peak_rss_kb", "broker peak RSS (MiB)", ""),
        new Metric("lost", "not delivered, QoS 0 (sum)", "")));
    METRICS.put("fanin-qos0", List.of(
        new Metric("rate", "msg/s", "≥ 150,000"),
        new Metric("cpu_s_per_m", "broker CPU-s per 1 M msgs", ""),
        new Metric("peak_rss_kb", "broker peak RSS (MiB)", ""),
        new Metric("lost", "lost, QoS 0 (sum)", "no silent loss")));
    METRICS.put("fanin-qos1", List.of(
        new Metric("rate", "msg/s", "≥ 70,000"),
        new Metric("cpu_s_per_m", "broker CPU-s per 1 M msgs", ""),
        new Metric("peak_rss_kb", "broker peak RSS (MiB)", ""),
        new Metric("lost", "lost (sum)", "0"),
        new Metric("dup", "duplicated (sum)", "0")));
    METRICS.put("latency", List.of(
        new Metric("p50_us", "p50 µs", "≤ 150"),
        new Metric("p99_us", "p99 µs", "≤ 1,500"),
        new Metric("p999_us", "p99.9 µs", ""),
        new Metric("rate", "msg/s achieved", "2,000"),
        new Metric("cpu_s_per_m", "broker CPU-s per 1 M msgs", "")));
    METRICS.put("conns", List.of(
        new Metric("rate", "connects/s", "≥ 2,500"),
        new Metric("mem_per_conn_kb", "memory per idle connection: RSS growth + live Java heap growth (KiB)", "≤ 8"),
        new Metric("rss_per_conn_kb", "RSS growth per idle connection (KiB; JVM heap pre-touched, so outside it)", ""),
        new Metric("heap_per_conn_kb", "live Java heap per idle connection, after a full GC (KiB)", ""),
        new Metric("connections", "connections held", "10,000"),
        new Metric("peak_rss_kb", "broker peak RSS (MiB)", "")));
  }

  private Report() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: report RESULTS_FILE MARKDOWN_FILE [key=value ...]");
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.startsWith("RESULT ")) {
        continue;
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (String kv : line.substring(7).trim().split(" ")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          row.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      rows.add(row);
    }
    StringBuilder md = new StringBuilder();
    md.append(START).append('\n');
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      md.append("- ").append(args[i], 0, eq).append(": ").append(args[i].substring(eq + 1)).append('\n');
    }
    md.append('\n').append(table(rows));
    md.append("\n<details><summary>raw results (one line per run)</summary>\n\n```\n");
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.startsWith("RESULT ")) {
        md.append(line).append('\n');
      }
    }
    md.append("```\n</details>\n").append(END);
    Path out = Path.of(args[1]);
    String doc = Files.exists(out) ? Files.readString(out) : "";
    int s = doc.indexOf(START);
    int e = doc.indexOf(END);
    String updated = s >= 0 && e > s
        ? doc.substring(0, s) + md + doc.substring(e + END.length())
        : doc + "\n" + md + "\n";
    Files.writeString(out, updated);
    System.out.print(md);
  }

  static String table(List<Map<String, String>> rows) {
    Set<String> brokers = new LinkedHashSet<>();
    rows.forEach(r -> brokers.add(r.get("broker")));
    List<String> b = new ArrayList<>(brokers);
    StringBuilder t = new StringBuilder("| scenario | metric |");
    for (String name : b) {
      t.append(' ').append(name).append(" median (min–max) |");
    }
    if (b.size() == 2) {
      t.append(' ').append(b.get(0)).append(" / ").append(b.get(1)).append(" |");
    }
    t.append(" target (issue 5) |\n|---|---|");
    t.append("---|".repeat(b.size() + (b.size() == 2 ? 1 : 0) + 1)).append('\n');
    for (Map.Entry<String, List<Metric>> sc : METRICS.entrySet()) {
      List<Map<String, String>> mine = rows.stream().filter(r -> sc.getKey().equals(r.get("scenario"))).toList();
      if (mine.isEmpty()) {
        continue;
      }
      for (Metric m : sc.getValue()) {
        t.append("| ").append(sc.getKey()).append(" | ").append(m.label()).append(" |");
        double[] medians = new double[b.size()];
        for (int i = 0; i < b.size(); i++) {
          String broker = b.get(i);
          List<Double> v = new ArrayList<>();
          int runs = 0;
          int failed = 0;
          for (Map<String, String> r : mine) {
            if (broker.equals(r.get("broker"))) {
              runs++;
              if (!"true".equals(r.get("ok"))) {
                failed++;
              }
              if (r.containsKey(m.key())) {
                v.add(Double.parseDouble(r.get(m.key())) / (m.key().equals("peak_rss_kb") ? 1024 : 1));
              }
            }
          }
          medians[i] = Double.NaN;
          if (v.isEmpty()) {
            t.append(runs == 0 ? " not run |" : " n/a |");
            continue;
          }
          v.sort(null);
          double median = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
          medians[i] = median;
          boolean sum = m.label().contains("(sum");
          if (sum) {
            t.append(' ').append(num(v.stream().mapToDouble(Double::doubleValue).sum()));
          } else {
            t.append(' ').append(num(median));
            if (v.size() > 1) {
              t.append(" (").append(num(v.get(0))).append('–').append(num(v.get(v.size() - 1))).append(')');
            }
          }
          if (m == sc.getValue().get(0)) {
            t.append(" [").append(v.size()).append(v.size() == 1 ? " run" : " runs");
            if (failed > 0) {
              t.append(", ").append(failed).append(" stalled/incomplete");
            }
            t.append(']');
          }
          t.append(" |");
        }
        if (b.size() == 2) {
          boolean sum = m.label().contains("(sum");
          t.append(sum || Double.isNaN(medians[0]) || Double.isNaN(medians[1]) || medians[1] == 0
              ? " |" : String.format(Locale.ROOT, " %.2f |", medians[0] / medians[1]));
        }
        t.append(' ').append(m.target()).append(" |\n");
      }
    }
    return t.toString();
  }

  private static String num(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) d);
    }
    return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.2f", d);
  }
}
