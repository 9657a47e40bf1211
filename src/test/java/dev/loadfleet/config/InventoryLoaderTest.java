package dev.loadfleet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.plan.Plan;
import dev.loadfleet.plan.Share;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InventoryLoaderTest {
  @TempDir Path dir;

  @Test
  void theExampleInventoryLoadsAndPlans() throws Exception {
    Path key = Files.writeString(dir.resolve("id_ed25519"), "not read until connect");
    String example =
        Files.readString(Path.of("conf/cluster.example.yaml"))
            .replace("~/.ssh/id_ed25519", key.toString())
            .replace("~/.ssh/known_hosts", dir.resolve("known_hosts").toString());
    Inventory inv = InventoryLoader.load(Files.writeString(dir.resolve("cluster.yaml"), example));
    assertEquals(500, inv.users());
    assertEquals(Duration.ofMinutes(10), inv.duration().orElseThrow());
    assertEquals(4, inv.hosts().size());
    HostSpec inj3 = inv.host("inj3").orElseThrow();
    assertEquals("[10.0.0.13]:2222", inj3.knownHostsName());
    assertEquals(new JumpHost("admin", "bastion.example.org", 22), inj3.jump().orElseThrow());
    assertEquals("full", inv.workload().get("profile"));
    Plan plan = Plan.of(inv);
    assertEquals(500, plan.shares().stream().mapToInt(Share::users).sum());
    assertTrue(
        plan.share("inj1").users() <= 250 && plan.share("inj4").users() <= 150, plan.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "metacharacter in address | address: 'a;reboot' | hosts[0] address",
        "path traversal in baseDir | baseDir: 'loadfleet/../../etc' | baseDir",
        "command substitution in user | user: '$(id)' | user",
        "newline in name | name: \"a\\nb\" | name",
        "control character in workload value | WORKLOAD examId: \"3\\a0\" | workload.examId",
        "unset environment variable | WORKLOAD apiKey: '${env:LOADFLEET_TEST_UNSET}' |"
            + " workload.apiKey",
        "launcher-owned knob | WORKLOAD users: '3' | workload.users",
      })
  void hostileValuesAreRefusedNamingTheField(String label, String line, String field)
      throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    String host = "  - address: 10.0.0.1\n    keyFile: " + key + "\n";
    String workload = "";
    if (line.startsWith("WORKLOAD ")) {
      workload = "workload:\n  " + line.substring(9) + "\n";
    } else if (line.startsWith("address:")) {
      host = "  - " + line + "\n    keyFile: " + key + "\n";
    } else {
      host += "    " + line + "\n";
    }
    Path f =
        Files.writeString(
            dir.resolve("c.yaml"), "users: 10\nrampRate: 1\n" + workload + "hosts:\n" + host);
    InventoryException e = assertThrows(InventoryException.class, () -> InventoryLoader.load(f));
    assertTrue(e.getMessage().contains(field), label + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
  }

  @Test
  void missingKeyFileDuplicateHostAndTooManyUsersAreRefused() throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    Path missing =
        write("hosts:\n  - address: h1\n    name: h1\n    keyFile: " + dir.resolve("nope") + "\n");
    InventoryException e =
        assertThrows(InventoryException.class, () -> InventoryLoader.load(missing));
    assertTrue(
        e.getMessage().contains("host h1 keyFile") && e.getMessage().contains("ssh-keygen"),
        e.getMessage());

    Path duplicate =
        write(
            "hosts:\n  - {address: h1, keyFile: "
                + key
                + "}\n  - {address: h1, name: other, keyFile: "
                + key
                + "}\n");
    e = assertThrows(InventoryException.class, () -> InventoryLoader.load(duplicate));
    assertTrue(e.getMessage().contains("host other address: duplicate host"), e.getMessage());

    Path capped =
        write(
            "hosts:\n  - {address: h1, maxUsers: 4, keyFile: "
                + key
                + "}\n  - {address: h2, maxUsers: 5, keyFile: "
                + key
                + "}\n");
    e = assertThrows(InventoryException.class, () -> InventoryLoader.load(capped));
    assertTrue(
        e.getMessage().contains("users: 10 users is more than the hosts' maxUsers allow (9"),
        e.getMessage());
  }

  @Test
  void workloadKnobsReachTheInjectorsInTheOrderTheyAreWritten() throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    // Enough knobs that an order-losing copy (Map.copyOf iterates in a per-JVM salted order)
    // cannot keep this order by luck; written against the alphabet and against Key order.
    List<String> written =
        List.of(
            "sloP95Ms",
            "sloMeanMs",
            "sloFailedPercent",
            "sizeField",
            "serviceDiscard",
            "serviceDataDir",
            "seqField",
            "requestTimeout",
            "recordingSize",
            "profile",
            "heartbeatPath",
            "heartbeatMethod",
            "heartbeatInterval",
            "fileField",
            "extraFields",
            "examIdField",
            "examId",
            "checksumField",
            "uploadPath",
            "uploadMethod",
            "uploadInterval",
            "studentIdPrefix",
            "studentIdField");
    StringBuilder knobs = new StringBuilder("workload:\n");
    for (String knob : written) {
      knobs.append("  ").append(knob).append(": ").append(value(knob)).append('\n');
    }
    Path f = write(knobs + "hosts:\n  - address: 10.0.0.1\n    keyFile: " + key + "\n");

    Inventory inv = InventoryLoader.load(f);

    assertEquals(written, new ArrayList<>(inv.workload().keySet()));
    List<String> flags = new ArrayList<>(inv.knobs().keySet());
    assertEquals(written, flags.subList(0, written.size()));
    assertEquals(List.of("users", "rampRate"), flags.subList(written.size(), flags.size()));
  }

  @Test
  void workloadValuesWithSpacesQuotesAndGatlingElAreAcceptedVerbatim() throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    Map<String, String> knobs = new LinkedHashMap<>();
    knobs.put("uploadPath", "/exams/#{examId}/upload");
    knobs.put("extraFields", "note=it's \"quoted\" $(id) `id`; rm -rf ~ | & > < * ? ! # ~");
    knobs.put("custom.flag", "a b\\c 'd' ${HOME} é中");
    StringBuilder y = new StringBuilder("workload:\n");
    knobs.forEach(
        (k, v) -> y.append("  ").append(k).append(": ").append(yamlQuoted(v)).append('\n'));
    Path f = write(y + "hosts:\n  - address: 10.0.0.1\n    keyFile: " + key + "\n");

    Inventory inv = InventoryLoader.load(f);

    knobs.forEach((k, v) -> assertEquals(v, inv.workload().get(k), k));
    Workload w = inv.workloadFor(Path.of("conf"));
    assertEquals("/exams/#{examId}/upload", w.upload().path());
  }

  @Test
  void secretKnobsAreAuthHeaderTheListedOnesAndThoseFromTheEnvironment() throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    Path f =
        write(
            "secretKnobs: [apiKey]\nworkload:\n"
                + "  authHeader: 'Authorization: Bearer ${env:EXAM_TOKEN}'\n"
                + "  apiKey: plain-but-secret\n"
                + "  fromEnv: 'x-${env:OTHER}-y'\n"
                + "  examId: '31'\n"
                + "hosts:\n  - address: 10.0.0.1\n    keyFile: "
                + key
                + "\n");

    Inventory inv =
        InventoryLoader.load(f, Map.of("EXAM_TOKEN", "t0k3n with spaces", "OTHER", "o"));

    assertEquals(Set.of("authHeader", "apiKey", "fromEnv"), inv.secretKnobs());
    assertEquals("Authorization: Bearer t0k3n with spaces", inv.secrets().get("authHeader"));
    assertEquals("x-o-y", inv.secrets().get("fromEnv"));
    assertEquals(List.of("examId", "users", "rampRate"), List.copyOf(inv.publicKnobs().keySet()));
    assertFalse(inv.toString().contains("t0k3n") || inv.toString().contains("plain-but-secret"));
    assertEquals(
        "Authorization: Bearer t0k3n with spaces",
        inv.workloadFor(Path.of("conf")).target().authHeader());
  }

  @Test
  void aSecretsMistakeIsSaidWithoutShowingTheSecret() throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    String hosts = "hosts:\n  - address: 10.0.0.1\n    keyFile: " + key + "\n";
    Path listed = write("secretKnobs: [apiKey]\nworkload:\n  examId: '31'\n" + hosts);
    InventoryException e =
        assertThrows(InventoryException.class, () -> InventoryLoader.load(listed));
    assertTrue(
        e.getMessage().contains("secretKnobs: 'apiKey' is not a knob under workload"),
        e.getMessage());

    Path newline = write("workload:\n  apiKey: '${env:TOKEN}'\n" + hosts);
    e =
        assertThrows(
            InventoryException.class,
            () -> InventoryLoader.load(newline, Map.of("TOKEN", "s3cret\nline")));
    assertTrue(e.getMessage().contains("workload.apiKey") && e.getMessage().contains("TOKEN"));
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());

    Path badHeader = write("workload:\n  authHeader: '${env:TOKEN}'\n" + hosts);
    Inventory inv = InventoryLoader.load(badHeader, Map.of("TOKEN", "s3cret-without-a-name"));
    e = assertThrows(InventoryException.class, () -> inv.workloadFor(Path.of("conf")));
    assertTrue(e.getMessage().contains("authHeader"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());

    Path secretSize =
        write("secretKnobs: [recordingSize]\nworkload:\n  recordingSize: s3cret\n" + hosts);
    Inventory sized = InventoryLoader.load(secretSize);
    e = assertThrows(InventoryException.class, () -> sized.workloadFor(Path.of("conf")));
    assertTrue(e.getMessage().contains("recordingSize"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  /** {@code v} as a YAML double-quoted scalar. */
  private static String yamlQuoted(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A valid value for each workload key the order test writes. */
  private static String value(String knob) {
    return switch (knob) {
      case "profile" -> "smoke";
      case "examId" -> "31";
      case "studentIdPrefix" -> "s_";
      case "uploadPath", "heartbeatPath" -> "/x";
      case "uploadMethod", "heartbeatMethod" -> "PUT";
      case "uploadInterval", "heartbeatInterval", "requestTimeout" -> "20s";
      case "recordingSize" -> "1MB";
      case "extraFields" -> "client=web";
      case "sloFailedPercent" -> "1";
      case "sloMeanMs", "sloP95Ms" -> "900";
      case "serviceDataDir" -> "target/data";
      case "serviceDiscard" -> "true";
      default -> knob.replace("Field", "");
    };
  }

  private Path write(String hosts) throws Exception {
    return Files.writeString(
        dir.resolve("c" + System.nanoTime() + ".yaml"), "users: 10\nrampRate: 1\n" + hosts);
  }

  @Test
  void theServiceHostIsReachedLikeAnInjectorAndCountsWhatItStored() throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    String yaml =
        "users: 2\nrampRate: 1\ndefaults:\n  keyFile: "
            + key
            + "\n  user: lt\nhosts:\n  - name: a\n    address: 10.0.0.1\n"
            + "service:\n  address: 10.0.0.20\n  port: 2200\n"
            + "  countCommand: find /srv/data/30/recordings -type f | wc -l\n";
    Inventory inv = InventoryLoader.load(Files.writeString(dir.resolve("c.yaml"), yaml));
    ServiceHost service = inv.service().orElseThrow();
    assertEquals("service", service.host().name());
    assertEquals("lt", service.host().user());
    assertEquals(2200, service.host().port());
    assertEquals(
        "find /srv/data/30/recordings -type f | wc -l", service.countCommand().orElseThrow());
    assertEquals(1, inv.hosts().size());

    String clash = yaml.replace("  port: 2200\n", "  name: a\n");
    InventoryException e =
        assertThrows(
            InventoryException.class,
            () -> InventoryLoader.load(Files.writeString(dir.resolve("d.yaml"), clash)));
    assertTrue(
        e.getMessage().contains("service name") && e.getMessage().contains("'a'"), e.getMessage());

    String unknown = yaml.replace("  port: 2200\n", "  weight: 2\n");
    e =
        assertThrows(
            InventoryException.class,
            () -> InventoryLoader.load(Files.writeString(dir.resolve("e.yaml"), unknown)));
    assertTrue(e.getMessage().contains("service unknown field 'weight'"), e.getMessage());
  }
}
