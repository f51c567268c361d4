package io.containercloud.dns.bind;

import io.containercloud.dns.model.RecordType;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * Talks to BIND: RFC 2136 dynamic updates and AXFR zone transfers, both signed with the zone's TSIG
 * key. Records are built as typed dnsjava objects from validated values, never parsed from text, so
 * nothing a user typed can become zone-file syntax.
 */
@Component
public class BindClient {

  private static final EnumSet<RecordType> MANAGED = EnumSet.allOf(RecordType.class);
  private static final int TXT_CHUNK = 255;
  private static final String PROBE_LABEL = "_platform-check";
  private static final int PROBE_TTL = 30;

  private final TsigKeyring keys;
  private final BindProperties properties;

  BindClient(TsigKeyring keys, BindProperties properties) {
    this.keys = keys;
    this.properties = properties;
  }

  /** Sends all changes in one update message: they take effect together or not at all. */
  public UpdateOutcome apply(ZoneTarget target, List<RRsetChange> changes) {
    try {
      Update update = new Update(absolute(target.zone()));
      for (RRsetChange change : changes) {
        addTo(update, change);
      }
      Message response = resolver(target).send(update);
      int rcode = response.getRcode();
      if (rcode == Rcode.NOERROR) {
        return new UpdateOutcome.Applied();
      }
      if (rcode == Rcode.NXRRSET
          || rcode == Rcode.YXRRSET
          || rcode == Rcode.NXDOMAIN
          || rcode == Rcode.YXDOMAIN) {
        return new UpdateOutcome.PrerequisiteFailed(Rcode.string(rcode));
      }
      return new UpdateOutcome.Rejected(describe(response));
    } catch (IOException e) {
      return new UpdateOutcome.Unreachable(
          "BIND at " + server(target) + " did not answer: " + e.getMessage());
    }
  }

  /** The zone's managed record sets as BIND holds them now (SOA, NS and other types left out). */
  public TransferOutcome transfer(ZoneTarget target) {
    List<Record> records;
    try {
      ZoneTransferIn xfr =
          ZoneTransferIn.newAXFR(
              absolute(target.zone()), target.host(), target.port(), keys.key(target.tsigKey()));
      xfr.setTimeout(properties.timeout().multipliedBy(5));
      xfr.run();
      records = xfr.getAXFR();
    } catch (ZoneTransferException e) {
      return new TransferOutcome.Refused(
          rcodeOf(e.getMessage()),
          "BIND at "
              + server(target)
              + " refused the zone transfer of "
              + target.zone()
              + ": "
              + e.getMessage());
    } catch (IOException e) {
      return new TransferOutcome.Unreachable(
          "BIND at " + server(target) + " did not answer the zone transfer: " + e.getMessage());
    }
    Map<String, List<Record>> byNameAndType = new TreeMap<>();
    for (Record r : records) {
      Optional<RecordType> type = managedType(r.getType());
      if (type.isPresent()) {
        byNameAndType
            .computeIfAbsent(nameOf(r.getName()) + " " + type.get(), k -> new ArrayList<>())
            .add(r);
      }
    }
    List<ObservedRRset> observed = new ArrayList<>();
    byNameAndType.values().forEach(sets -> observed.add(observe(sets)));
    return new TransferOutcome.Transferred(observed);
  }

  /**
   * Whether BIND can hold the zone for the platform, asked in the order the platform needs it: it
   * is authoritative for exactly this zone (the SOA query is answered with the AA flag and the
   * zone's own SOA), it accepts an update signed with the zone's key, and it transfers the zone
   * with that key. The update adds and removes a probe TXT record in one message, so it goes
   * through the same access rules as the platform's updates (an {@code allow-update} list or an
   * {@code update-policy}) and still leaves the zone as it was: BIND applies nothing and does not
   * even bump the serial.
   */
  public ZoneCheck check(ZoneTarget target) {
    ZoneCheck authoritative = checkAuthoritative(target);
    if (!(authoritative instanceof ZoneCheck.Passed)) {
      return authoritative;
    }
    ZoneCheck update = checkUpdate(target);
    if (!(update instanceof ZoneCheck.Passed)) {
      return update;
    }
    TransferOutcome transfer = transfer(target);
    if (transfer instanceof TransferOutcome.Refused refused) {
      return new ZoneCheck.Failed(ZoneCheck.Step.TRANSFER, refused.rcode(), refused.reason());
    } else if (transfer instanceof TransferOutcome.Unreachable unreachable) {
      return new ZoneCheck.Unreachable(ZoneCheck.Step.TRANSFER, unreachable.reason());
    }
    return new ZoneCheck.Passed();
  }

  // unsigned, as any resolver asks: a wrong key is the update step's finding, not this one's
  private ZoneCheck checkAuthoritative(ZoneTarget target) {
    ZoneCheck.Step step = ZoneCheck.Step.AUTHORITATIVE;
    try {
      Name zone = absolute(target.zone());
      SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(target.host()));
      resolver.setPort(target.port());
      resolver.setTimeout(properties.timeout());
      Message answer = resolver.send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)));
      int rcode = answer.getRcode();
      boolean soaOfZone =
          answer.getSection(Section.ANSWER).stream()
              .anyMatch(r -> r.getType() == Type.SOA && r.getName().equals(zone));
      if (rcode == Rcode.NOERROR && answer.getHeader().getFlag(Flags.AA) && soaOfZone) {
        return new ZoneCheck.Passed();
      }
      return new ZoneCheck.Failed(
          step,
          Rcode.string(rcode),
          "BIND at "
              + server(target)
              + " is not authoritative for "
              + target.zone()
              + ": its SOA query was answered "
              + Rcode.string(rcode)
              + (answer.getHeader().getFlag(Flags.AA) ? "" : " without the AA flag")
              + apexHint(answer, zone));
    } catch (IOException e) {
      return new ZoneCheck.Unreachable(
          step, "BIND at " + server(target) + " did not answer the SOA query: " + e.getMessage());
    }
  }

  private ZoneCheck checkUpdate(ZoneTarget target) {
    ZoneCheck.Step step = ZoneCheck.Step.UPDATE;
    try {
      Name zone = absolute(target.zone());
      TXTRecord probe =
          new TXTRecord(
              Name.fromString(PROBE_LABEL, zone),
              DClass.IN,
              PROBE_TTL,
              "platform check " + UUID.randomUUID());
      Update update = new Update(zone);
      update.add(probe);
      update.delete(probe);
      Message response = resolver(target).send(update);
      if (response.getRcode() == Rcode.NOERROR) {
        return new ZoneCheck.Passed();
      }
      return new ZoneCheck.Failed(
          step,
          Rcode.string(response.getRcode()),
          describe(response).replace("BIND refused", "BIND at " + server(target) + " refused"));
    } catch (IOException e) {
      return new ZoneCheck.Unreachable(
          step, "BIND at " + server(target) + " did not answer the update: " + e.getMessage());
    }
  }

  // "the zone is platform.test" when BIND answered for an enclosing zone
  private static String apexHint(Message answer, Name zone) {
    return answer.getSection(Section.AUTHORITY).stream()
        .filter(r -> r.getType() == Type.SOA && !r.getName().equals(zone))
        .findFirst()
        .map(r -> " (the zone it serves there is " + nameOf(r.getName()) + ")")
        .orElse("");
  }

  // dnsjava reports a refused transfer by the rcode's mnemonic, or "TSIG failure: BADSIG (...)"
  private static String rcodeOf(String message) {
    if (message == null) {
      return "FAILED";
    }
    if (Rcode.value(message) >= 0) {
      return message;
    }
    if (message.startsWith("TSIG failure: ")) {
      return "TSIG " + message.substring("TSIG failure: ".length()).split(" ")[0];
    }
    return message;
  }

  private static String server(ZoneTarget target) {
    return target.host() + ":" + target.port();
  }

  private void addTo(Update update, RRsetChange change) throws TextParseException {
    Name name = absolute(change.name());
    int type = Type.value(change.type().name());
    if (change.expected() == null) {
      update.absent(name, type);
    } else {
      for (String value : change.expected()) {
        update.present(record(name, change.type(), 0, value));
      }
    }
    update.delete(name, type);
    for (String value : change.desired()) {
      update.add(record(name, change.type(), change.ttl(), value));
    }
  }

  private SimpleResolver resolver(ZoneTarget target) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(target.host()));
    resolver.setPort(target.port());
    resolver.setTCP(true);
    resolver.setTimeout(properties.timeout());
    resolver.setTSIGKey(keys.key(target.tsigKey()));
    return resolver;
  }

  private static Record record(Name name, RecordType type, long ttl, String value)
      throws TextParseException {
    try {
      return switch (type) {
        case A -> new ARecord(name, DClass.IN, ttl, InetAddress.getByName(value));
        case AAAA -> new AAAARecord(name, DClass.IN, ttl, InetAddress.getByName(value));
        case CNAME -> new CNAMERecord(name, DClass.IN, ttl, absolute(value));
        case TXT -> new TXTRecord(name, DClass.IN, ttl, chunks(value));
        case SRV -> {
          String[] p = value.split(" ");
          yield new SRVRecord(
              name,
              DClass.IN,
              ttl,
              Integer.parseInt(p[0]),
              Integer.parseInt(p[1]),
              Integer.parseInt(p[2]),
              absolute(p[3]));
        }
      };
    } catch (java.net.UnknownHostException e) {
      // values are validated literals; reaching this means validation and the client disagree
      throw new IllegalStateException("not an address literal: " + value, e);
    }
  }

  private static ObservedRRset observe(List<Record> records) {
    Record first = records.get(0);
    RecordType type = managedType(first.getType()).orElseThrow();
    TreeSet<String> values = new TreeSet<>();
    for (Record r : records) {
      values.add(valueOf(r));
    }
    return new ObservedRRset(
        nameOf(first.getName()), type, (int) first.getTTL(), List.copyOf(values));
  }

  private static String valueOf(Record r) {
    if (r instanceof ARecord a) {
      return a.getAddress().getHostAddress();
    } else if (r instanceof AAAARecord aaaa) {
      return aaaa.getAddress().getHostAddress();
    } else if (r instanceof CNAMERecord cname) {
      return nameOf(cname.getTarget());
    } else if (r instanceof TXTRecord txt) {
      return String.join("", txt.getStrings());
    } else if (r instanceof SRVRecord srv) {
      return srv.getPriority()
          + " "
          + srv.getWeight()
          + " "
          + srv.getPort()
          + " "
          + nameOf(srv.getTarget());
    }
    throw new IllegalArgumentException("unmanaged record type " + Type.string(r.getType()));
  }

  private static Optional<RecordType> managedType(int type) {
    return MANAGED.stream().filter(t -> Type.value(t.name()) == type).findFirst();
  }

  private static List<String> chunks(String value) {
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < value.length(); i += TXT_CHUNK) {
      chunks.add(value.substring(i, Math.min(value.length(), i + TXT_CHUNK)));
    }
    return chunks;
  }

  private static String describe(Message response) {
    String rcode = Rcode.string(response.getRcode());
    if (response.getTSIG() != null && response.getTSIG().getError() != Rcode.NOERROR) {
      return "BIND refused the update: "
          + rcode
          + ", TSIG "
          + Rcode.TSIGstring(response.getTSIG().getError());
    }
    if (response.getRcode() == Rcode.NOTAUTH) {
      return "BIND refused the update: NOTAUTH (wrong TSIG key, or not authoritative for the zone)";
    }
    return "BIND refused the update: " + rcode;
  }

  private static Name absolute(String name) throws TextParseException {
    return Name.fromString(name + ".");
  }

  private static String nameOf(Name name) {
    return name.toString(true).toLowerCase(java.util.Locale.ROOT);
  }
}
