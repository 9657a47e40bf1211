package dev.loadfleet.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * Puts a tar.gz archive in place on a host, crash-safe: streamed under a temporary name, checked
 * against its sha256, unpacked beside it, and only then renamed to its final dir, so an interrupted
 * install leaves only temporary names. {@code deploy} installs the injector bundle this way; {@code
 * check} installs a tiny archive the same way ({@link #rehearse}), so every tool, permission and
 * the login shell that a deploy needs are proven on the host before anything is deployed.
 */
public final class Installer {
  private static final Duration STEP = Duration.ofMinutes(5);

  /** Commands the install script runs on the host (besides the shell's own builtins). */
  public static final List<String> TOOLS =
      List.of("cat", "sha256sum", "cut", "mkdir", "tar", "gzip", "rm", "mv", "find");

  private Installer() {}

  /** The file under {@code dir} where one install's archive is streamed to. */
  public static String uploadPath(String dir, String token) {
    return dir + "/.upload-" + token + ".tar.gz";
  }

  /** The dir under {@code dir} one install unpacks into before the rename. */
  public static String unpackPath(String dir, String token) {
    return dir + "/.unpack-" + token;
  }

  /**
   * Streams {@code archive} into {@code dir} and renames its unpacked tree to {@code target}. A
   * target that another launcher put in place meanwhile is as good as ours.
   *
   * @param mustHave a path inside the archive (e.g. {@code bin/injector}) that must be executable
   * @throws IOException a sentence naming the host, what failed and its fix (disk full, permission)
   */
  public static void install(
      RemoteHost remote,
      Path archive,
      String sha256,
      String dir,
      String token,
      String target,
      String mustHave,
      LongConsumer progress)
      throws IOException {
    String upload = uploadPath(dir, token);
    String unpack = unpackPath(dir, token);
    ExecResult sent;
    try {
      sent = remote.upload(archive, upload, progress);
    } catch (IOException | RuntimeException e) {
      remote.exec("rm -f -- " + Shell.quote(upload), STEP);
      throw e;
    }
    if (!sent.ok()) {
      remote.exec("rm -f -- " + Shell.quote(upload), STEP);
      throw explain(remote, "streaming the archive to " + upload, dir, sent, Files.size(archive));
    }
    String script =
        String.join(
            "\n",
            "set -e",
            "up="
                + Shell.quote(upload)
                + "; tmp="
                + Shell.quote(unpack)
                + "; dst="
                + Shell.quote(target),
            "sum=$(sha256sum \"$up\" | cut -d ' ' -f 1)",
            "if [ \"$sum\" != "
                + Shell.quote(sha256)
                + " ]; then n=$(wc -c < \"$up\"); rm -f -- \"$up\";"
                + " echo \"sha256 mismatch: $sum ($n bytes arrived of "
                + Files.size(archive)
                + ")\" >&2; exit 4; fi",
            "mkdir \"$tmp\"",
            "tar -xzf \"$up\" -C \"$tmp\"",
            "rm -f -- \"$up\"",
            "test -x \"$tmp\"/" + Shell.quote(mustHave),
            // Another launcher may have won the race; its copy is as good as ours.
            "mv -T \"$tmp\" \"$dst\" 2>/dev/null || { test -x \"$dst\"/"
                + Shell.quote(mustHave)
                + " && rm -rf -- \"$tmp\"; }");
    ExecResult r = remote.exec(script, STEP);
    if (!r.ok()) {
      remote.exec("rm -rf -- " + Shell.quote(unpack) + " " + Shell.quote(upload), STEP);
      throw explain(remote, "unpacking the archive into " + target, dir, r, Files.size(archive));
    }
  }

  /**
   * A deploy in miniature under {@code dir} (created if missing): a tiny archive streamed,
   * verified, unpacked and renamed exactly as {@link #install} does it, then removed.
   *
   * @throws IOException what a deploy into {@code dir} would have failed on, with its fix
   */
  public static void rehearse(RemoteHost remote, String dir) throws IOException {
    String token = "check-" + UUID.randomUUID().toString().substring(0, 8);
    String target = dir + "/.check-" + token;
    ExecResult made = remote.exec("mkdir -p -- " + Shell.quote(dir), STEP);
    if (!made.ok()) {
      throw explain(remote, "creating " + dir, dir, made, 0);
    }
    byte[] archive = tinyArchive();
    Path local = Files.createTempFile("loadfleet-check", ".tar.gz");
    try {
      Files.write(local, archive);
      install(remote, local, sha256(archive), dir, token, target, "bin/injector", n -> {});
    } finally {
      Files.deleteIfExists(local);
      remote.exec("rm -rf -- " + Shell.quote(target), STEP);
    }
  }

  /**
   * A failed step as one sentence with its fix: the file-system troubles a deploy meets get their
   * own (disk full, permission denied, read-only, quota), anything else names the step and the
   * host's own words.
   */
  public static SshFailure explain(
      RemoteHost remote, String step, String dir, ExecResult r, long archiveBytes) {
    String host = remote.host().name();
    String user = remote.host().user();
    String err = r.stderr().toLowerCase(Locale.ROOT);
    if (err.contains("no space left on device") || err.contains("disk quota exceeded")) {
      return new SshFailure(
          SshFailure.Kind.DISK_FULL,
          host
              + ": the disk under "
              + dir
              + " is full ("
              + (err.contains("quota") ? "disk quota exceeded" : "no space left on device")
              + ") while "
              + step,
          "free space there (the bundle needs "
              + Math.max(1, archiveBytes * 3 / 1_000_000)
              + " MB unpacked, plus room for the run's logs) or set the host's baseDir to a larger"
              + " file system");
    }
    if (err.contains("permission denied") || err.contains("operation not permitted")) {
      return new SshFailure(
          SshFailure.Kind.PERMISSION,
          host + ": " + user + " may not write in " + dir + " (permission denied) while " + step,
          "make it writable by "
              + user
              + " (on the host: `sudo chown -R "
              + user
              + " "
              + dir
              + "`) or set the host's baseDir to a directory "
              + user
              + " owns");
    }
    if (err.contains("read-only file system")) {
      return new SshFailure(
          SshFailure.Kind.PERMISSION,
          host + ": " + dir + " is on a read-only file system (" + step + ")",
          "set the host's baseDir to a writable file system");
    }
    if (r.exitStatus().isPresent() && r.exitStatus().get() == 127) {
      return new SshFailure(
          SshFailure.Kind.COMMAND,
          host + ": a command is missing while " + step + " (" + r.describe() + ")",
          "install it (a deploy needs " + String.join(", ", TOOLS) + ")");
    }
    return new SshFailure(
        SshFailure.Kind.COMMAND,
        host + ": " + step + " failed (" + r.describe() + ")",
        "run `loadfleet check` for what the host lacks; the host's own words are above");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A tar.gz holding one executable {@code bin/injector} (POSIX ustar, as tar reads it). */
  static byte[] tinyArchive() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
        tarEntry(gz, "bin/", 0755, '5', new byte[0]);
        tarEntry(
            gz, "bin/injector", 0755, '0', "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8));
        gz.write(new byte[1024]); // two zero blocks end the archive
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void tarEntry(OutputStream out, String name, int mode, char type, byte[] data)
      throws IOException {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, String.format("%07o", mode));
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", data.length));
    put(header, 136, "00000000000");
    java.util.Arrays.fill(header, 148, 156, (byte) ' ');
    header[156] = (byte) type;
    put(header, 257, "ustar");
    put(header, 263, "00");
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    out.write(header);
    out.write(data);
    out.write(new byte[(512 - data.length % 512) % 512]);
  }

  private static void put(byte[] header, int at, String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, header, at, b.length);
  }
}
