package dev.loadfleet.remote;

import com.hierynomus.sshj.key.KeyAlgorithm;
import com.jcraft.jsch.Identity;
import java.util.LinkedList;
import java.util.Queue;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;

/**
 * sshj's {@code publickey} method with a key that ssh-agent holds: the agent (through JSch's agent
 * client, which speaks the agent protocol) signs, sshj carries the signature. As sshj's own keyed
 * methods do, an RSA key is offered with each signature algorithm the server accepts (rsa-sha2-512,
 * rsa-sha2-256, ssh-rsa) until one is taken.
 */
final class AgentAuth extends AbstractAuthMethod {
  private final Identity identity;
  private Queue<KeyAlgorithm> algorithms;

  AgentAuth(Identity identity) {
    super("publickey");
    this.identity = identity;
  }

  private String algorithm() throws UserAuthException {
    try {
      if (algorithms == null) {
        KeyType type = KeyType.fromString(identity.getAlgName());
        algorithms = new LinkedList<>(params.getTransport().getClientKeyAlgorithms(type));
      }
    } catch (TransportException e) {
      throw new UserAuthException("no signature algorithm for agent key " + identity.getName(), e);
    }
    KeyAlgorithm next = algorithms.peek();
    // A key type sshj does not know is still offered under its own name: the agent signs it.
    return next == null ? identity.getAlgName() : next.getKeyAlgorithm();
  }

  private SSHPacket request(boolean signed) throws UserAuthException {
    return super.buildReq()
        .putBoolean(signed)
        .putString(algorithm())
        .putString(identity.getPublicKeyBlob());
  }

  @Override
  protected SSHPacket buildReq() throws UserAuthException {
    return request(false);
  }

  @Override
  public void handle(Message cmd, SSHPacket buf) throws UserAuthException, TransportException {
    if (cmd != Message.USERAUTH_60) {
      super.handle(cmd, buf);
      return;
    }
    // The server takes the key: send the request again, signed by the agent over the session id
    // and the request itself (RFC 4252, section 7).
    SSHPacket signed = request(true);
    byte[] data =
        new Buffer.PlainBuffer()
            .putString(params.getTransport().getSessionID())
            .putBuffer(signed)
            .getCompactData();
    byte[] signature = identity.getSignature(data, algorithm());
    if (signature == null) {
      throw new UserAuthException(
          "ssh-agent refused to sign with its key "
              + identity.getName()
              + " (locked or confirm-only?)");
    }
    params.getTransport().write(signed.putString(signature));
  }

  @Override
  public boolean shouldRetry() {
    if (algorithms != null) {
      algorithms.poll();
      return !algorithms.isEmpty();
    }
    return false;
  }

  @Override
  public String toString() {
    return "agent key " + identity.getName();
  }
}
