package io.vela.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MatrixTest {

  private static Cell cell(Engine e, WebClient c, Scenario s, Cell.Status status, String detail,
      Map<String, String> observations) {
    return new Cell(e, c, s, status, 1234, detail, observations);
  }

  @Test
  void aCellShowsItsStatusAndTimeUnderItsEngineAndClient() {
    Matrix m = new Matrix();
    m.engine(new Matrix.EngineInfo(Engine.CHROMIUM, "Chromium 1", "Playwright", ""));
    m.record(cell(Engine.CHROMIUM, WebClient.MQTTJS_5, Scenario.CONNECT, Cell.Status.PASS, "", Map.of()));
    m.record(cell(Engine.CHROMIUM, WebClient.PAHO_311, Scenario.CONNECT, Cell.Status.FAIL, "no CONNACK", Map.of()));

    String md = m.markdown();

    assertThat(md).contains("| Chromium | Chromium 1 | Playwright |");
    assertThat(md).contains("| " + Scenario.CONNECT.description() + " | not run | pass 1.2 s | FAIL 1.2 s |");
    assertThat(md).contains("- Chromium, paho-3.1.1, connect: no CONNACK");
  }

  @Test
  void aRerunCellReplacesTheEarlierOne() {
    Matrix m = new Matrix();
    m.engine(new Matrix.EngineInfo(Engine.FIREFOX, "Firefox 1", "BiDi", ""));
    m.record(cell(Engine.FIREFOX, WebClient.MQTTJS_311, Scenario.WSS, Cell.Status.FAIL, "x", Map.of()));
    m.record(cell(Engine.FIREFOX, WebClient.MQTTJS_311, Scenario.WSS, Cell.Status.PASS, "", Map.of()));

    assertThat(m.json().path("cells")).hasSize(1);
    assertThat(m.json().path("cells").get(0).path("status").asText()).isEqualTo("pass");
  }

  @Test
  void observationsThatDifferBetweenEnginesAreListedAsDifferencesAndTheRestAsTheSame() {
    Matrix m = new Matrix();
    m.engine(new Matrix.EngineInfo(Engine.CHROMIUM, "c", "d", ""));
    m.engine(new Matrix.EngineInfo(Engine.WEBKIT, "w", "d", ""));
    m.record(cell(Engine.CHROMIUM, WebClient.MQTTJS_5, Scenario.CONNECT, Cell.Status.PASS, "",
        Map.of("close", "1000 clean", "subprotocol", "mqtt")));
    m.record(cell(Engine.WEBKIT, WebClient.MQTTJS_5, Scenario.CONNECT, Cell.Status.PASS, "",
        Map.of("close", "1000 not clean", "subprotocol", "mqtt")));

    String md = m.markdown();
    String differences = md.substring(md.indexOf("differently"), md.indexOf("Same in every engine"));
    String same = md.substring(md.indexOf("Same in every engine"));

    assertThat(differences).contains("- mqttjs-5, connect: close: Chromium 1000 clean; WebKit 1000 not clean")
        .doesNotContain("subprotocol");
    assertThat(same).contains("- mqttjs-5, connect: subprotocol: mqtt").doesNotContain("close");
  }

  @Test
  void notApplicableCellsCarryTheirReasonAndNameTheEnginesWhenNotAll() {
    Matrix m = new Matrix();
    m.engine(new Matrix.EngineInfo(Engine.CHROMIUM, "c", "d", ""));
    m.engine(new Matrix.EngineInfo(Engine.WEBKIT, "w", "d", ""));
    for (Engine e : new Engine[] {Engine.CHROMIUM, Engine.WEBKIT}) {
      m.record(cell(e, WebClient.PAHO_311, Scenario.USER_PROPERTIES, Cell.Status.NOT_APPLICABLE,
          "user properties are MQTT 5", Map.of()));
    }
    m.record(cell(Engine.CHROMIUM, WebClient.PAHO_311, Scenario.BACKGROUND_PAGE, Cell.Status.NOT_APPLICABLE,
        "stays visible", Map.of()));

    assertThat(m.markdown()).contains("- paho-3.1.1, user-properties: user properties are MQTT 5\n")
        .contains("- paho-3.1.1, background-page (Chromium): stays visible\n");
  }
}
