package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordingSinkTest {

  private static final byte[] RECORDING = random(3 * 65536 + 123, 1);
  private static final String SHA = sha256(RECORDING);

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Feeds the bytes as a network reader would: 64 KiB direct chunks, then the hash. */
  private static String upload(RecordingSink sink, byte[] bytes) throws Exception {
    for (int at = 0; at < bytes.length; at += 65536) {
      int n = Math.min(65536, bytes.length - at);
      ByteBuf chunk = Unpooled.directBuffer(n).writeBytes(bytes, at, n);
      sink.write(chunk);
      assertEquals(n, chunk.readableBytes(), "the caller's bytes stay unread");
      chunk.release();
    }
    return sink.sha256Hex();
  }

  private static RecordingSink sink(VerifiedContents verified, String sha, long size) {
    return new RecordingSink(null, n -> {}, verified, sha, size);
  }

  @Test
  void theFirstUploadIsHashedAndLearnedTheNextIsComparedWithTheSameResult() throws Exception {
    VerifiedContents verified = new VerifiedContents();

    RecordingSink first = sink(verified, SHA, RECORDING.length);
    assertEquals(SHA, upload(first, RECORDING));
    assertFalse(first.compared(), "hashed: nothing was known yet");
    assertEquals(1, verified.size(), "learned once it hashed to what it declared");

    RecordingSink second = sink(verified, SHA.toUpperCase(), RECORDING.length);
    for (int at = 0; at < RECORDING.length; at += 65536) {
      int n = Math.min(65536, RECORDING.length - at);
      second.write(Unpooled.wrappedBuffer(RECORDING, at, n)); // heap chunks compare the same
    }
    assertEquals(SHA, second.sha256Hex());
    assertTrue(second.compared());
  }

  @Test
  void anUploadThatDiffersAnywhereIsHashedAndGetsItsOwnTrueChecksum() throws Exception {
    VerifiedContents verified = new VerifiedContents();
    upload(sink(verified, SHA, RECORDING.length), RECORDING);
    for (int flip : new int[] {0, 65535, 65536, 100_000, RECORDING.length - 1}) {
      byte[] other = RECORDING.clone();
      other[flip] ^= 1;
      RecordingSink sink = sink(verified, SHA, RECORDING.length);

      String hex = upload(sink, other);

      assertFalse(sink.compared(), "byte " + flip);
      assertEquals(sha256(other), hex, "byte " + flip);
    }
  }

  @Test
  void aShortOrLongUploadHashesWhatArrived() throws Exception {
    VerifiedContents verified = new VerifiedContents();
    upload(sink(verified, SHA, RECORDING.length), RECORDING);

    byte[] shorter = Arrays.copyOf(RECORDING, 100_000);
    assertEquals(sha256(shorter), upload(sink(verified, SHA, RECORDING.length), shorter));

    byte[] longer = Arrays.copyOf(RECORDING, RECORDING.length + 10);
    assertEquals(sha256(longer), upload(sink(verified, SHA, RECORDING.length), longer));
  }

  @Test
  void aContentThatDoesNotHashToItsDeclaredChecksumIsNeverLearned() throws Exception {
    VerifiedContents verified = new VerifiedContents();
    byte[] other = random(RECORDING.length, 2);

    assertEquals(sha256(other), upload(sink(verified, SHA, RECORDING.length), other));
    assertEquals(0, verified.size());
    assertNull(verified.get(SHA, RECORDING.length));

    // The claim was given back: the true content is learned by the next upload.
    upload(sink(verified, SHA, RECORDING.length), RECORDING);
    assertNotNull(verified.get(SHA, RECORDING.length));
  }

  @Test
  void anUploadClosedMidwayGivesItsClaimBackAndOneUploadLearnsAtATime() throws Exception {
    VerifiedContents verified = new VerifiedContents();
    RecordingSink learner = sink(verified, SHA, RECORDING.length);
    learner.write(Unpooled.wrappedBuffer(RECORDING, 0, 1000));
    assertFalse(verified.claim(SHA, RECORDING.length), "one learner at a time");

    learner.close();

    assertTrue(verified.claim(SHA, RECORDING.length), "the claim is free again");
    verified.abandon(SHA, RECORDING.length);
    assertEquals(0, verified.size());
  }

  @Test
  void onlySoManyContentsOfBoundedSizeAreKept() throws Exception {
    VerifiedContents verified = new VerifiedContents();
    assertFalse(verified.claim(SHA, VerifiedContents.MAX_BYTES + 1), "too big to keep");
    for (int i = 0; i < VerifiedContents.MAX_ENTRIES + 1; i++) {
      byte[] content = random(1000, 10 + i);
      upload(sink(verified, sha256(content), content.length), content);
    }
    assertEquals(VerifiedContents.MAX_ENTRIES, verified.size());
  }

  @Test
  void uploadsDeclaringManyDifferentContentsAtOnceCannotMakeItHoldMoreThanItsBound() {
    VerifiedContents verified = new VerifiedContents();
    List<RecordingSink> learners = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      learners.add(sink(verified, sha256(random(10, 100 + i)), 1000));
    }
    assertFalse(verified.claim(SHA, RECORDING.length), "every place is taken by a learner");
    learners.forEach(RecordingSink::close);
    assertTrue(verified.claim(SHA, RECORDING.length), "closed learners give their places back");
  }

  @Test
  void withoutADeclaredChecksumEveryByteIsHashed() throws Exception {
    VerifiedContents verified = new VerifiedContents();
    upload(sink(verified, SHA, RECORDING.length), RECORDING);
    RecordingSink undeclared = sink(verified, null, -1);
    assertEquals(SHA, upload(undeclared, RECORDING));
    assertFalse(undeclared.compared());
  }
}
