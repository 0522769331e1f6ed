package io.vela.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vela.VelaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Collects every cell of this test run (all engine classes run in one failsafe JVM) and writes the matrix as
 * target/browser-matrix.md and target/browser-matrix.json after each engine class, so the files always hold
 * everything run so far. docs/conformance.md keeps a copy of the Markdown.
 */
public final class Matrix {

  private static final Path MARKDOWN = Path.of("target", "browser-matrix.md");
  private static final Path JSON = Path.of("target", "browser-matrix.json");

  /** The matrix of this test run. */
  public static final Matrix RUN = new Matrix();

  private final List<Cell> cells = new ArrayList<>();
  private final Map<Engine, EngineInfo> engines = new EnumMap<>(Engine.class);
  private final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  /** What ran as an engine. */
  public record EngineInfo(Engine engine, String version, String driver, String notes) {
  }

  Matrix() {
  }

  public synchronized void engine(EngineInfo info) {
    engines.put(info.engine(), info);
  }

  public synchronized void record(Cell cell) {
    cells.removeIf(c -> c.engine() == cell.engine() && c.client() == cell.client()
        && c.scenario() == cell.scenario());
    cells.add(cell);
  }

  public synchronized void write() throws IOException {
    Files.createDirectories(MARKDOWN.getParent());
    Files.writeString(MARKDOWN, markdown());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(JSON.toFile(), json());
  }

  private Cell cell(Engine e, WebClient c, Scenario s) {
    return cells.stream().filter(x -> x.engine() == e && x.client() == c && x.scenario() == s).findFirst()
        .orElse(null);
  }

  private List<Engine> engines() {
    return new ArrayList<>(this.engines.keySet());
  }

  synchronized String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("Run ").append(started).append(", Vela ").append(VelaBroker.version()).append(", engines from ")
        .append(EngineSource.fromSystemProperty().label()).append("s.\n\n");
    md.append("| engine | version | driven by | notes |\n|---|---|---|---|\n");
    engines.values().forEach(i -> md.append("| ").append(i.engine().label()).append(" | ").append(i.version())
        .append(" | ").append(i.driver()).append(" | ").append(i.notes()).append(" |\n"));
    md.append("\n| client | package |\n|---|---|\n");
    for (WebClient c : WebClient.values()) {
      md.append("| ").append(c.label()).append(" | npm `").append(c.npmPackage()).append('@')
          .append(ClientLibraries.version(c.npmPackage())).append("` |\n");
    }
    md.append("\nEach cell: pass, FAIL or n/a (not applicable), and the scenario's time in the page.\n\n");
    md.append("| scenario |");
    for (Engine e : engines()) {
      for (WebClient c : WebClient.values()) {
        md.append(' ').append(e.label()).append("<br>").append(c.id()).append(" |");
      }
    }
    md.append("\n|---|");
    md.append("---|".repeat(engines().size() * WebClient.values().length)).append('\n');
    for (Scenario s : Scenario.values()) {
      md.append("| ").append(s.description()).append(" |");
      for (Engine e : engines()) {
        for (WebClient c : WebClient.values()) {
          Cell cell = cell(e, c, s);
          md.append(' ').append(cell == null ? "not run" : cell.status() == Cell.Status.NOT_APPLICABLE ? "n/a"
              : cell.status().label() + " " + seconds(cell.millis())).append(" |");
        }
      }
      md.append('\n');
    }
    notApplicable(md);
    failures(md);
    differences(md);
    return md.toString();
  }

  private void notApplicable(StringBuilder md) {
    // (client, scenario, reason) -> the engines it applies to; named only when not every engine that ran
    Map<List<String>, TreeSet<String>> reasons = new TreeMap<>(java.util.Comparator.comparing(List::toString));
    cells.stream().filter(c -> c.status() == Cell.Status.NOT_APPLICABLE).forEach(c -> reasons
        .computeIfAbsent(List.of(c.client().id(), c.scenario().id(), c.detail()), k -> new TreeSet<>())
        .add(c.engine().label()));
    if (!reasons.isEmpty()) {
      md.append("\nNot applicable:\n\n");
      reasons.forEach((k, engineNames) -> {
        md.append("- ").append(k.get(0)).append(", ").append(k.get(1));
        if (engineNames.size() < engines.size()) {
          md.append(" (").append(String.join(", ", engineNames)).append(')');
        }
        md.append(": ").append(k.get(2)).append('\n');
      });
    }
  }

  private void failures(StringBuilder md) {
    List<Cell> failed = cells.stream().filter(c -> c.status() == Cell.Status.FAIL).toList();
    if (!failed.isEmpty()) {
      md.append("\nFailures:\n\n");
      failed.forEach(c -> md.append("- ").append(c.engine().label()).append(", ").append(c.client().id())
          .append(", ").append(c.scenario().id()).append(": ").append(c.detail().replace('\n', ' ')).append('\n'));
    }
  }

  /** Observations (what the engine did, as the page saw it) whose value is not the same in every engine. */
  private void differences(StringBuilder md) {
    Map<String, Map<Engine, String>> byKey = new LinkedHashMap<>();
    for (Scenario s : Scenario.values()) {
      for (WebClient c : WebClient.values()) {
        for (Engine e : engines()) {
          Cell cell = cell(e, c, s);
          if (cell != null) {
            cell.observations().forEach((k, v) -> byKey.computeIfAbsent(c.id() + ", " + s.id() + ": " + k,
                x -> new EnumMap<>(Engine.class)).put(e, v));
          }
        }
      }
    }
    md.append("\nWhat the engines did differently (observed by the page):\n\n");
    int differing = 0;
    for (Map.Entry<String, Map<Engine, String>> entry : byKey.entrySet()) {
      if (entry.getValue().size() > 1 && new TreeSet<>(entry.getValue().values()).size() > 1) {
        differing++;
        md.append("- ").append(entry.getKey()).append(": ");
        List<String> parts = new ArrayList<>();
        entry.getValue().forEach((e, v) -> parts.add(e.label() + " " + v));
        md.append(String.join("; ", parts)).append('\n');
      }
    }
    if (differing == 0) {
      md.append("- nothing: every observation was the same in every engine that ran\n");
    }
    md.append("\nSame in every engine:\n\n");
    for (Map.Entry<String, Map<Engine, String>> entry : byKey.entrySet()) {
      if (new TreeSet<>(entry.getValue().values()).size() == 1) {
        md.append("- ").append(entry.getKey()).append(": ").append(entry.getValue().values().iterator().next())
            .append('\n');
      }
    }
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  synchronized ObjectNode json() {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root = om.createObjectNode();
    root.put("run", started.toString());
    root.put("vela", VelaBroker.version());
    root.put("engineSource", EngineSource.fromSystemProperty().name().toLowerCase(java.util.Locale.ROOT));
    ArrayNode engineList = root.putArray("engines");
    engines.values().forEach(i -> engineList.addObject().put("engine", i.engine().label()).put("version", i.version())
        .put("driver", i.driver()).put("notes", i.notes()));
    ArrayNode clients = root.putArray("clients");
    for (WebClient c : WebClient.values()) {
      clients.addObject().put("id", c.id()).put("label", c.label()).put("npm", c.npmPackage() + "@"
          + ClientLibraries.version(c.npmPackage()));
    }
    ArrayNode cellList = root.putArray("cells");
    for (Cell c : cells) {
      ObjectNode n = cellList.addObject().put("engine", c.engine().label()).put("client", c.client().id())
          .put("scenario", c.scenario().id()).put("status", c.status().label().toLowerCase(java.util.Locale.ROOT))
          .put("millis", c.millis()).put("detail", c.detail());
      ObjectNode obs = n.putObject("observations");
      c.observations().forEach(obs::put);
    }
    return root;
  }
}
