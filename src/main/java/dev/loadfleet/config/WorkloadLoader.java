package dev.loadfleet.config;

import static dev.loadfleet.config.WorkloadKey.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loadfleet.config.Workload.EmbeddedService;
import dev.loadfleet.config.Workload.Form;
import dev.loadfleet.config.Workload.Heartbeat;
import dev.loadfleet.config.Workload.Population;
import dev.loadfleet.config.Workload.Slo;
import dev.loadfleet.config.Workload.Target;
import dev.loadfleet.config.Workload.Upload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a {@link Workload} from a profile file and {@code -D} overrides: every key's text comes
 * from its default, then the profile, then the override, and is parsed by {@link WorkloadKey}.
 */
final class WorkloadLoader {
  private static final Pattern PROFILE = Pattern.compile("[a-z0-9-]{1,40}");

  private WorkloadLoader() {}

  static Workload fromSystemProperties() {
    Properties props = System.getProperties();
    Map<String, String> overrides = new TreeMap<>();
    for (String name : props.stringPropertyNames()) {
      overrides.put(name, props.getProperty(name));
    }
    return load(Path.of(System.getProperty("loadfleet.conf", "conf")), overrides);
  }

  static Workload load(Path confDir, Map<String, String> overrides) {
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
    Path file = profileFile(confDir, profileName);
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
          sources.put(k, "-D" + k.name());
        });
    texts.put(profile, profileName);
    return new Values(texts, sources).workload();
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

  private static Path profileFile(Path confDir, String name) {
    List<String> available = profiles(confDir);
    Path file = confDir.resolve("workload-" + name + ".yaml");
    if (!PROFILE.matcher(name).matches() || !Files.isRegularFile(file)) {
      throw new InvalidWorkloadException(
          "workload key 'profile' = '"
              + name
              + "': no such profile in "
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
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidWorkloadException(file + " is not valid YAML: " + e.getMessage());
    }
    Map<WorkloadKey, String> texts = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return texts;
    }
    if (!root.isObject()) {
      throw new InvalidWorkloadException(file + " must be a flat map of 'key: value' lines");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
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

    Values(Map<WorkloadKey, String> texts, Map<WorkloadKey, String> sources) {
      for (WorkloadKey key : WorkloadKey.values()) {
        parsed.put(key, key.parse(texts.get(key), sources.get(key)));
      }
    }

    Workload workload() {
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
          get(stopFile));
    }

    /** The parsed value of {@code key}, of the type its rule makes (see WorkloadKey#parse). */
    @SuppressWarnings("unchecked")
    private <T> T get(WorkloadKey key) {
      return (T) parsed.get(key);
    }
  }
}
