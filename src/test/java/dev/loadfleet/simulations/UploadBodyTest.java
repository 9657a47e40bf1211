package dev.loadfleet.simulations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatling.http.client.body.WritableContent;
import io.gatling.http.client.body.multipart.ByteArrayPart;
import io.gatling.http.client.body.multipart.MultipartFormDataRequestBodyBuilder;
import io.gatling.http.client.body.multipart.Part;
import io.gatling.http.client.body.multipart.StringPart;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UploadBodyTest {

  private static final String BOUNDARY = "Qc4J-rEvNWkEZvviC5MNwF-e7r1Kp5Q6q5A";

  private static Recording recording(int size) {
    byte[] bytes = new byte[size];
    new Random(7).nextBytes(bytes);
    return recording(bytes);
  }

  private static Recording recording(byte[] bytes) {
    return Recording.of(bytes, "chunk.webm");
  }

  private static UploadBody body(Recording recording) {
    return body(recording, false);
  }

  private static UploadBody body(Recording recording, boolean fromFile) {
    return new UploadBody(
        List.of(
            Map.entry("studentId", "stu_17"),
            Map.entry("examId", "30"),
            Map.entry("seq", "4"),
            Map.entry("note", "é ü, \"quoted\"")),
        "file",
        "4.webm",
        "video/webm",
        BOUNDARY,
        recording,
        fromFile);
  }

  /** The bytes the socket would send, reading a file region from its file as sendfile does. */
  private static byte[] written(WritableContent content, List<Object> chunks) throws Exception {
    UploadBody.Chunks input = (UploadBody.Chunks) content.getContent();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!input.isEndOfInput()) {
      Object chunk = input.readChunk(ByteBufAllocator.DEFAULT);
      chunks.add(chunk);
      if (chunk instanceof FileRegion region) {
        WritableByteChannel sink = Channels.newChannel(out);
        while (region.transferred() < region.count()) {
          region.transferTo(sink, region.transferred());
        }
        continue;
      }
      ByteBuf b = ((HttpContent) chunk).content().duplicate();
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      out.writeBytes(bytes);
    }
    assertEquals(null, input.readChunk(ByteBufAllocator.DEFAULT), "nothing after the end");
    assertEquals(input.length(), input.progress());
    return out.toByteArray();
  }

  @Test
  void theBodyIsByteForByteWhatGatlingsOwnMultipartPartsWriteForTheSameForm() throws Exception {
    Recording recording = recording(3 * UploadBody.CHUNK + 12_345);
    byte[] bytes = new byte[recording.size()];
    recording.content().getBytes(0, bytes);
    // As the simulation's DSL built it: no charset on the file part, no content type on the fields.
    List<Part<?>> parts = new ArrayList<>();
    UploadBody body = body(recording);
    for (Map.Entry<String, String> f : body.fields()) {
      parts.add(
          new StringPart(
              f.getKey(), f.getValue(), StandardCharsets.UTF_8, null, null, null, null, List.of()));
    }
    parts.add(
        new ByteArrayPart(
            "file", bytes, null, null, null, null, "video/webm", List.of(), "4.webm"));
    byte[] gatlings =
        new MultipartFormDataRequestBodyBuilder(parts)
            .build(UploadBody.mediaType(BOUNDARY), StandardCharsets.UTF_8, StandardCharsets.UTF_8)
            .getBytes();

    for (boolean fromFile : new boolean[] {false, true}) {
      UploadBody sent = body(recording, fromFile);
      WritableContent content = sent.build(ByteBufAllocator.DEFAULT);
      byte[] ours = written(content, new ArrayList<>());

      assertEquals(gatlings.length, content.getContentLength(), "Content-Length");
      assertArrayEquals(gatlings, ours, fromFile ? "from the file" : "from memory");
      assertArrayEquals(gatlings, sent.getBytes());
    }
  }

  @Test
  void fromItsFileTheRecordingIsOneRegionThatLeavesTheSharedFileOpenForTheNextUpload()
      throws Exception {
    Recording recording = recording(2 * UploadBody.CHUNK + 1);
    List<Object> chunks = new ArrayList<>();

    byte[] first = written(body(recording, true).build(ByteBufAllocator.DEFAULT), chunks);

    // head, the whole recording as one region of its file, tail
    assertEquals(3, chunks.size());
    FileRegion region = (FileRegion) chunks.get(1);
    assertTrue(region instanceof DefaultFileRegion, "the kind Netty's epoll sends with sendfile");
    assertEquals(0, region.position());
    assertEquals(recording.size(), region.count());
    assertEquals(recording.size(), recording.file().size());
    for (Object chunk : chunks) {
      ReferenceCountUtil.release(chunk);
    }
    assertEquals(0, region.refCnt());
    assertTrue(recording.file().isOpen(), "the socket's release leaves the recording's file open");
    byte[] again =
        written(body(recording, true).build(ByteBufAllocator.DEFAULT), new ArrayList<>());
    assertArrayEquals(first, again);
  }

  @Test
  void aRecordingGoesFromItsFileOnlyOverPlainTcpWithNoProxy() {
    Recording recording = recording(10);
    assertTrue(UploadBody.canSendFile(recording, false, false));
    assertFalse(UploadBody.canSendFile(recording, true, false), "TLS encrypts bytes in memory");
    assertFalse(UploadBody.canSendFile(recording, false, true), "a proxy's handlers");
    Recording noFile =
        new Recording(recording.content(), null, recording.sha256(), recording.fileName());
    assertFalse(UploadBody.canSendFile(noFile, false, false), "no temporary file could be made");
  }

  @Test
  void theRecordingGoesOutAsSlicesOfItsOneBufferNeverCopiedNorFreed() throws Exception {
    Recording recording = recording(2 * UploadBody.CHUNK + 1);
    long start = recording.content().memoryAddress();
    long end = start + recording.size();
    List<Object> chunks = new ArrayList<>();

    written(body(recording).build(ByteBufAllocator.DEFAULT), chunks);

    // head, three slices (1 MiB, 1 MiB, 1 byte), tail
    assertEquals(5, chunks.size());
    long expected = start;
    for (Object chunk : chunks.subList(1, 4)) {
      ByteBuf slice = ((HttpContent) chunk).content();
      assertTrue(slice.isDirect() && slice.hasMemoryAddress(), "a direct slice the socket reads");
      assertEquals(expected, slice.memoryAddress(), "the recording's own memory, in order");
      assertTrue(slice.readableBytes() <= UploadBody.CHUNK);
      expected += slice.readableBytes();
    }
    assertEquals(end, expected);
    chunks.forEach(ReferenceCountUtil::release);
    chunks.subList(1, 4).forEach(ReferenceCountUtil::release);
    assertEquals(1, recording.content().refCnt(), "the socket's releases never free it");
    assertEquals(start, recording.content().memoryAddress());
    assertEquals(recording.size(), recording.content().readableBytes());
  }

  @Test
  void everyBuildIsAFreshBodySoARetriedRequestSendsItAllAgain() throws Exception {
    for (boolean fromFile : new boolean[] {false, true}) {
      UploadBody body = body(recording(1000), fromFile);
      byte[] first = written(body.build(ByteBufAllocator.DEFAULT), new ArrayList<>());
      byte[] again =
          written(
              body.newBuilder()
                  .build(null, StandardCharsets.UTF_8, StandardCharsets.UTF_8)
                  .build(ByteBufAllocator.DEFAULT),
              new ArrayList<>());
      assertArrayEquals(first, again);
      assertEquals(1000 + body.head().length + body.tail().length, again.length);
    }
  }

  @Test
  void anEmptyRecordingIsAnEmptyFilePart() throws Exception {
    for (boolean fromFile : new boolean[] {false, true}) {
      UploadBody body = body(recording(0), fromFile);
      String text =
          new String(written(body.build(ByteBufAllocator.DEFAULT), new ArrayList<>()), "UTF-8");
      assertTrue(
          text.endsWith("Content-Type: video/webm\r\n\r\n\r\n--" + BOUNDARY + "--\r\n"), text);
    }
  }

  @Test
  void aBoundaryFoundInTheRecordingIsDrawnAgain() {
    String first = UploadBody.boundaryAbsentFrom(recording(100), new Random(42));
    byte[] bytes = ("xx\r\n--" + first + "yy").getBytes(StandardCharsets.US_ASCII);

    String drawn = UploadBody.boundaryAbsentFrom(recording(bytes), new Random(42));

    assertNotEquals(first, drawn);
    assertEquals(35, drawn.length());
    assertTrue(drawn.matches("[-_0-9a-zA-Z]{35}"), drawn);
  }

  @Test
  void namesAreEscapedInsideTheirQuotesAsBrowsersDo() {
    assertEquals("a%22b%0D%0Ac", UploadBody.quoted("a\"b\r\nc"));
    UploadBody body =
        new UploadBody(
            List.of(), "fi\"le", "4\".webm", "video/webm", BOUNDARY, recording(1), false);
    String head = new String(body.head(), StandardCharsets.UTF_8);
    assertTrue(head.contains("name=\"fi%22le\"; filename=\"4%22.webm\""), head);
  }

  @Test
  void printShowsTheFormAndTheRecordingsSizeNotItsBytes() {
    String printed = body(recording(5000)).print(10_000);
    assertTrue(printed.contains("name=\"seq\"\r\n\r\n4\r\n"), printed);
    assertTrue(printed.contains("<5000 bytes of the recording>"), printed);
    assertEquals(20, body(recording(5000)).print(17).length());
  }
}
