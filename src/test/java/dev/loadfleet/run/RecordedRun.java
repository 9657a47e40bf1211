package dev.loadfleet.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.remote.SshHosts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * A run.json as the launcher wrote it before {@link HostRun} had named parts (captured from a real
 * {@code run} over two fixture hosts while both injectors ran), pointed at this test's fixture
 * hosts: the field names and values are the launcher's own, only where the hosts are changes.
 */
public final class RecordedRun {
  /** The captured run's id. */
  public static final String RUN_ID = "20261129-094128-acb0";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RecordedRun() {}

  /**
   * Writes {@code results/<RUN_ID>/run.json}: the captured file with host i at {@code hosts.get(i)}
   * (port, key, known_hosts, base dir, run dir under it), then {@code change} applied to each
   * host's JSON object (e.g. its bundleDir, pid or state).
   */
  public static Path write(Path results, SshHosts hosts, BiConsumer<Integer, ObjectNode> change)
      throws IOException {
    ObjectNode run;
    try (InputStream in =
        RecordedRun.class.getResourceAsStream("/run/run-written-before-named-parts.json")) {
      run = (ObjectNode) JSON.readTree(in);
    }
    run.put("knownHosts", hosts.knownHosts().toString());
    for (int i = 0; i < run.withArray("hosts").size(); i++) {
      ObjectNode h = (ObjectNode) run.withArray("hosts").get(i);
      SshHosts.Host host = hosts.get(i);
      h.put("port", host.port());
      h.put("user", System.getProperty("user.name"));
      h.put("keyFile", SshHosts.clientKey().toString());
      h.put("baseDir", host.baseDir().toString());
      h.put("runDir", host.baseDir().resolve("runs").resolve(RUN_ID).toString());
      change.accept(i, h);
    }
    Path file = results.resolve(RUN_ID).resolve("run.json");
    Files.createDirectories(file.getParent());
    JSON.writeValue(file.toFile(), run);
    return file;
  }
}
