package dev.loadfleet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
    assertEquals(20, w.users());
    assertEquals(2_000_000, w.recordingSize());
    assertTrue(w.embedded());
    Duration total = w.rampDuration().plus(w.steadyDuration());
    assertTrue(
        total.toSeconds() >= 50 && total.toSeconds() <= 90, "smoke lasts ~60-90 s: " + total);
  }

  @Test
  void fullProfileIsTheGuidesWorkload() {
    Workload w = Workload.load(CONF, Map.of("profile", "full"));
    assertEquals(500, w.users());
    assertEquals(10.0, w.rampRate());
    assertEquals(Duration.ofSeconds(30), w.uploadInterval());
    assertEquals(17_500_000, w.recordingSize());
    assertEquals("30", w.examId());
    assertEquals(Duration.ofSeconds(50), w.rampDuration());
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
    assertEquals(150, w.users());
    assertEquals("test_150", w.studentId(0));
    assertEquals("test_299", w.studentId(149));
    assertEquals(2.5, w.rampRate());
    assertEquals(Duration.ofMinutes(2), w.uploadInterval());
    assertEquals(2L << 20, w.recordingSize());
    assertEquals("http://exam.example:8000", w.baseUrl());
    assertEquals(Path.of("/tmp/p.json"), w.progressFile());
    assertEquals(Map.of("client", "web", "v", "2"), w.extraFields());
    assertNull(w.recordingFile());
  }

  @Test
  void extraFieldsKeepTheOrderTheyAreWrittenIn() {
    // Thirty names in neither alphabetical nor numeric order: an order-losing copy (Map.copyOf
    // iterates in a per-JVM salted order) cannot keep it by luck.
    List<String> names = IntStream.range(0, 30).mapToObj(i -> "f" + (i * 7 % 30)).toList();
    String pairs = names.stream().map(n -> n + "=v" + n).collect(Collectors.joining(","));

    Workload w = Workload.load(CONF, Map.of("extraFields", pairs));

    assertEquals(names, new ArrayList<>(w.extraFields().keySet()));
    assertEquals(pairs, w.toProperties().get("extraFields"));
  }

  @Test
  void toPropertiesRoundTrips() {
    Workload w = Workload.load(CONF, Map.of("profile", "full", "users", "7", "startAt", "123"));
    assertEquals(w, Workload.load(CONF, w.toProperties()));
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

  @Test
  void unknownProfileListsTheKnownOnes() {
    InvalidWorkloadException e =
        assertThrows(
            InvalidWorkloadException.class, () -> Workload.load(CONF, Map.of("profile", "huge")));
    assertTrue(e.getMessage().contains("'profile' = 'huge'"), e.getMessage());
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
    assertEquals(rec, w.recordingFile());
  }

  @Test
  void emptyProfileFileMeansAllDefaults() throws IOException {
    Files.writeString(tmp.resolve("workload-smoke.yaml"), "# nothing\n");
    Workload w = Workload.load(tmp, Map.of());
    assertEquals(Integer.parseInt(Workload.Key.users.defaultValue()), w.users());
  }
}
