package dev.loadfleet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadTest {
  private static final Path CONF = Path.of("conf");

  @TempDir Path tmp;

  @Test
  void smokeIsTheDefaultProfile() {
    Workload w = Workload.load(CONF, Map.of());
    assertEquals("smoke", w.profile());
    assertEquals(20, w.population().users());
    assertEquals(2_000_000, w.upload().recordingSize());
    assertTrue(w.target().embedded());
    Duration total = w.population().examDuration();
    assertTrue(
        total.toSeconds() >= 50 && total.toSeconds() <= 90, "smoke lasts ~60-90 s: " + total);
  }

  @Test
  void fullProfileIsTheGuidesWorkload() {
    Workload w = Workload.load(CONF, Map.of("profile", "full"));
    assertEquals(500, w.population().users());
    assertEquals(10.0, w.population().rampRate());
    assertEquals(Duration.ofSeconds(30), w.upload().interval());
    assertEquals(17_500_000, w.upload().recordingSize());
    assertEquals("30", w.target().examId());
    assertEquals(Duration.ofSeconds(50), w.population().rampDuration());
    // 500 x 17.5 MB / 30 s = 291.7 MB/s, the guide's figure.
    assertEquals(291.67e6, w.steadyBytesPerSecond(), 0.01e6);
  }

  @Test
  void systemPropertyStyleOverridesWinOverTheProfile() {
    Map<String, String> d = new HashMap<>();
    d.put("users", "150");
    d.put("idOffset", "150");
    d.put("rampRate", "2.5");
    d.put("uploadInterval", "2m");
    d.put("recordingSize", "2MiB");
    d.put("baseUrl", "http://exam.example:8000/");
    d.put("progressFile", "/tmp/p.json");
    d.put("extraFields", "client=web, v=2");
    d.put("java.version", "17"); // foreign keys are ignored
    Workload w = Workload.load(CONF, d);
    assertEquals(150, w.population().users());
    assertEquals("test_150", w.population().studentId(0));
    assertEquals("test_299", w.population().studentId(149));
    assertEquals(2.5, w.population().rampRate());
    assertEquals(Duration.ofMinutes(2), w.upload().interval());
    assertEquals(2L << 20, w.upload().recordingSize());
    assertEquals("http://exam.example:8000", w.target().baseUrl());
    assertEquals(Path.of("/tmp/p.json"), w.progressFile());
    assertEquals(Map.of("client", "web", "v", "2"), w.form().extraFields());
    assertNull(w.upload().recordingFile());
  }

  @Test
  void extraFieldsKeepTheOrderTheyAreWrittenIn() {
    // Thirty names in neither alphabetical nor numeric order: an order-losing copy (Map.copyOf
    // iterates in a per-JVM salted order) cannot keep it by luck.
    List<String> names = IntStream.range(0, 30).mapToObj(i -> "f" + (i * 7 % 30)).toList();
    String pairs = names.stream().map(n -> n + "=v" + n).collect(Collectors.joining(","));

    Workload w = Workload.load(CONF, Map.of("extraFields", pairs));

    assertEquals(names, new ArrayList<>(w.form().extraFields().keySet()));
    assertEquals(pairs, w.toProperties().get("extraFields"));
  }

  @Test
  void toPropertiesRoundTrips() {
    Workload w = Workload.load(CONF, Map.of("profile", "full", "users", "7", "startAt", "123"));
    assertEquals(w, Workload.load(CONF, w.toProperties()));
  }

  @Test
  void everyKeyLandsInItsPart() throws IOException {
    Workload w = Workload.load(CONF, everyKeyChanged());

    assertEquals("full", w.profile());
    Workload.Target target = w.target();
    assertEquals("https://exam.example/api", target.baseUrl());
    assertEquals("31", target.examId());
    assertEquals("Authorization: Bearer t0ken", target.authHeader());
    assertEquals(Duration.ofSeconds(45), target.requestTimeout());
    Workload.Population students = w.population();
    assertEquals("s_", students.studentIdPrefix());
    assertEquals(700, students.idOffset());
    assertEquals(7, students.users());
    assertEquals(0.5, students.rampRate());
    assertEquals(Duration.ofSeconds(90), students.steadyDuration());
    assertEquals(123L, students.startAt());
    Workload.Upload upload = w.upload();
    assertEquals("PUT", upload.method());
    assertEquals("/exams/#{examId}/chunks", upload.path());
    assertEquals(Duration.ofMillis(1500), upload.interval());
    assertEquals(3L << 20, upload.recordingSize());
    assertEquals(tmp.resolve("rec.webm"), upload.recordingFile());
    Workload.Heartbeat heartbeat = w.heartbeat();
    assertEquals("PUT", heartbeat.method());
    assertEquals("/alive/#{studentId}", heartbeat.path());
    assertEquals(Duration.ofSeconds(3), heartbeat.interval());
    Workload.Form form = w.form();
    assertEquals("sid", form.studentIdField());
    assertEquals("eid", form.examIdField());
    assertEquals("n", form.seqField());
    assertEquals("bytes", form.sizeField());
    assertEquals("hash", form.checksumField());
    assertEquals("video", form.fileField());
    assertEquals(List.of("b", "a"), new ArrayList<>(form.extraFields().keySet()));
    assertEquals(new Workload.Slo(1.5, 800, 2500), w.slo());
    assertEquals(2500, w.slo().p95Ms());
    assertEquals(tmp.resolve("data"), w.service().dataDir());
    assertEquals(false, w.service().discard());
    assertEquals(tmp.resolve("progress.json"), w.progressFile());
    assertEquals(tmp.resolve("secrets.json"), w.secretsFile());
    assertEquals(tmp.resolve("stop"), w.stopFile());
  }

  @Test
  void toPropertiesWritesEveryKeyInTableOrderAndRoundTrips() throws IOException {
    Workload w = Workload.load(CONF, everyKeyChanged());

    Map<String, String> properties = w.toProperties();

    assertEquals(
        Stream.of(WorkloadKey.values()).map(Enum::name).toList(),
        new ArrayList<>(properties.keySet()));
    assertEquals(w, Workload.load(CONF, properties));
    Map<String, String> profile = Workload.load(CONF, Map.of("profile", "full")).toProperties();
    for (WorkloadKey key : WorkloadKey.values()) {
      if (key != WorkloadKey.profile) {
        assertNotEquals(
            profile.get(key.name()),
            properties.get(key.name()),
            key + " must differ from the profile's so the round trip carries it");
      }
    }
  }

  /** The full profile with every other key set to a value of its own. */
  private Map<String, String> everyKeyChanged() throws IOException {
    Files.write(tmp.resolve("rec.webm"), new byte[] {1, 2, 3});
    Map<String, String> d = new LinkedHashMap<>();
    d.put("profile", "full");
    d.put("baseUrl", "https://exam.example/api/");
    d.put("examId", "31");
    d.put("studentIdPrefix", "s_");
    d.put("idOffset", "700");
    d.put("users", "7");
    d.put("rampRate", "0.5");
    d.put("steadyDuration", "90s");
    d.put("uploadInterval", "1500ms");
    d.put("recordingSize", "3MiB");
    d.put("recordingFile", tmp.resolve("rec.webm").toString());
    d.put("heartbeatInterval", "3");
    d.put("requestTimeout", "45s");
    d.put("startAt", "123");
    d.put("progressFile", tmp.resolve("progress.json").toString());
    d.put("stopFile", tmp.resolve("stop").toString());
    d.put("uploadPath", "/exams/#{examId}/chunks");
    d.put("uploadMethod", "PUT");
    d.put("heartbeatPath", "/alive/#{studentId}");
    d.put("heartbeatMethod", "put");
    d.put("fileField", "video");
    d.put("studentIdField", "sid");
    d.put("examIdField", "eid");
    d.put("seqField", "n");
    d.put("checksumField", "hash");
    d.put("sizeField", "bytes");
    d.put("extraFields", "b=2,a=1");
    d.put("authHeader", "Authorization: Bearer t0ken");
    d.put("sloFailedPercent", "1.5");
    d.put("sloMeanMs", "800");
    d.put("sloP95Ms", "2500");
    d.put("serviceDataDir", tmp.resolve("data").toString());
    d.put("serviceDiscard", "false");
    d.put("secretsFile", tmp.resolve("secrets.json").toString());
    assertEquals(
        Stream.of(WorkloadKey.values()).map(Enum::name).collect(Collectors.toSet()), d.keySet());
    return d;
  }

  @Test
  void readmeKnobsTableFollowsTheKeyTable() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int knobs = readme.indexOf("\n### Knobs\n");
    List<String[]> rows =
        readme
            .substring(knobs, readme.indexOf("\n### ", knobs + 1))
            .lines()
            .filter(line -> line.startsWith("| `"))
            .map(line -> line.replace("`", "").split("\\s*\\|\\s*"))
            .toList();
    Map<WorkloadKey, String> smoke =
        WorkloadLoader.readProfile(CONF.resolve("workload-smoke.yaml"));
    Map<WorkloadKey, String> full = WorkloadLoader.readProfile(CONF.resolve("workload-full.yaml"));

    assertEquals(
        Stream.of(WorkloadKey.values()).map(Enum::name).toList(),
        rows.stream().map(cells -> cells[1]).toList(),
        "one row per key, in table order");
    for (String[] cells : rows) {
      WorkloadKey key = WorkloadKey.valueOf(cells[1]);
      assertEquals(readme(key.defaultValue()), cells[2], key + " default");
      if (key != WorkloadKey.profile) {
        assertEquals(readme(smoke.getOrDefault(key, key.defaultValue())), cells[3], key + " smoke");
        assertEquals(readme(full.getOrDefault(key, key.defaultValue())), cells[4], key + " full");
      }
      assertTrue(
          cells[5].startsWith(key.range()),
          key + ": '" + cells[5] + "' starts with the range '" + key.range() + "'");
    }
  }

  /** A value as the README's table shows it. */
  private static String readme(String value) {
    return value.isEmpty() ? "empty" : value;
  }

  @Test
  void authHeaderValueNeverAppearsInMessagesOrToString() {
    Workload w = Workload.load(CONF, Map.of("authHeader", "Authorization: Bearer s3cret"));
    assertTrue(w.toString().contains("Authorization: ***"));
    assertTrue(!w.toString().contains("s3cret"));
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class,
            () -> Workload.load(CONF, Map.of("authHeader", "s3cret-without-name")));
    assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void secretKnobsComeFromAnOwnerOnlyFileAndAreNeverShown() throws IOException {
    Path secrets = tmp.resolve("secrets.json");
    Files.writeString(
        secrets,
        "{\"authHeader\": \"Authorization: Bearer s3cret\", \"examId\": \"s3cretexam\","
            + " \"apiKey\": \"k\"}");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> props =
        Map.of("loadfleet.conf", CONF.toString(), "secretsFile", secrets.toString(), "users", "3");

    Workload w = WorkloadLoader.fromProperties(props);

    assertEquals("Authorization: Bearer s3cret", w.target().authHeader());
    assertEquals("s3cretexam", w.target().examId());
    assertEquals(3, w.population().users());
    assertEquals(Set.of("authHeader", "examId", "apiKey"), w.secretKnobs());
    assertFalse(w.toString().contains("s3cret"), w.toString());
    assertEquals("k", WorkloadLoader.secrets(secrets.toString()).get("apiKey"));

    Files.writeString(secrets, "{\"examId\": \"../s3cret\"}");
    InvalidWorkloadException e =
        assertThrows(InvalidWorkloadException.class, () -> WorkloadLoader.fromProperties(props));
    assertTrue(e.getMessage().contains("'examId'") && e.getMessage().contains("a secret knob"));
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());

    Files.writeString(secrets, "{\"authHeader\": s3cret-unquoted}");
    e = assertThrows(InvalidWorkloadException.class, () -> WorkloadLoader.fromProperties(props));
    assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());

    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r--r--"));
    e = assertThrows(InvalidWorkloadException.class, () -> WorkloadLoader.fromProperties(props));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void aRampLongerThanAWeekIsRefusedNamingBothKeys() {
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class,
            () -> Workload.load(CONF, Map.of("users", "500", "rampRate", "1e-300")));
    assertTrue(
        e.getMessage().contains("'users' and 'rampRate'")
            && e.getMessage().contains("at least 0.001"),
        e.getMessage());
  }

  @ParameterizedTest(name = "-D{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "users|-1|an integer from 1 to 1000000",
        "users|0|an integer from 1 to 1000000",
        "users|ten|not an integer",
        "idOffset|-5|an integer from 0",
        "rampRate|0|must be above 0",
        "rampRate|-2|users per second",
        "steadyDuration|-1s|not a duration",
        "uploadInterval|0|a duration from 100ms to 1d",
        "uploadInterval|soon|not a duration",
        "heartbeatInterval|0s|a duration from 100ms",
        "requestTimeout|0|a duration from 100ms to 1h",
        "recordingSize|0|a size from 1 byte to 1GiB",
        "recordingSize|2GB|a size from 1 byte to 1GiB",
        "recordingSize|17.5 potatoes|not a size",
        "recordingFile|/no/such/file|no readable file",
        "baseUrl|htp:/x|absolute http(s) URL",
        "baseUrl|http://exam server|malformed URL",
        "baseUrl|ftp://host/|absolute http(s) URL",
        "examId|../30|not a safe id",
        "studentIdPrefix|a/b|not a safe id",
        "startAt|-1|0 (start now)",
        "uploadPath|upload|a URL path starting with '/'",
        "uploadPath|/a/../b|a URL path",
        "uploadMethod|GET|POST or PUT",
        "fileField|a b|a form field name",
        "extraFields|novalue|name=value pairs",
        "authHeader|Bearer x|'Name: value'",
        "sloFailedPercent|101|a percentage from 0 to 100",
        "sloMeanMs|0|milliseconds from 1",
        "sloP95Ms|x|not an integer",
        "serviceDiscard|yes|true or false",
      })
  void invalidValuesNameTheKeyTheSourceAndTheRange(String key, String value, String expected) {
    InvalidWorkloadException e =
        assertThrows(InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of(key, value)));
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("-D" + key), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @ParameterizedTest(name = "-D{0}=")
  @CsvSource(
      delimiter = '|',
      value = {
        "steadyDuration | a duration from 0 to 7d, e.g. 30s, 10m",
        "uploadInterval | a duration from 100ms to 1d",
        "recordingSize | a size from 1 byte to 1GiB, e.g. 17.5MB (10^6 bytes), 2MiB",
      })
  void anEmptyValueIsSaidOnce(String key, String range) {
    InvalidWorkloadException e =
        assertThrows(InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of(key, " ")));
    assertEquals(
        "workload key '"
            + key
            + "' = '' (from -D"
            + key
            + "): must not be empty; accepted: "
            + range,
        e.getMessage());
  }

  @ParameterizedTest(name = "-D{0}")
  @CsvSource({"progressFile", "recordingFile", "serviceDataDir"})
  void aPathWithANulCharacterIsRefusedNamingTheKey(String key) {
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of(key, "a\u0000b")));
    assertTrue(e.getMessage().startsWith("workload key '" + key + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("not a file path"), e.getMessage());
  }

  @Test
  void unknownProfileListsTheKnownOnes() {
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of("profile", "huge")));
    assertTrue(e.getMessage().contains("'profile' = 'huge' (from -Dprofile)"), e.getMessage());
    assertTrue(e.getMessage().contains("[full, smoke]"), e.getMessage());
    assertThrows(
        InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of("profile", "../conf/x")));
  }

  @Test
  void misspeltSystemPropertyIsAnErrorNotASilentDefault() {
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of("user", "5")));
    assertTrue(e.getMessage().contains("did you mean -Dusers"), e.getMessage());
    assertThrows(
        InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of("UploadInterval", "5")));
    // JVM and tool properties are left alone.
    Workload.load(
        CONF, Map.of("user.dir", "/", "gatling.core.directory", "x", "file.encoding", "UTF-8"));
  }

  @Test
  void unknownKeyInAProfileFileNamesFileAndKey() throws IOException {
    Files.writeString(tmp.resolve("workload-smoke.yaml"), "users: 5\nuploadIntervall: 3s\n");
    InvalidWorkloadException e =
        assertThrows(InvalidWorkloadException.class, () -> Workload.load(tmp, Map.of()));
    assertTrue(e.getMessage().contains("workload-smoke.yaml"), e.getMessage());
    assertTrue(e.getMessage().contains("'uploadIntervall'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'uploadInterval'"), e.getMessage());
  }

  @Test
  void invalidValueInAProfileFileNamesTheFile() throws IOException {
    Files.writeString(tmp.resolve("workload-lab.yaml"), "users: -3\n");
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class, () -> Workload.load(tmp, Map.of("profile", "lab")));
    assertTrue(e.getMessage().contains("workload-lab.yaml"), e.getMessage());
    assertTrue(e.getMessage().contains("'users' = '-3'"), e.getMessage());
  }

  @Test
  void profileFileMustBeAFlatMap() throws IOException {
    Files.writeString(tmp.resolve("workload-smoke.yaml"), "users:\n  count: 5\n");
    assertThrows(InvalidWorkloadException.class, () -> Workload.load(tmp, Map.of()));
    Files.writeString(tmp.resolve("workload-smoke.yaml"), "- users\n");
    assertThrows(InvalidWorkloadException.class, () -> Workload.load(tmp, Map.of()));
    Files.writeString(tmp.resolve("workload-smoke.yaml"), "users: [5\n");
    assertThrows(InvalidWorkloadException.class, () -> Workload.load(tmp, Map.of()));
  }

  @Test
  void recordingFileIsAccepted() throws IOException {
    Path rec = Files.write(tmp.resolve("rec.webm"), new byte[] {1, 2, 3});
    Workload w = Workload.load(CONF, Map.of("recordingFile", rec.toString()));
    assertEquals(rec, w.upload().recordingFile());
  }

  @Test
  void emptyProfileFileMeansAllDefaults() throws IOException {
    Files.writeString(tmp.resolve("workload-smoke.yaml"), "# nothing\n");
    Workload w = Workload.load(tmp, Map.of());
    assertEquals(Integer.parseInt(WorkloadKey.users.defaultValue()), w.population().users());
  }

  @Test
  void aRefusedValueIsQuotedWithItsControlCharactersEscaped() {
    // -DexamId=$'3\e[2J0' from a shell: an escape sequence that would clear the terminal.
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class,
            () -> Workload.load(Path.of("conf"), Map.of("examId", "3\u001b[2J0")));

    String m = e.getMessage();
    assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control character: " + m);
    assertTrue(m.contains("workload key 'examId' = '3\\x1b[2J0'"), m);
  }

  @Test
  void everyWorkloadRefusalShowsControlCharactersEscaped(@TempDir Path conf) throws IOException {
    // A profile name, an unknown -D key near a real one, a key inside a profile file: each is
    // quoted in its refusal, whichever rule refused it.
    Files.writeString(conf.resolve("workload-x.yaml"), "\"user\\u0007s\": 5\n");
    List<Map<String, String>> inputs =
        List.of(
            Map.of("profile", "smoke\u001b[2J"),
            Map.of("user\u0007s", "5"),
            Map.of("profile", "x"));
    for (Map<String, String> input : inputs) {
      InvalidWorkloadException e =
          assertThrows(InvalidWorkloadException.class, () -> Workload.load(conf, input));
      String m = e.getMessage();
      assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control character: " + m);
      assertTrue(m.contains("\\x1b[2J") || m.contains("\\x07"), m);
    }
  }
}
