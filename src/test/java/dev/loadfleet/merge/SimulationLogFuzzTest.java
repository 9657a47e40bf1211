package dev.loadfleet.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Damaged logs, made by mutating real Gatling 3.15.1 logs (src/test/resources/merge/corpus): bytes
 * flipped, ints overwritten with extreme values, chunks cut, repeated or inserted, files truncated.
 * Whatever the bytes, the reader either reads them or refuses them with {@link
 * InvalidLogException}; nothing else escapes, and what it allocates stays bounded by a constant and
 * the file's size, never by a number read from the file. What it reads, the merger writes back
 * readable, record for record.
 */
class SimulationLogFuzzTest {
  private static final List<String> CORPUS =
      List.of("passing-run.simulation.log", "failing-run.simulation.log");

  /**
   * One read may allocate the 64 KiB buffer, its records and strings: well under this for the
   * corpus' few KB, far under what a length or index taken from the file would cost.
   */
  private static final long MAX_ALLOCATED_BYTES = 8L << 20;

  private static final int[] EXTREMES = {
    0,
    1,
    -1,
    2,
    -2,
    127,
    128,
    255,
    8191,
    8192,
    8193,
    65_536,
    -60_001,
    604_800_001,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE - 1,
    Integer.MIN_VALUE + 1
  };

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static List<byte[]> seeds;
  private static Path dir;

  @BeforeContainer
  static void loadCorpus() throws IOException {
    seeds = new ArrayList<>();
    for (String name : CORPUS) {
      try (InputStream in =
          SimulationLogFuzzTest.class.getResourceAsStream("/merge/corpus/" + name)) {
        if (in == null) {
          throw new IOException(name + " is missing from src/test/resources/merge/corpus");
        }
        seeds.add(in.readAllBytes());
      }
    }
    dir = Files.createTempDirectory("loadfleet-fuzz");
  }

  @AfterContainer
  static void removeTempFiles() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @Property(tries = 2500)
  void anyBytesAreReadOrRefusedWithinBoundedMemory(@ForAll("mutants") byte[] bytes)
      throws IOException {
    Path log = dir.resolve("simulation.log");
    Files.write(log, bytes);
    List<LogRecord> records = new ArrayList<>();
    RunHeader header;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      header = r.header();
      for (LogRecord rec = r.next(); rec != null; rec = r.next()) {
        records.add(rec);
      }
      // A new string costs at least its 4-byte number and 4-byte length in the file.
      assertTrue(r.stringTableSize() <= bytes.length / 8, "string table beyond the file's size");
      Statistics.collect(r.truncated() ? "read up to a cut" : "read whole");
    } catch (InvalidLogException refused) {
      Statistics.collect("refused");
      assertTrue(
          refused.getMessage().contains(log.toString()), "names the file: " + refused.getMessage());
      return;
    } catch (OutOfMemoryError e) {
      fail("reading " + bytes.length + " bytes ran out of memory", e);
      return;
    } catch (IOException | RuntimeException e) {
      fail("neither read nor refused: " + e, e);
      return;
    } finally {
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      assertTrue(
          allocated < MAX_ALLOCATED_BYTES,
          "reading " + bytes.length + " bytes allocated " + allocated + " bytes");
    }

    if (!header.gatlingVersion().equals(RunHeader.SUPPORTED_VERSION)) {
      return; // the merger refuses it by its version: nothing to round-trip
    }
    Path merged = dir.resolve("merged.log");
    try {
      LogMerger.merge(List.of(new MergeInput("fuzz", log, 0)), merged);
    } catch (InvalidLogException refused) {
      return; // e.g. a header with no scenario a user record can name
    }
    assertEquals(
        named(header, records),
        named(TestLogs.header(merged), TestLogs.records(merged)),
        "what was read is merged back as is");
  }

  /** Records with each user's scenario by name: the merger unions scenario tables by name. */
  private static List<Object> named(RunHeader header, List<LogRecord> records) {
    return records.stream()
        .map(
            r ->
                r instanceof LogRecord.User u
                    ? List.of(header.scenarios().get(u.scenario()), u.start(), u.time())
                    : (Object) r)
        .toList();
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    Arbitrary<Integer> seed = Arbitraries.integers().between(0, CORPUS.size() - 1);
    return Combinators.combine(seed, mutation().list().ofMinSize(1).ofMaxSize(6))
        .as(
            (s, mutations) -> {
              byte[] bytes = seeds.get(s);
              for (Mutation m : mutations) {
                bytes = m.apply(bytes);
              }
              return bytes;
            });
  }

  private static Arbitrary<Mutation> mutation() {
    Arbitrary<Integer> at = Arbitraries.integers().greaterOrEqual(0);
    Arbitrary<Integer> extreme = Arbitraries.of(Arrays.stream(EXTREMES).boxed().toList());
    Arbitrary<Byte> anyByte = Arbitraries.bytes();
    return Arbitraries.oneOf(
        Combinators.combine(at, anyByte).as((p, b) -> new Mutation.SetByte(p, b)),
        Combinators.combine(at, extreme).as(Mutation.SetInt::new),
        Combinators.combine(at, Arbitraries.integers()).as(Mutation.SetInt::new),
        at.map(Mutation.Truncate::new),
        Combinators.combine(at, Arbitraries.integers().between(1, 64)).as(Mutation.Cut::new),
        Combinators.combine(at, Arbitraries.integers().between(1, 256)).as(Mutation.Repeat::new),
        Combinators.combine(at, anyByte.array(byte[].class).ofMaxSize(16))
            .as(Mutation.Insert::new));
  }

  /** One change to a file's bytes; positions wrap around its length. */
  private sealed interface Mutation {
    byte[] apply(byte[] in);

    private static int pos(int at, int length) {
      return length == 0 ? 0 : at % length;
    }

    record SetByte(int at, byte value) implements Mutation {
      @Override
      public byte[] apply(byte[] in) {
        byte[] out = in.clone();
        if (out.length > 0) {
          out[pos(at, out.length)] = value;
        }
        return out;
      }
    }

    /** A big-endian int written over four bytes, as the reader reads lengths and indices. */
    record SetInt(int at, int value) implements Mutation {
      @Override
      public byte[] apply(byte[] in) {
        if (in.length < 4) {
          return in;
        }
        byte[] out = in.clone();
        ByteBuffer.wrap(out).putInt(pos(at, out.length - 3), value);
        return out;
      }
    }

    record Truncate(int at) implements Mutation {
      @Override
      public byte[] apply(byte[] in) {
        return Arrays.copyOf(in, pos(at, in.length + 1));
      }
    }

    record Cut(int at, int length) implements Mutation {
      @Override
      public byte[] apply(byte[] in) {
        int from = pos(at, in.length + 1);
        int to = Math.min(in.length, from + length);
        byte[] out = new byte[in.length - (to - from)];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(in, to, out, from, in.length - to);
        return out;
      }
    }

    /** A chunk written twice in a row, as a record repeated. */
    record Repeat(int at, int length) implements Mutation {
      @Override
      public byte[] apply(byte[] in) {
        int from = pos(at, in.length + 1);
        int n = Math.min(length, in.length - from);
        byte[] out = new byte[in.length + n];
        System.arraycopy(in, 0, out, 0, from + n);
        System.arraycopy(in, from, out, from + n, in.length - from);
        return out;
      }
    }

    record Insert(int at, byte[] bytes) implements Mutation {
      @Override
      public byte[] apply(byte[] in) {
        int from = pos(at, in.length + 1);
        byte[] out = new byte[in.length + bytes.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(bytes, 0, out, from, bytes.length);
        System.arraycopy(in, from, out, from + bytes.length, in.length - from);
        return out;
      }
    }
  }
}
