package dev.loadfleet.simulations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingTest {

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static byte[] content(Recording recording) {
    byte[] bytes = new byte[recording.size()];
    recording.content().getBytes(recording.content().readerIndex(), bytes);
    return bytes;
  }

  private static byte[] seeded(int size) {
    byte[] bytes = new byte[size];
    new Random(Recording.SEED).nextBytes(bytes);
    return bytes;
  }

  @Test
  void theRecordingIsHeldInItsFileAndLeavesNothingOnDisk(@TempDir Path dir) throws Exception {
    byte[] bytes = new byte[2_500_001];
    new Random(3).nextBytes(bytes);

    Recording recording = Recording.of(bytes, "exam.webm", dir);

    assertEquals(sha256(bytes), recording.sha256());
    assertArrayEquals(bytes, content(recording));
    ByteBuffer read = ByteBuffer.allocate(bytes.length + 1);
    while (recording.file().read(read, read.position()) > 0) {
      // a positional read may return fewer bytes than asked
    }
    assertArrayEquals(bytes, java.util.Arrays.copyOf(read.array(), read.position()));
    assertTrue(recording.content().isReadOnly(), "uploads cannot change it");
    try (Stream<Path> names = Files.list(dir)) {
      assertEquals(List.of(), names.toList(), "the name is removed as soon as it is made");
    }
    assertEquals(".webm", recording.extension());
  }

  @Test
  void aDirectoryThatRefusesTheFileLeavesTheRecordingInDirectMemory(@TempDir Path dir)
      throws Exception {
    byte[] bytes = new byte[100_003];
    new Random(5).nextBytes(bytes);

    Recording recording = Recording.of(bytes, "exam.webm", dir.resolve("missing"));

    assertNull(recording.file());
    assertTrue(recording.content().isDirect());
    assertArrayEquals(bytes, content(recording));
    assertEquals(sha256(bytes), recording.sha256());
  }

  @Test
  void generatedBytesAreOneCallOfTheSeededRandomWhateverTheSteps(@TempDir Path dir)
      throws Exception {
    int size = 3 * (1 << 20) + 3;
    byte[] expected = seeded(size);

    Recording recording = Recording.generated(size, dir);

    assertArrayEquals(expected, content(recording));
    assertEquals(sha256(expected), recording.sha256());
  }

  /** A recording four times the injector's heap and direct memory is made and kept whole. */
  @Test
  void aRecordingLargerThanTheHeapAndTheDirectMemoryIsHeldInItsFile(@TempDir Path tmp)
      throws Exception {
    int size = 256 << 20;
    Probe probe = probe(tmp, List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m"), size);

    assertEquals(0, probe.exit(), probe.output());
    assertTrue(
        probe.output().contains("sha256=" + sha256(seeded(size)) + " size=" + size + " file=true"),
        probe.output());
  }

  @Test
  void aRecordingThatFitsNeitherAFileNorDirectMemoryIsRefusedSayingWhatToChange(@TempDir Path tmp)
      throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("tmpdir"), "a file, not a directory");
    Probe probe =
        probe(
            tmp,
            List.of("-Xmx64m", "-XX:MaxDirectMemorySize=16m", "-Djava.io.tmpdir=" + notADirectory),
            64 << 20);

    assertNotEquals(0, probe.exit(), probe.output());
    assertTrue(probe.output().contains("fits neither in a temporary file"), probe.output());
    assertTrue(
        probe.output().contains("give the injector a writable -Djava.io.tmpdir"), probe.output());
    assertFalse(probe.output().contains("Java heap space"), probe.output());
  }

  private record Probe(int exit, String output) {}

  private static Probe probe(Path tmp, List<String> jvmOptions, int size) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            RecordingProbe.class.getName(),
            Integer.toString(size)));
    Path out = tmp.resolve("probe.out");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
    }
    return new Probe(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  @Test
  void aSourceThatFailsIsNamedAndNotMistakenForAFileProblem(@TempDir Path dir) {
    ReadableByteChannel failing =
        new ReadableByteChannel() {
          private int reads;

          @Override
          public int read(ByteBuffer dst) throws IOException {
            if (reads++ > 0) {
              throw new IOException("Input/output error");
            }
            dst.put((byte) 1);
            return 1;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };

    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> Recording.of(() -> failing, "recordingFile /srv/exam.webm", 10, "x", dir));

    assertEquals("cannot read recordingFile /srv/exam.webm: Input/output error", e.getMessage());
    try (Stream<Path> names = Files.list(dir)) {
      assertEquals(List.of(), names.toList());
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
  }

  @Test
  void aSourceShorterThanItsSizeIsRefusedSayingSo(@TempDir Path dir) {
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                Recording.of(
                    () -> Channels.newChannel(new ByteArrayInputStream(new byte[5])),
                    "recordingFile /srv/exam.webm",
                    8,
                    "x",
                    dir));

    assertTrue(
        e.getMessage()
            .contains("cannot read recordingFile /srv/exam.webm: it ended after 5 of its 8 bytes"),
        e.getMessage());
  }
}
