package dev.loadfleet.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer does with its file beyond the bytes (those are compared in LogMergerTest). */
class SimulationLogWriterTest {
  @TempDir Path tmp;

  @Test
  void closingForcesTheWholeLogToDiskBeforeTheFileIsClosed() throws IOException {
    // The merger renames the log into place after close(): a rename of unsynced data can leave
    // an empty merged log after a crash, so close() must have forced every byte first.
    List<String> calls = new ArrayList<>();
    FileChannel file =
        FileChannel.open(
            tmp.resolve("simulation.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    RunHeader header =
        new RunHeader("3.15.1", "x.Sim", 1_700_000_000_000L, "", List.of("s"), List.of());
    try (SimulationLogWriter w = SimulationLogWriter.create(new Recording(file, calls), header)) {
      w.write(new LogRecord.User(0, true, 1));
    }
    assertEquals(List.of("write", "force", "close"), calls);
  }

  /** Passes every call on to a real file channel, noting writes, forces and the close. */
  private static final class Recording extends FileChannel {
    private final FileChannel real;
    private final List<String> calls;

    Recording(FileChannel real, List<String> calls) {
      this.real = real;
      this.calls = calls;
    }

    private void note(String call) {
      if (calls.isEmpty() || !calls.get(calls.size() - 1).equals(call)) {
        calls.add(call);
      }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      note("write");
      return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      note("write");
      return real.write(srcs, offset, length);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      note("write");
      return real.write(src, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      note("force");
      real.force(metaData);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      note("close");
      real.close();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      real.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      note("write");
      return real.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }
  }
}
