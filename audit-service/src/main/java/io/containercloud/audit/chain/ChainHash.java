package io.containercloud.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that links a record to its tenant's previous one: SHA-256 over the previous hash and
 * every stored field, each length-prefixed so that no two different records hash alike by moving
 * text between fields. Changing any field, or removing or reordering a record, breaks the chain
 * from there on.
 */
public final class ChainHash {

  /** The previous hash of a tenant's first record. */
  public static final String GENESIS = "0".repeat(64);

  private ChainHash() {}

  public static String of(String previousHash, long seq, AuditEntry e) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
    for (String field :
        new String[] {
          previousHash,
          Long.toString(seq),
          e.eventId(),
          e.tenant(),
          e.occurredAt().toString(),
          e.actor(),
          e.action(),
          e.service(),
          e.method(),
          e.status() == null ? null : e.status().toString(),
          e.targetId(),
          e.payload()
        }) {
      byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
      sha.update((field == null ? "-1:" : bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      sha.update(bytes);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
