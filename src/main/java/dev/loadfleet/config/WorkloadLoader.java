package dev.loadfleet.config;

import static dev.loadfleet.config.WorkloadKey.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.config.Workload.EmbeddedService;
import dev.loadfleet.config.Workload.Form;
import dev.loadfleet.config.Workload.Heartbeat;
import dev.loadfleet.config.Workload.Population;
import dev.loadfleet.config.Workload.Slo;
import dev.loadfleet.config.Workload.Target;
import dev.loadfleet.config.Workload.Upload;
import dev.loadfleet.units.Units;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a {@link Workload} from a profile file and {@code -D} overrides: every key's text comes
 * from its default, then the profile, then the override, and is parsed by {@link WorkloadKey}.
 */
final class WorkloadLoader {
  /** The longest ramp: as long as the longest steady phase. */
  private static final java.time.Duration MAX_RAMP = java.time.Duration.ofDays(7);

  private static final Pattern PROFILE = Pattern.compile("[a-z0-9-]{1,40}");

  /** A profile is a page of flat keys. */
  private static final long MAX_PROFILE_BYTES = 64 * 1024;

  private WorkloadLoader() {}

  /** A secrets file holds a few knobs: far less than this. */
  private static final long MAX_SECRETS_BYTES = 64 * 1024;

  /**
   * The system properties, then the secret knobs of the file {@code -DsecretsFile} names (the
   * launcher hands credentials to an injector that way, never on its command line).
   */
  static Workload fromSystemProperties() {
    return fromProperties(overrides(System.getProperties()));
  }

  /** Every property as a possible override (names that are not ours are checked for typos). */
  static Map<String, String> overrides(Properties props) {
    Map<String, String> properties = new TreeMap<>();
    for (String name : props.stringPropertyNames()) {
      properties.put(name, props.getProperty(name));
    }
    return properties;
  }

  /** As {@link #fromSystemProperties()}, from {@code properties}. */
  static Workload fromProperties(Map<String, String> properties) {
    Map<String, String> overrides = new TreeMap<>(properties);
    Map<String, String> secrets = secrets(overrides.getOrDefault(secretsFile.name(), ""));
    overrides.putAll(secrets);
    return load(
        Path.of(overrides.getOrDefault("loadfleet.conf", "conf")), overrides, secrets.keySet());
  }

  /**
   * The JSON object of secret knobs in {@code path} (empty for an empty path). The file must be
   * readable by its owner only. No message shows its content: a parser's account of a syntax error
   * would quote it.
   */
  static Map<String, String> secrets(String path) {
    Map<String, String> secrets = new LinkedHashMap<>();
    if (path.isBlank()) {
      return secrets;
    }
    Path file = Path.of(path.trim());
    String where = "secretsFile " + file;
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.contains(PosixFilePermission.GROUP_READ)
          || mode.contains(PosixFilePermission.OTHERS_READ)) {
        throw new InvalidWorkloadException(
            where
                + " may be read by others (mode "
                + PosixFilePermissions.toString(mode)
                + "); make it readable by its owner only: chmod 600 "
                + file);
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own access rules apply
    } catch (IOException e) {
      throw new InvalidWorkloadException(where + " cannot be read: " + e.getMessage());
    }
    JsonNode root;
    try {
      root = ConfigFile.read(file, MAX_SECRETS_BYTES, "secrets file");
    } catch (ConfigFile.Refusal e) {
      throw new InvalidWorkloadException(
          where + " is not a JSON object of secret knobs (its content is not shown)");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidWorkloadException(
          where + " is not a JSON object of secret knobs (its content is not shown)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new InvalidWorkloadException(
            where + ": the secret knob '" + e.getKey() + "' is not a string");
      }
      secrets.put(e.getKey(), e.getValue().asText());
    }
    return secrets;
  }

  static Workload load(Path confDir, Map<String, String> overrides, Set<String> secret) {
    Map<WorkloadKey, String> ours = new EnumMap<>(WorkloadKey.class);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      WorkloadKey key = WorkloadKey.named(e.getKey());
      if (key != null) {
        ours.put(key, e.getValue());
      } else {
        String near = nearestKey(e.getKey());
        if (near != null) {
          throw new InvalidWorkloadException(
              "-D" + e.getKey() + " is not a workload key; did you mean -D" + near + "?");
        }
      }
    }
    String profileName = ours.getOrDefault(profile, Workload.DEFAULT_PROFILE).trim();
    Path file =
        profileFile(confDir, profileName, ours.containsKey(profile) ? "-Dprofile" : "default");
    Map<WorkloadKey, String> texts = new EnumMap<>(WorkloadKey.class);
    Map<WorkloadKey, String> sources = new EnumMap<>(WorkloadKey.class);
    for (WorkloadKey key : WorkloadKey.values()) {
      texts.put(key, key.defaultValue());
      sources.put(key, "default");
    }
    readProfile(file)
        .forEach(
            (k, v) -> {
              texts.put(k, v);
              sources.put(k, file.toString());
            });
    ours.forEach(
        (k, v) -> {
          texts.put(k, v);
          sources.put(k, secret.contains(k.name()) ? "a secret knob" : "-D" + k.name());
        });
    texts.put(profile, profileName);
    return new Values(texts, sources, secret).workload();
  }

  /** The profiles present in {@code confDir}, for error messages. */
  static List<String> profiles(Path confDir) {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(confDir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("workload-") && n.endsWith(".yaml"))
          .map(n -> n.substring("workload-".length(), n.length() - ".yaml".length()))
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      // No folder: no profiles; the caller's message says where it looked.
    }
    return names;
  }

  private static Path profileFile(Path confDir, String name, String source) {
    List<String> available = profiles(confDir);
    Path file = confDir.resolve("workload-" + name + ".yaml");
    if (!PROFILE.matcher(name).matches() || !Files.isRegularFile(file)) {
      throw new InvalidWorkloadException(
          "workload key 'profile' = '"
              + name
              + "' (from "
              + source
              + "): no such profile in "
              + confDir.toAbsolutePath()
              + "; accepted: "
              + (available.isEmpty()
                  ? "(none found; set -Dloadfleet.conf=<conf folder>)"
                  : available));
    }
    return file;
  }

  /** The keys a profile file sets, in the order written, as text. */
  static Map<WorkloadKey, String> readProfile(Path file) {
    JsonNode root;
    try {
      root = ConfigFile.read(file, MAX_PROFILE_BYTES, "workload profile");
    } catch (ConfigFile.Refusal e) {
      throw new InvalidWorkloadException(e.getMessage());
    }
    Map<WorkloadKey, String> texts = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return texts;
    }
    if (!root.isObject()) {
      throw new InvalidWorkloadException(file + " must be a flat map of 'key: value' lines");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      WorkloadKey key = WorkloadKey.named(e.getKey());
      if (key == null) {
        String near = nearestKey(e.getKey());
        throw new InvalidWorkloadException(
            file
                + ": unknown workload key '"
                + e.getKey()
                + "'"
                + (near == null ? "" : "; did you mean '" + near + "'?")
                + " Known keys: "
                + List.of(WorkloadKey.values()));
      }
      if (key == profile) {
        throw new InvalidWorkloadException(
            file + ": 'profile' cannot be set inside a profile; use -Dprofile=NAME");
      }
      JsonNode v = e.getValue();
      if (v.isContainerNode()) {
        throw new InvalidWorkloadException(
            file
                + ": workload key '"
                + e.getKey()
                + "' must be a plain value; accepted: "
                + key.range());
      }
      texts.put(key, v.isNull() ? "" : v.asText());
    }
    return texts;
  }

  /**
   * The workload key that {@code name} most likely misspells (same letters in another case, or at
   * most two edits away), or null. Names with a dot (java.*, gatling.*, user.dir, ...) are never
   * ours.
   */
  static String nearestKey(String name) {
    if (name.contains(".") || name.length() < 4) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (WorkloadKey k : WorkloadKey.values()) {
      String candidate = k.name().toLowerCase(Locale.ROOT);
      if (lower.equals(candidate) || editDistance(lower, candidate) <= 2) {
        return k.name();
      }
    }
    return null;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * Every key parsed (in table order, so the first bad key is the one reported), then the parts.
   */
  private static final class Values {
    private final Map<WorkloadKey, Object> parsed = new EnumMap<>(WorkloadKey.class);
    private final Set<String> secret;

    Values(Map<WorkloadKey, String> texts, Map<WorkloadKey, String> sources, Set<String> secret) {
      this.secret = secret;
      for (WorkloadKey key : WorkloadKey.values()) {
        parsed.put(key, key.parse(texts.get(key), sources.get(key), secret.contains(key.name())));
      }
    }

    Workload workload() {
      int n = get(users);
      double rate = get(rampRate);
      // users / rampRate: 1e-300 users/s would ramp for longer than any run, and overflow time.
      if (n / rate > MAX_RAMP.toSeconds()) {
        throw new InvalidWorkloadException(
            String.format(
                Locale.ROOT,
                "workload keys 'users' and 'rampRate': %d users at %s users/s ramp for %.3g s, more"
                    + " than %d days; give rampRate at least %s",
                n,
                rate,
                n / rate,
                MAX_RAMP.toDays(),
                Units.decimal(Math.ceil(n * 1000.0 / MAX_RAMP.toSeconds()) / 1000)));
      }
      return new Workload(
          get(profile),
          new Target(get(baseUrl), get(examId), get(authHeader), get(requestTimeout)),
          new Population(
              get(studentIdPrefix),
              get(idOffset),
              get(users),
              get(rampRate),
              get(steadyDuration),
              get(startAt)),
          new Upload(
              get(uploadMethod),
              get(uploadPath),
              get(uploadInterval),
              get(recordingSize),
              get(recordingFile)),
          new Heartbeat(get(heartbeatMethod), get(heartbeatPath), get(heartbeatInterval)),
          new Form(
              get(studentIdField),
              get(examIdField),
              get(seqField),
              get(sizeField),
              get(checksumField),
              get(fileField),
              get(extraFields)),
          new Slo(get(sloFailedPercent), get(sloMeanMs), get(sloP95Ms)),
          new EmbeddedService(get(serviceDataDir), get(serviceDiscard)),
          get(progressFile),
          get(stopFile),
          get(secretsFile),
          secret);
    }

    /** The parsed value of {@code key}, of the type its rule makes (see WorkloadKey#parse). */
    @SuppressWarnings("unchecked")
    private <T> T get(WorkloadKey key) {
      return (T) parsed.get(key);
    }
  }
}
