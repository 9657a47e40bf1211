package dev.loadfleet.deploy;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.Installer;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * {@code deploy}: the bundle to every host in parallel, streamed over a plain SSH command channel
 * (no SFTP needed). Atomic on the host ({@link Installer}): the archive is uploaded under a
 * temporary name, checked against its sha256, unpacked into a temporary dir and only then renamed
 * to {@code <baseDir>/bundles/<sha256>}; a host that already has that dir is skipped. An
 * interrupted upload leaves only temporary names, which no run ever uses.
 */
public final class Deployer {
  private static final Duration STEP = Duration.ofMinutes(5);

  /** What happened on one host. */
  public enum Outcome {
    UPLOADED,
    PRESENT,
    FAILED
  }

  /**
   * @param message empty unless failed
   */
  public record HostDeploy(Outcome outcome, String message) {}

  /** Aborts a transfer from its progress callback (tests use it to cut an upload short). */
  public interface ProgressListener {
    void progress(String host, long sent, long total) throws IOException;
  }

  private Deployer() {}

  /** The bundle's dir on a host. */
  public static String bundleDir(HostSpec host, String sha256) {
    return host.bundlesDir() + "/" + sha256;
  }

  public static Map<String, HostDeploy> deploy(
      Fleet fleet, Bundle bundle, boolean prune, PrintWriter out) {
    Map<String, long[]> sent = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread board =
        new Thread(
            () -> {
              long last = System.nanoTime();
              Map<String, Long> before = new LinkedHashMap<>();
              while (!done.get()) {
                try {
                  Thread.sleep(2000);
                } catch (InterruptedException e) {
                  return;
                }
                long now = System.nanoTime();
                double seconds = (now - last) / 1e9;
                last = now;
                StringBuilder line = new StringBuilder("upload:");
                sent.forEach(
                    (host, n) -> {
                      double rate = (n[0] - before.getOrDefault(host, 0L)) / seconds / 1e6;
                      before.put(host, n[0]);
                      line.append(
                          String.format(
                              Locale.ROOT,
                              "  %s %3.0f%% %.1f MB/s",
                              host,
                              100.0 * n[0] / bundle.bytes(),
                              rate));
                    });
                if (!sent.isEmpty() && !done.get()) {
                  out.println(line);
                  out.flush();
                }
              }
            },
            "deploy-progress");
    board.setDaemon(true);
    board.start();
    try {
      return deploy(
          fleet,
          bundle,
          prune,
          (host, n, total) -> sent.computeIfAbsent(host, h -> new long[1])[0] = n);
    } finally {
      done.set(true);
      board.interrupt();
    }
  }

  public static Map<String, HostDeploy> deploy(
      Fleet fleet, Bundle bundle, boolean prune, ProgressListener listener) {
    Map<String, Fleet.Result<HostDeploy>> results =
        fleet.each(remote -> deployOne(remote, bundle, prune, listener));
    Map<String, HostDeploy> outcome = new LinkedHashMap<>();
    results.forEach(
        (host, r) ->
            outcome.put(host, r.ok() ? r.value() : new HostDeploy(Outcome.FAILED, r.message())));
    return outcome;
  }

  static HostDeploy deployOne(
      RemoteHost remote, Bundle bundle, boolean prune, ProgressListener listener)
      throws IOException {
    HostSpec host = remote.host();
    String bundles = host.bundlesDir();
    String target = bundleDir(host, bundle.sha256());
    Outcome outcome;
    if (remote.exec("test -x " + Shell.quote(target + "/bin/injector"), STEP).ok()) {
      outcome = Outcome.PRESENT;
    } else {
      String token =
          bundle.sha256().substring(0, 16) + "-" + UUID.randomUUID().toString().substring(0, 8);
      // Leftovers of earlier interrupted deploys (temporary names only, never a bundle dir).
      ExecResult prepared =
          remote.exec(
              "mkdir -p "
                  + Shell.quote(bundles)
                  + " && find "
                  + Shell.quote(bundles)
                  + " -mindepth 1 -maxdepth 1 \\( -name '.upload-*' -o -name '.unpack-*' \\) -mmin +30 -exec rm -rf -- {} +",
              STEP);
      if (!prepared.ok()) {
        throw Installer.explain(remote, "preparing " + bundles, bundles, prepared, bundle.bytes());
      }
      LongConsumer progress =
          n -> {
            try {
              listener.progress(host.name(), n, bundle.bytes());
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          };
      try {
        Installer.install(
            remote,
            bundle.archive(),
            bundle.sha256(),
            bundles,
            token,
            target,
            "bin/injector",
            progress);
      } catch (java.io.UncheckedIOException e) {
        throw new IOException(host.name() + ": upload aborted: " + e.getCause().getMessage(), e);
      }
      outcome = Outcome.UPLOADED;
    }
    if (prune) {
      // Only dirs directly under <baseDir>/bundles, never the one just deployed.
      remote.execOk(
          "find "
              + Shell.quote(bundles)
              + " -mindepth 1 -maxdepth 1 ! -name "
              + Shell.quote(bundle.sha256())
              + " -exec rm -rf -- {} +",
          STEP,
          "pruning old bundles under " + bundles);
    }
    return new HostDeploy(outcome, "");
  }

  public static void print(Map<String, HostDeploy> results, Bundle bundle, PrintWriter out) {
    out.printf("bundle %s (%.1f MB)%n", bundle.sha256().substring(0, 12), bundle.bytes() / 1e6);
    results.forEach(
        (host, r) ->
            out.printf(
                "  %-20s %s%s%n",
                host,
                switch (r.outcome()) {
                  case UPLOADED -> "uploaded";
                  case PRESENT -> "already present, skipped";
                  case FAILED -> "FAILED";
                },
                r.message().isEmpty() ? "" : ": " + r.message()));
    out.flush();
  }
}
